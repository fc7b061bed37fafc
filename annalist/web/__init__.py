"""web: the explorer (server-rendered pages) and the JSON API behind ``annalist serve``.

    from annalist.web import create_app
    app = create_app("news.duckdb")      # any ASGI server; the store is opened read-only
"""
from .app import create_app

__all__ = ["create_app"]
