"""Hypothesis profiles and input strategies for the property-based (fuzz) tests.

Profiles (pick with HYPOTHESIS_PROFILE=...):
  ci    (default) derandomised, so a run is reproducible; about 40 s for all fuzz tests
  dev   random, same budget: a new draw each run, failures saved in .hypothesis/
  deep  random, ten times the budget: a local fuzzing session
Each test asks for ``examples(n)``: n inputs under ``ci``, scaled by the profile.

Random characters alone rarely reach the rules (a date needs a month name beside a number), so
text is drawn from news words: tokens of the example corpus, the words the extractors key on,
numbers, quote marks and hostile characters, mixed with arbitrary unicode."""
from __future__ import annotations

import codecs
import os
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from fuzzprops import BREAKS, SPECIAL, vocabulary

# Text the readers can hand on: any code point but a lone surrogate (read_jsonl replaces those).
TEXT = st.characters(codec="utf-8")
_BASE = 100
_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture])
settings.register_profile("ci", max_examples=_BASE, derandomize=True, database=None, **_COMMON)
settings.register_profile("dev", max_examples=_BASE, **_COMMON)
settings.register_profile("deep", max_examples=10 * _BASE, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def examples(n: int) -> settings:
    """Settings for a test that gets ``n`` inputs under the ci profile."""
    return settings(max_examples=max(1, n * settings.default.max_examples // _BASE))


# -- text ---------------------------------------------------------------------------------------------

def news_text(min_tokens: int = 0, max_tokens: int = 80) -> st.SearchStrategy[str]:
    """Text built from news words, separators and the odd arbitrary string."""
    token = st.one_of(st.sampled_from(vocabulary()), st.sampled_from(vocabulary()), st.sampled_from(SPECIAL),
                      st.text(TEXT, max_size=6))
    return st.lists(st.tuples(token, st.sampled_from(BREAKS)), min_size=min_tokens, max_size=max_tokens).map(
        lambda parts: "".join(t + sep for t, sep in parts))


def any_text(max_size: int = 400) -> st.SearchStrategy[str]:
    return st.one_of(news_text(), st.text(TEXT, max_size=max_size))


# -- file contents --------------------------------------------------------------------------------

_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1251", "latin-1",
              "cp1252", "koi8-r", "gb18030", "shift_jis"]


def _html_page(body: str, title: str, script: bool) -> str:
    extra = '<script>alert(1)</script><iframe src="javascript:alert(2)"></iframe>' if script else ""
    paras = "".join(f"<p onclick=\"x()\">{p}</p>" for p in body.split("\n") if p)
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<meta property=\"article:published_time\" content=\"{title[:20]}\"></head>"
            f"<body>{extra}<article><h1>{title}</h1>{paras}</article></body></html>")


def _feed(items: list[tuple[str, str, str]], atom: bool) -> str:
    if atom:
        entries = "".join(f"<entry><title>{t}</title><updated>{d}</updated><content type=\"html\">{b}</content>"
                          f"</entry>" for t, d, b in items)
        return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>{entries}</feed>'
    entries = "".join(f"<item><title>{t}</title><pubDate>{d}</pubDate><description>{b}</description></item>"
                      for t, d, b in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{entries}</channel></rss>'


_json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), any_text(60))
_json_value = st.recursive(_json_scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                  st.dictionaries(st.text(TEXT, max_size=5), inner, max_size=3)),
                           max_leaves=8)


@st.composite
def jsonl_line(draw) -> str:
    import json

    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.text(TEXT, max_size=80))                    # not JSON
    if kind == 1:
        return json.dumps(draw(_json_value))                 # JSON, any shape
    record = {k: draw(st.one_of(any_text(200), _json_value)) for k in
              draw(st.lists(st.sampled_from(["text", "html", "url", "title", "published", "outlet"]), max_size=6))}
    if kind >= 3:
        record["text"] = draw(news_text(5))
    if kind == 4:
        record["html"] = _html_page(draw(news_text(5)), draw(any_text(40)), draw(st.booleans()))
    line = json.dumps(record, ensure_ascii=draw(st.booleans()))
    if kind == 5:                                            # escapes that decode to lone surrogates
        line = line.replace("}", ', "title": "\\ud800x", "text": "ok \\udfff ' + "word " * 10 + '"}', 1)
    return line


@st.composite
def file_bytes(draw) -> tuple[str, bytes]:
    """A file name and its bytes: any format, any encoding, sometimes broken on purpose."""
    kind = draw(st.sampled_from(["binary", "text", "html", "jsonl", "feed", "header"]))
    name = draw(st.sampled_from(["a.txt", "a.html", "a.jsonl", "a.xml", "a", "a.json", "a.htm"]))
    if kind == "binary":
        return name, draw(st.binary(max_size=600))
    if kind == "text":
        text = draw(any_text())
    elif kind == "header":
        keys = draw(st.lists(st.sampled_from(["Title", "Outlet", "Date", "URL", "Source", "date"]), max_size=4))
        text = "".join(f"{k}: {draw(any_text(30))}\n" for k in keys) + draw(st.sampled_from(["\n", ""])) + draw(any_text())
    elif kind == "html":
        text = _html_page(draw(news_text()), draw(any_text(40)), draw(st.booleans()))
        if draw(st.booleans()):  # cut off mid-tag, or nested past reason
            text = text[:draw(st.integers(0, len(text)))] + "<div>" * draw(st.integers(0, 300))
    elif kind == "jsonl":
        text = "\n".join(draw(st.lists(jsonl_line(), min_size=1, max_size=6)))
    else:
        items = draw(st.lists(st.tuples(any_text(30), any_text(30), news_text(3, 30)), min_size=0, max_size=4))
        text = _feed(items, draw(st.booleans()))
    text = draw(st.sampled_from(["", "\r\n", "\r"])).join(text.split("\n")) if draw(st.booleans()) else text
    enc = draw(st.sampled_from(_ENCODINGS))
    data = text.encode(enc, errors=draw(st.sampled_from(["replace", "ignore", "surrogatepass"]))
                       if enc.startswith("utf") else "replace")
    if draw(st.integers(0, 4)) == 0:  # flip, cut or splice a few bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8)) + data[cut + draw(st.integers(0, 4)):]
    if draw(st.integers(0, 6)) == 0:
        data = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\x00"])) + data
    return name, data


WEIRD_DATE_STRINGS = st.one_of(
    any_text(60), st.from_regex(re.compile(r"\d{1,6}-\d{1,3}-\d{1,3}([T ][\d:]{0,12})?"), fullmatch=True),
    st.sampled_from(["0000-00-00", "9999-99-99", "2025-02-30", "-1", "1e400", "yesterday", "in 5 billion years",
                     "32 Foo 2025", "2025-13", "0001-01-01T00:00", "10000-01-01", "99999999999 days ago"]))
