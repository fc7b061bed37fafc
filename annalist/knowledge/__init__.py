"""Versioned knowledge files (data, not code): each JSON file carries a
``version`` and a ``source`` note; code reads them through :func:`load`."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load"]


@cache
def load(name: str) -> Any:
    """Return the parsed JSON knowledge file ``name`` (e.g. ``"boilerplate"``)."""
    path = resources.files(__package__).joinpath(f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))
