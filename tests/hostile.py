"""A folder of hostile inputs, generated (never committed: one file is 50 MB).

    python tests/hostile.py DIR      # write the corpus into DIR and list what each file should give

``make_hostile_corpus(folder)`` writes 40-odd nasty files (empty, binary, huge, deeply nested,
badly encoded, broken JSON Lines, script payloads, odd names, symlink loops, a named pipe, ...)
and returns what the build must make of each, keyed by the path it reports. The article texts
are the example corpus's (invented), so the files that should become documents do.
"""
from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "corpus"

XSS_TEXT = ("<script>alert('xss')</script> <img src=x onerror=alert(1)> <iframe src=\"javascript:alert(2)\"></iframe> "
            "<a href=\"javascript:alert(3)\" onclick=\"alert(4)\">click</a> <svg onload=alert(5)>")
PAYLOAD_MARKERS = ("alert(", "onerror", "javascript:", "onload", "onclick")


@dataclass(frozen=True)
class Expect:
    """What the build must report for one path."""

    outcome: str                 # document | read (stored, maybe as a copy) | rejected | reported | skipped | items
    reason: str | None = None    # a rejection's reason contains this
    lines: dict[int, str] = field(default_factory=dict)   # items: rejected line -> reason part
    documents: int = 0           # items: at least this many items become documents (or copies)


def _texts() -> list[str]:
    """Distinct English article texts (with their header lines) from the example corpus."""
    return [p.read_text(encoding="utf-8") for p in sorted((EXAMPLES / "text").glob("*.txt"))]


def _records() -> list[dict]:
    out = []
    for path in sorted((EXAMPLES / "jsonl").glob("*.jsonl")):
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def _record_texts(records: list[dict]) -> list[str]:
    return [r["text"] for r in records if isinstance(r.get("text"), str)]


def _body(text: str) -> str:
    """The text without its header block (for files that add their own)."""
    head, _, rest = text.partition("\n\n")
    return rest if head.lower().startswith("title:") else text


def _jsonl(records: list[dict]) -> tuple[str, dict[int, str], int]:
    """10,000 lines: mostly broken in eight ways, a few good records and some extreme ones."""
    broken = {
        0: ('{"text": "unterminated', "invalid JSON"),
        1: ("[1, 2, 3]", "expected a JSON object, got list"),
        2: ('{"text": 5, "title": "wrong type"}', "no 'text' or 'html' string field"),
        3: ('{"title": "no body at all"}', "no 'text' or 'html' string field"),
        4: ('{"text": "Too short."}', "no article text left"),
        5: ("null", "expected a JSON object, got NoneType"),
        6: ("   ", None),                                   # blank: no item, nothing to report
        7: ('{"text": ["a", "list"], "html": 3}', "no 'text' or 'html' string field"),
    }
    lines, expect = [], {}
    for n in range(1, 10_001):
        line, reason = broken[n % 8]
        lines.append(line)
        if reason:
            expect[n] = reason
    good = [json.dumps(r) for r in records]
    special_docs = 0
    for k, line in enumerate(good):                      # good records spread through the file
        n = 10 + k * 997
        lines[n - 1] = line
        expect.pop(n, None)
    article = records[0]["text"]
    extremes = {
        5000: (json.dumps({"title": "T" * 1_000_000, "outlet": "O" * 100_000, "text": article + " Huge fields."}), None),
        5001: (json.dumps({"text": "word " * 600_000}), "over the limit"),
        6000: ("[" * 100_000, "nested too deeply"),
        7000: ('{"title": "lone \\udfff", "text": ' + json.dumps(article + " Lone")[:-1] + ' \\ud800 surrogate."}', None),
        8000: (json.dumps({"text": article.replace(". ", ".\u0000 ", 2) + " NUL."}), None),
        9000: (json.dumps({"url": "javascript:alert(1)", "title": "<script>alert(1)</script> jsonl",
                           "outlet": "<img src=x onerror=alert(1)>", "text": article + "\n\n" + XSS_TEXT}), None),
        9999: (json.dumps({"html": f"<html><body><article><p>{_html_escape(article)}</p><script>alert(1)</script>"
                                   f"<p onmouseover=alert(1)>{_html_escape(XSS_TEXT)}</p></article></body></html>"}),
               None),
        10000: ('{"text": "the last line, cut off', "invalid JSON"),
    }
    for n, (line, reason) in extremes.items():
        lines[n - 1] = line
        expect.pop(n, None)
        if reason:
            expect[n] = reason
        else:
            special_docs += 1
    return "\n".join(lines), expect, len(good) + special_docs


def _html_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "</p><p>")


