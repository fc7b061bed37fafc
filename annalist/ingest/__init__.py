"""ingest: paths (files, folders, globs, ``-``) -> RawDocuments and Rejections.

Formats are sniffed from content (feed, HTML, JSON Lines, plain text); every problem
becomes a Rejection naming the file (and line) and the reason, and reading goes on."""
from __future__ import annotations

import glob
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import RawDocument, Rejection
from .encoding import binary_kind, decode
from .readers import read_feed, read_html, read_jsonl, read_text, sha256
from .sniff import sniff_format

__all__ = ["iter_inputs", "expand_paths", "read_bytes"]

STDIN = "-"
_GLOB_CHARS = set("*?[")


def expand_paths(paths: Iterable[str]) -> Iterator[str | Rejection]:
    """Files below folders (sorted, hidden ones skipped), glob matches, ``-`` as is."""
    for path in paths:
        if path == STDIN:
            yield path
        elif os.path.isdir(path):
            seen_dirs: set[tuple[int, int]] = set()
            for root, dirs, files in os.walk(path, followlinks=True):
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop
                    dirs[:] = []
                    continue
                seen_dirs.add((st.st_dev, st.st_ino))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        elif os.path.lexists(path):
            yield path
        elif _GLOB_CHARS & set(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                yield Rejection(path, "no file matches this pattern")
            yield from expand_paths(matches)
        else:
            yield Rejection(path, "no such file or folder")


def _file_kind(mode: int) -> str:
    return ("a named pipe" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a folder" if stat.S_ISDIR(mode) else "a special file")


def read_bytes(path: str, max_bytes: int) -> bytes | Rejection:
    """The file's bytes, or a Rejection saying why they cannot be read."""
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):  # a pipe would block the run, /dev/zero never end
                return Rejection(path, f"not a regular file ({_file_kind(st.st_mode)})")
            if st.st_size > max_bytes:
                return Rejection(path, f"file is {st.st_size:,} bytes, over the limit of {max_bytes:,} (see --max-file-size)")
            with open(path, "rb") as f:
                data = f.read(max_bytes + 1)  # never more, even when the file grows as we read
    except PermissionError:
        return Rejection(path, "permission denied")
    except IsADirectoryError:
        return Rejection(path, "is a folder")
    except OSError as exc:
        return Rejection(path, f"cannot be read ({exc.strerror or exc})")
    if len(data) > max_bytes:
        return Rejection(path, f"input is over the limit of {max_bytes:,} bytes (see --max-file-size)")
    return data


def read_file(path: str, data: bytes, parse_html: bool = True) -> Iterator[RawDocument | Rejection]:
    """Sniff one file's content and hand it to the reader for its format."""
    file_hash = sha256(data)
    if not data.strip():
        yield Rejection(path, "empty file", input_hash=file_hash)
        return
    if kind := binary_kind(data):
        yield Rejection(path, f"not text: looks like {kind}", input_hash=file_hash)
        return
    try:
        text, _encoding = decode(data)
    except UnicodeError as exc:
        yield Rejection(path, str(exc), input_hash=file_hash)
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():  # a byte-order mark, or blanks in a wide encoding: nothing to read
        yield Rejection(path, "empty file (no text after decoding)", input_hash=file_hash)
        return
    fmt = sniff_format(text, path)
    if fmt == "feed":
        yield from read_feed(text, path, parse_html)
    elif fmt == "jsonl":
        yield from read_jsonl(text, path, parse_html)
    elif fmt == "html":
        yield from read_html(text, path, file_hash, parse_html=parse_html)
    else:
        yield from read_text(text, path, file_hash)


def iter_inputs(paths: Iterable[str], max_bytes: int, parse_html: bool = True,
                exclude: Iterable[str] = ()) -> Iterator[RawDocument | Rejection]:
    """Every article (or rejection) found under ``paths``, in a stable order.

    ``parse_html=False`` skips article extraction from HTML (items come with an empty
    body): a cheap first look at what is there. ``exclude``: files never to read (the
    store itself, when it sits among the articles)."""
    skip = {os.path.realpath(p) for p in exclude}
    for path in expand_paths(paths):
        if isinstance(path, Rejection):
            yield path
            continue
        if path != STDIN and os.path.realpath(path) in skip:
            continue
        data = read_bytes(path, max_bytes)
        if isinstance(data, Rejection):
            yield data
            continue
        try:
            yield from read_file("<stdin>" if path == STDIN else path, data, parse_html)
        except Exception as exc:  # a reader bug must not stop the run: report it by file
            yield Rejection(path, f"could not be read ({type(exc).__name__}: {exc})")
