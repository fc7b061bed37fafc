"""Fixtures for the explorer tests: the seeded example store and a TestClient on it.

Imported by each test module (not a conftest.py: a second conftest module here would shadow
tests/conftest.py for modules that import from it)."""
from __future__ import annotations

import pytest

from web.seedstore import corpus_store  # tests/web/seedstore.py


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory):
    return corpus_store(tmp_path_factory)


@pytest.fixture(scope="session")
def client(corpus_db):
    from fastapi.testclient import TestClient

    from annalist.web import create_app
    with TestClient(create_app(corpus_db)) as c:
        yield c
