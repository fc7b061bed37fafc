"""Shared fixtures: the seeds and dev data (read from ../shared, skipped when absent),
the bundled examples, and a fresh in-memory store per test."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annalist.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
EXAMPLES = ROOT / "examples"
CORPUS = EXAMPLES / "corpus"
TODAY = "2026-11-23"  # a fixed "today", so inferred years do not drift with the calendar


def seed_path(prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS} (they live in the shared folder beside the repo)")
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS} (they live in the shared folder beside the repo)")
    return SEEDS


@pytest.fixture(scope="session")
def clean_corpus_exports(tmp_path_factory) -> dict[str, bytes]:
    """The jsonl exports of one clean build of the example corpus (what resumed runs must equal)."""
    if not CORPUS.is_dir():
        pytest.skip("the example corpus is missing")
    from annalist import Options, build, export, open_store

    folder = tmp_path_factory.mktemp("clean-corpus")
    db = folder / "clean.duckdb"
    build([str(CORPUS)], Options(db=str(db), reference_date=TODAY, progress=False))
    with open_store(db, read_only=True) as s:
        export(s, folder / "export", "jsonl")
    return {p.name: p.read_bytes() for p in sorted((folder / "export").iterdir())}


@pytest.fixture
def store():
    with Store(":memory:") as s:
        yield s


def gold_documents() -> list[dict]:
    path = EXAMPLES / "gold" / "documents.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
