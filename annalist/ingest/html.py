"""HTML page -> article body and metadata, by trafilatura (and htmldate for the date)."""
from __future__ import annotations

import lxml.html
import trafilatura

__all__ = ["extract_html", "fragment_text"]


def extract_html(html: str, url: str | None = None) -> dict[str, str | None] | None:
    """Body text, title, outlet (site name) and date of an article page; None without a body."""
    result = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, include_links=False,
        deduplicate=False,  # trafilatura's cache is process-wide: a second copy of a page would lose its text
    )
    if result is None:
        return None
    meta = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = meta.get("text") or ""
    if not text.strip():
        return None
    return {
        "text": text,
        "title": meta.get("title"),
        "outlet": meta.get("sitename"),
        "published": meta.get("date"),
        "url": meta.get("url") or url,
    }


def fragment_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed item's content), one line per block element.

    trafilatura needs a page; feed items carry bare fragments, so fall back to lxml's
    text with a newline after each block element."""
    extracted = trafilatura.extract(f"<html><body><article>{fragment}</article></body></html>")
    if extracted and extracted.strip():
        return extracted
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for el in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "br", "blockquote"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()
