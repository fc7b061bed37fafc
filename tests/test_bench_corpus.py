"""The benchmarks' synthetic corpus (bench/synthetic.py): its copies must be documents of
their own (other dates, names, figures and wording), or a large build measures one giant
cluster of near-duplicates instead of a corpus."""
from __future__ import annotations

import itertools
import sys
from datetime import date
from pathlib import Path

import numpy as np

from annalist.ingest import read_file
from annalist.link.dedup import shingles
from annalist.model import RawDocument

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from synthetic import EXAMPLES, cut_paragraphs, reword, shift_dates, vary, write_copy  # noqa: E402


def test_dates_move_by_whole_weeks_once_in_every_written_form():
    text = ("ASTANA, Sept 2 - on Monday (16 June) at 2025-06-16T17:40:00+05:00; "
            "Tue, 17 Jun 2025 06:15:00 +0000; October 6, 2025; Oct. 17; 2 September 2025")
    assert shift_dates(text, -3) == (
        "ASTANA, August 12 - on Monday (26 May) at 2025-05-26T17:40:00+05:00; "
        "Tue, 27 May 2025 06:15:00 +0000; September 15, 2025; September 26; 12 August 2025")
    assert date(2025, 5, 26).weekday() == 0   # still a Monday


def test_wording_is_a_copys_own_and_leaves_words_inside_others_alone():
    text = "Trade reached a record. The trade forum met; tradesman Dana traded."
    assert len({reword(text, k) for k in range(10)}) >= 3
    assert "tradesman" in reword(text, 5) and "traded" in reword(text, 5)


def test_broken_json_lines_survive_paragraph_cuts():
    lines = '{"url": "u", "text": "One.\\n\\nTwo.\\n\\nThree.\\n\\nFour."}\n{"url": broken\n'
    out = cut_paragraphs(lines, 3, ".jsonl").split("\n")
    assert out[1] == '{"url": broken'
    assert out[0].startswith('{"url": "u", "text": "One.')


def _texts(folder: Path) -> dict[str, str]:
    out = {}
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        for item in read_file(str(f), f.read_bytes()):
            if isinstance(item, RawDocument):
                out[str(f.relative_to(folder)) + f"#{item.line}"] = item.body
    return out


def test_copies_of_the_example_corpus_are_rarely_near_duplicates_of_each_other(tmp_path):
    copies = [_texts(write_copy(tmp_path, k)) for k in range(1, 9)]
    assert len(copies[0]) >= 40
    pairs = near = 0
    for key in copies[0]:
        sh = [shingles(c[key]) for c in copies if key in c]
        for a, b in itertools.combinations(sh, 2):
            pairs += 1
            near += len(np.intersect1d(a, b)) / max(1, min(len(a), len(b))) >= 0.8
    # Without dates, wording and cuts varied, every pair was one (containment 0.93).
    assert pairs > 1000 and near / pairs < 0.1


def test_copy_zero_is_the_example_corpus():
    f = next(EXAMPLES.rglob("*.txt"))
    text = f.read_text(encoding="utf-8")
    assert vary(cut_paragraphs(text, 0, ".txt"), 0) == text
