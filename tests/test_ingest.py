import codecs
import json
import os

import pytest

from annalist.ingest import iter_inputs
from annalist.ingest.sniff import sniff_format
from annalist.model import RawDocument, Rejection

LIMIT = 1_000_000
OTHER = ("The agreement covers freight traffic between the two countries, a second border terminal at Khorgos "
         "and new container depots along the route, the transport ministry said in a statement.")
BODY = "Kazakhstan and China signed a railway agreement in Astana on Tuesday, officials said.\n\nThe line opens next year."


def read(*paths, limit=LIMIT):
    return list(iter_inputs([str(p) for p in paths], limit))


def one(path, **kw):
    items = read(path, **kw)
    assert len(items) == 1, items
    return items[0]


def test_plain_text_with_header_block(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Title: Rail deal signed\nOutlet: Steppe Ledger\nDate: 2025-03-04\n\n" + BODY)
    doc = one(f)
    assert (doc.title, doc.outlet, doc.published, doc.published_from) == ("Rail deal signed", "Steppe Ledger", "2025-03-04", "header")
    assert doc.body.startswith("Kazakhstan and China")


def test_inline_date_header_is_taken_off_the_first_line(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(" date 2025-06-16 ASTANA — " + BODY)
    doc = one(f)
    assert doc.published == "2025-06-16" and doc.published_from == "header"
    assert doc.body.startswith("ASTANA — Kazakhstan")


def test_text_that_merely_starts_with_a_key_word_is_not_a_header(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Source: officials in Astana said the deal was close.\nThe ministers met on Tuesday.\n")
    doc = one(f)
    assert doc.published is None and doc.outlet is None
    assert doc.body.startswith("Source: officials")


def test_html_page_gives_body_title_outlet_and_date(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(f"""<!doctype html><html><head><title>Rail deal | Orda Daily</title>
        <meta property="og:site_name" content="Orda Daily"><meta property="og:title" content="Rail deal signed">
        <meta property="article:published_time" content="2025-03-04T09:00:00+05:00"></head>
        <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <article><h1>Rail deal signed</h1><p>{BODY.replace(chr(10), '</p><p>')}</p>
        <p>The agreement covers freight traffic between the two countries and a new border terminal.</p></article>
        <footer>All rights reserved</footer></body></html>""")
    doc = one(f)
    assert doc.format == "html" and doc.is_html
    assert doc.outlet == "Orda Daily" and doc.title == "Rail deal signed"
    assert doc.published.startswith("2025-03-04") and doc.published_from == "metadata"
    assert "railway agreement" in doc.body and "Home" not in doc.body


def test_jsonl_records_with_text_or_html_and_a_broken_line(tmp_path):
    f = tmp_path / "feed.jsonl"
    f.write_text("\n".join([
        json.dumps({"url": "https://x.example/1", "text": BODY, "outlet": "Caspian Wire", "published": "2025-03-04"}),
        '{"text": "broken',
        json.dumps({"html": f"<html><body><article><p>{BODY}</p><p>{OTHER}</p></article></body></html>", "title": "T"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no body"}),
    ]))
    items = read(f)
    assert [type(i).__name__ for i in items] == ["RawDocument", "Rejection", "RawDocument", "Rejection", "Rejection"]
    assert items[0].source == "https://x.example/1" and items[0].outlet == "Caspian Wire"
    assert items[1].line == 2 and "invalid JSON" in items[1].reason
    assert items[2].source.endswith("feed.jsonl:3") and items[2].is_html
    assert items[3].line == 4 and "object" in items[3].reason
    assert items[4].line == 5 and "'text' or 'html'" in items[4].reason


def test_rss_feed_items_become_documents(tmp_path):
    f = tmp_path / "feed.xml"
    f.write_text(f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Tengri Times</title>
      <item><title>Rail deal</title><link>https://tt.example/rail</link><pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>
      <description><![CDATA[<p>{BODY}</p>]]></description></item>
      <item><title>Second</title><link>https://tt.example/2</link><description>{BODY}</description></item>
      </channel></rss>""")
    items = read(f)
    assert [i.source for i in items] == ["https://tt.example/rail", "https://tt.example/2"]
    assert items[0].outlet == "Tengri Times" and items[0].published.startswith("2025-03-04")
    assert "railway agreement" in items[0].body and "<p>" not in items[0].body


@pytest.mark.parametrize("encoding,bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                          ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""), ("cp1251", b"")])
def test_encodings_are_detected(tmp_path, encoding, bom):
    text = ("Алматы — Казахстан и Китай во вторник подписали в Астане соглашение о железной дороге, "
            "сообщили официальные лица. Kazakhstan and China signed a railway agreement. ") * 3
    f = tmp_path / "a.txt"
    f.write_bytes(bom + text.encode(encoding))
    doc = one(f)
    assert doc.body.strip() == text.strip()


def test_html_declared_latin1(tmp_path):
    f = tmp_path / "a.html"
    para = "Café talks in Zürich: Kazakhstan and Switzerland signed a tax treaty on Monday, officials said."
    f.write_bytes(f'<html><head><meta charset="iso-8859-1"></head><body><article><p>{para}</p><p>{para}</p></article></body></html>'.encode("latin-1"))
    assert "Zürich" in one(f).body


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n ", "empty file"),
    ("image.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    ("binary.txt", bytes(range(256)) * 8, "binary"),
    ("truncated.html", b"<html><head><title>x</title></head><body><div><p", "no article text"),
])
def test_bad_files_are_rejected_with_a_reason(tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    item = one(f)
    assert isinstance(item, Rejection) and reason in item.reason and item.source == str(f)


def test_too_large_and_missing_and_unreadable(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(BODY * 100)
    assert "over the limit" in one(big, limit=1000).reason
    assert "no such file" in one(tmp_path / "missing.txt").reason
    assert "no file matches" in one(tmp_path / "*.nothing").reason
    dangling = tmp_path / "dangling.txt"
    os.symlink(tmp_path / "gone", dangling)
    assert "cannot be read" in one(dangling).reason


def test_folders_are_walked_recursively_in_order_and_symlink_loops_end(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(BODY)
    (tmp_path / "1.txt").write_text(BODY)
    (tmp_path / ".hidden.txt").write_text(BODY)
    os.symlink(tmp_path, tmp_path / "b" / "loop")
    items = read(tmp_path)
    assert [os.path.basename(i.source) for i in items] == ["1.txt", "2.txt"]


def test_glob_patterns(tmp_path):
    for n in "abc":
        (tmp_path / f"{n}.txt").write_text(BODY)
    assert len(read(tmp_path / "[ab].txt")) == 2


def test_same_bytes_give_the_same_input_hash(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(BODY)
    a, b = read(tmp_path / "a.txt", tmp_path / "b.txt")
    assert a.input_hash == b.input_hash and len(a.input_hash) == 64


@pytest.mark.parametrize("text,name,fmt", [
    ('{"text": "x"}\n{"text": "y"}', "a.txt", "jsonl"),
    ("<rss version='2.0'><channel></channel></rss>", "a.html", "feed"),
    ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'></feed>", "a.txt", "feed"),
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", "a.txt", "html"),
    ("Plain words about <b>bold</b> ideas.", "a.html", "text"),
    ("{ not json", "a.jsonl", "jsonl"),
])
def test_format_is_sniffed_from_content(text, name, fmt):
    assert sniff_format(text, name) == fmt


def test_the_same_page_read_twice_in_one_process_keeps_its_text(tmp_path):
    page = ("<html><head><title>Rail deal</title></head><body><article>"
            f"<p>{BODY}</p><p>{OTHER}</p></article></body></html>")
    for name in ("a.html", "copy-on-another-site.html"):
        (tmp_path / name).write_text(page)
    first, second = read(tmp_path / "a.html", tmp_path / "copy-on-another-site.html")
    again = one(tmp_path / "a.html")
    assert first.body == second.body == again.body and "Khorgos" in again.body
