"""annalist: news coverage in, sourced and structured records out.

    >>> import annalist
    >>> report = annalist.build(["articles/"], annalist.Options(db="news.duckdb"))
    >>> with annalist.open_store("news.duckdb", read_only=True) as store:
    ...     docs = store.documents()
"""
from .errors import AnnalistError, InputError, SchemaError, StoreError, UsageError
from .model import (Analysis, DatedValue, DateMention, Document, EntityMention, Evidence, RawDocument,
                    Rejection, Sentence)
from .options import Options
from .outputs.export import export
from .pipeline import BuildReport, Progress, build
from .store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "build", "BuildReport", "Progress", "Options", "open_store", "Store", "export",
    "Document", "RawDocument", "Rejection", "DatedValue", "DateMention", "Analysis", "Sentence",
    "EntityMention", "Evidence",
    "AnnalistError", "InputError", "StoreError", "SchemaError", "UsageError", "__version__",
]