def _feed(records: list[dict]) -> tuple[str, dict[int, str], int]:
    """RSS with 1000 items: ten real articles, the rest empty, too short or odd markup."""
    items, expect, docs = [], {}, 0
    for n in range(1, 1001):
        if n % 100 == 1:
            texts = _record_texts(records)
            body, docs = _html_escape(texts[(n // 100) % len(texts)]), docs + 1
        elif n % 10 == 5:
            body, expect[n] = "", "feed item has no content"
        elif n in (500, 600):  # fragments lxml gives up on
            body, expect[n] = "&lt;!DOCTYPE x&gt;" if n == 500 else "&lt;html&gt;&lt;head&gt;", ""
        else:
            body, expect[n] = f"Item {n}.", "no article text left"
        items.append(f"<item><title>Item {n}</title><link>https://feed.example/{n}</link>"
                     f"<pubDate>Mon, 16 Jun 2025 10:00:00 GMT</pubDate><description>{body}</description></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Hostile Feed</title>'
            + "\n".join(items) + "</channel></rss>"), expect, docs


_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
           + ']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
             "<description>&lol9; {body}</description></item></channel></rss>")


def make_hostile_corpus(folder: Path) -> dict[str, Expect]:
    """Write the corpus under ``folder``; return path (as the build names it) -> Expect."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(8)
    texts, records = _texts(), _records()
    others = _record_texts(records)  # for files whose outcome may vary: never a copy of a "document" file
    expect: dict[str, Expect] = {}

    def put(name: str, data: bytes | str, outcome: str, reason: str | None = None) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[str(path)] = Expect(outcome, reason)
        return path

    # -- nothing to read ----------------------------------------------------------------------------
    put("empty.txt", b"", "rejected", "empty file")
    put("blank.txt", " \n\n\t  \r\n", "rejected", "empty file")
    put("bom-only.txt", codecs.BOM_UTF8, "rejected", "empty file")
    put("bom-only-utf16.txt", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "rejected", "empty file")
    put("short.txt", "Breaking.", "rejected", "no article text left")
    # -- binary ---------------------------------------------------------------------------------------
    put("image.png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(4000), "rejected", "PNG image")
    put("photo.txt", b"\xff\xd8\xff\xe0" + rng.randbytes(4000), "rejected", "JPEG image")
    put("program.html", b"\x7fELF\x02\x01\x01" + rng.randbytes(8000), "rejected", "executable")
    put("random.bin", rng.randbytes(65536), "rejected", "binary data")
    put("control-chars.txt", bytes(rng.choice(range(1, 9)) for _ in range(3000)) + texts[0].encode(),
        "rejected", "control bytes")
    put("nul-bytes.txt", texts[0].encode().replace(b" ", b"\x00", 40), "rejected", "NUL bytes")
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as f:
        f.write(texts[1].encode())
    put("article.txt.gz", gz.getvalue(), "rejected", "gzip archive")
    zp = io.BytesIO()
    with zipfile.ZipFile(zp, "w") as z:
        z.writestr("article.txt", texts[2])
    put("articles.zip", zp.getvalue(), "rejected", "ZIP archive")
    # -- huge and deep ------------------------------------------------------------------------------
    line = folder / "one-line-50mb.txt"
    with open(line, "wb") as f:
        chunk = b"Kazakhstan and China signed a railway agreement in Astana on Tuesday, officials said. " * 1000
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
    expect[str(line)] = Expect("rejected", "over the limit")
    put("one-line-3mb.txt", "word " * 600_000, "rejected", "characters, over the limit")
    put("nested-100k.html", "<html><body>" + "<div>" * 100_000 + "<p>" + others[1] + "</p>" + "</div>" * 100_000
        + "</body></html>", "reported")
    put("comment-bomb.html", "<html><body><p>Start</p><!--" + "x" * 1_000_000, "rejected", "no article text")
    put("attribute-bomb.html", f'<html><body><div title="{"a" * 1_000_000}"><article><p>'
        f'{_html_escape(others[2])}</p></article></div></body></html>', "reported")
    put("billion-laughs.xml", _LAUGHS.format(body=_html_escape(others[3])), "reported")
    put("not-a-feed.xml", '<?xml version="1.0"?><rss version="2.0"></rss>', "rejected", "not a readable feed")
    pretty = folder / "pretty.json"
    pretty.write_text(json.dumps(records[1], indent=2), encoding="utf-8")
    n_lines = len(pretty.read_text(encoding="utf-8").splitlines())
    expect[str(pretty)] = Expect("items", lines={n: "" for n in range(1, n_lines + 1)})
    # -- encodings and characters -----------------------------------------------------------------------
    put("utf16-bom.txt", texts[6].encode("utf-16"), "document")
    put("utf16le-no-bom.txt", texts[7].encode("utf-16-le"), "document")
    put("utf16be-no-bom.txt", texts[8].encode("utf-16-be"), "document")
    put("cp1252.txt", texts[9].encode("cp1252", errors="replace"), "document")
    put("invalid-utf8.txt", texts[10].encode().replace(b"the ", b"the \xff\xfe\xc3", 3), "reported")
    put("crlf.txt", texts[11].replace("\n", "\r\n"), "document")
    put("cr-only.txt", texts[12].replace("\n", "\r"), "document")
    zw = "".join(c + ("\u200b" if i % 7 == 0 else "") for i, c in enumerate(_body(texts[13])))
    put("rtl-zero-width.txt", "\u202eTitle reversed\u202c\n\n" + zw + "\n\nقال المتحدث \u200fשלום\u200e. \u2066isolate\u2069.",
        "document")
    late_nul = _body(texts[14]) + "\n\n" + ("Filler sentence for the first page. " * 120) + "\x00 after NUL.\n"
    put("nul-late.txt", late_nul, "document")
    put("long-token.txt", _body(texts[15]) + "\n\nhttps://x.example/" + "A" * 100_000 + " end.", "document")
    # -- script payloads ------------------------------------------------------------------------------
    put("xss.html", f"""<!doctype html><html><head><title>&lt;script&gt;alert('title')&lt;/script&gt; XSS page</title>
        <meta property="og:url" content="javascript:alert('url')">
        <meta property="og:site_name" content="&lt;img src=x onerror=alert('outlet')&gt;">
        <meta property="article:published_time" content="2025-06-16">
        <script>alert('head')</script></head>
        <body onload="alert('body')"><iframe src="javascript:alert('frame')"></iframe>
        <article><h1 onclick="alert('h1')">Payloads</h1><p>{_html_escape(_body(texts[0]))}</p>
        <p>As text: {_html_escape(XSS_TEXT)}</p><p><a href="javascript:alert('a')">a link</a>
        <img src=x onerror="alert('img')"> <svg onload="alert('svg')"></svg></p></article>
        <script>document.write('<p>written</p>')</script></body></html>""", "document")
    put("xss.txt", "Title: <script>alert('title')</script>\nOutlet: <img src=x onerror=alert(1)>\n"
        "Date: 2025-06-16\nURL: javascript:alert('url')\n\n" + _body(texts[1]) + "\n\n" + XSS_TEXT + "\n", "document")
    # -- names and folders ------------------------------------------------------------------------------
    put("name with spaces.txt", texts[2], "document")
    put("ünïcødé – 新闻 📰.txt", texts[3], "document")
    put("rtl-\u202etxt.exe", texts[4], "document")
    put("new\nline.txt", texts[5], "document")
    put("folder.txt/inside.txt", texts[6].replace("\n\n", "\n\nFrom a folder named like a file.\n\n", 1), "document")
    put(".hidden.txt", texts[7], "skipped")
    put("[bold]markup[red] [link=javascript:alert(1)]name.txt", b"", "rejected", "empty file")  # printed as is
    # -- files that are not regular files --------------------------------------------------------------
    os.symlink("loop-b.txt", folder / "loop-a.txt")
    os.symlink("loop-a.txt", folder / "loop-b.txt")
    expect[str(folder / "loop-a.txt")] = expect[str(folder / "loop-b.txt")] = Expect("rejected", "symbolic links")
    os.symlink("does-not-exist.txt", folder / "dangling.txt")
    expect[str(folder / "dangling.txt")] = Expect("rejected", "No such file")
    os.symlink("crlf.txt", folder / "link-to-crlf.txt")
    expect[str(folder / "link-to-crlf.txt")] = Expect("read")
    (folder / "loop").mkdir()
    os.symlink("..", folder / "loop" / "up")            # a folder loop: walked once
    os.symlink("/dev/zero", folder / "zero.txt")
    expect[str(folder / "zero.txt")] = Expect("rejected", "not a regular file (a device)")
    os.mkfifo(folder / "pipe.txt")
    expect[str(folder / "pipe.txt")] = Expect("rejected", "not a regular file (a named pipe)")
    locked = put("unreadable.txt", texts[8].replace("\n\n", "\n\nLocked.\n\n", 1), "rejected", "permission denied")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads it anyway
        expect[str(locked)] = Expect("document")
    # -- many items -------------------------------------------------------------------------------------
    text, lines, docs = _jsonl(records)
    jl = folder / "broken.jsonl"
    jl.write_text(text, encoding="utf-8")
    expect[str(jl)] = Expect("items", lines=lines, documents=docs)
    text, lines, docs = _feed(records)
    feed = folder / "feed-1000.xml"
    feed.write_text(text, encoding="utf-8")
    expect[str(feed)] = Expect("items", lines=lines, documents=docs)
    return expect


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile.py DIR")
    for path, e in make_hostile_corpus(Path(sys.argv[1])).items():
        print(f"{e.outcome:<9} {path!r} {e.reason or ''}{f' ({len(e.lines)} lines rejected)' if e.lines else ''}")
