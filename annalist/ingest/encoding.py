"""Bytes -> text: BOMs first, then strict UTF-8, then the declared HTML/XML charset,
then charset-normalizer's best guess."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["decode", "binary_kind"]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_DECLARED = re.compile(rb"""<(?:meta[^>]+charset|\?xml[^>]+encoding)\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.I)

# Magic numbers of formats people rename to .html/.txt by mistake.
_MAGIC = [
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip archive"), (b"RIFF", "RIFF media file"), (b"\x7fELF", "executable"),
    (b"BM", None),  # too short a signature alone; checked with NULs below
]


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of ``data``, or None when it looks like text."""
    for magic, name in _MAGIC:
        if name and data.startswith(magic):
            return name
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without a BOM has a NUL in every other byte of ASCII text.
        if _utf16_without_bom(head):
            return None
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if head and controls > 0.05 * len(head):
        return "binary data (control bytes)"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 puts a zero byte beside every ASCII character, always on the same side."""
    if len(head) < 4:
        return None
    odd, even = head[1::2].count(0) / len(head[1::2]), head[0::2].count(0) / len(head[0::2])
    if max(odd, even) > 0.15 and min(odd, even) < 0.02:
        return "utf-16-le" if odd > even else "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raises ``UnicodeError`` when no encoding fits."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    if enc := _utf16_without_bom(data[:4096]):
        return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.search(data[:4096])
    if declared:
        try:
            enc = codecs.lookup(declared.group(1).decode("ascii")).name
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(data).best()
    if best is None:
        raise UnicodeError("cannot detect the text encoding")
    return str(best), best.encoding
