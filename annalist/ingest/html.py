"""HTML page -> article body and metadata, by trafilatura (and htmldate for the date)."""
from __future__ import annotations

import re
from html import unescape

import lxml.etree
import lxml.html
import trafilatura

__all__ = ["extract_html", "fragment_text"]

_TAG = re.compile(r"<[^>]*>?")
# Characters XML 1.0 forbids: lxml refuses a string with any of them (NUL, most C0 controls).
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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
    fragment = _XML_INVALID.sub("", fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, AssertionError, ValueError):
        # lxml gives up on some fragments ("<!DOCTYPE x>", "<html>" with no body): take the
        # text between the tags, so one odd item does not cost the feed its other items
        return unescape(_TAG.sub(" ", fragment))
    for el in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "br", "blockquote"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()
