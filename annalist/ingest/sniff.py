"""Decide a file's format from its content; the extension only breaks ties."""
from __future__ import annotations

import json
import re

__all__ = ["sniff_format"]

_FEED = re.compile(r"<(rss|feed|rdf:RDF)[\s>]", re.I)
_HTML = re.compile(r"<(!doctype html|html|head|body|article|div|p)[\s>]", re.I)


def sniff_format(text: str, name: str) -> str:
    """Return ``"feed"``, ``"html"``, ``"jsonl"`` or ``"text"``."""
    head = text.lstrip()[:2048]
    lower_name = name.lower()
    if head.startswith("<"):
        if _FEED.search(head) and not head.lower().startswith(("<!doctype html", "<html")):
            return "feed"
        if _HTML.search(head) or lower_name.endswith((".html", ".htm")):
            return "html"
    if head.startswith("{"):
        first = head.split("\n", 1)[0]
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except ValueError:
            pass
        if lower_name.endswith((".jsonl", ".ndjson", ".json")):
            return "jsonl"
    if lower_name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lower_name.endswith((".html", ".htm")) and _HTML.search(text[:65536]):
        return "html"
    return "text"
