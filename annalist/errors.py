"""Every exception annalist raises, in one place.

AnnalistError
 ├── InputError      one input (file, line, feed item) cannot be read; the run goes on
 ├── StoreError      the store cannot be opened or written
 │    └── SchemaError   the store was written by a newer annalist
 └── UsageError      bad arguments to a library call (the CLI maps it to exit code 2)
"""
from __future__ import annotations

__all__ = ["AnnalistError", "InputError", "StoreError", "SchemaError", "UsageError"]


class AnnalistError(Exception):
    """Base class of all annalist errors."""


class InputError(AnnalistError):
    """An input could not be turned into a document: names the file, line and reason."""

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path, self.reason, self.line = path, reason, line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


class StoreError(AnnalistError):
    """The store could not be opened, migrated or written."""


class SchemaError(StoreError):
    """The store's schema version is newer than this annalist understands."""


class UsageError(AnnalistError):
    """A library call got arguments it cannot work with."""
