"""Dates lent between documents (link/peerdate.py): rules on invented reports, and the blocked
similarity computation against the whole-matrix one on real newswire."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annalist.link import peerdate
from annalist.link.peerdate import PeerCandidate, peer_dates
from annalist.model import DatedValue

TE3 = Path(__file__).resolve().parents[2] / "shared" / "data" / "te3-silver-news.jsonl"

REPORT = ("Kazakhstan and Uzbekistan opened the Saryagash freight terminal, a customs official, "
          "Dana Mukanova, said. The terminal will handle 4,000 containers a year on the Tashkent line.")
OTHER = "Heavy snow closed mountain passes in the Alatau range and the regional airport cancelled flights."


def day(value: str, confidence: float = 0.95) -> DatedValue:
    return DatedValue(value, "day", "metadata", confidence, "metadata")


def test_an_undated_report_borrows_the_date_of_a_dated_report_of_the_same_happening():
    got = peer_dates([PeerCandidate("a", REPORT, None), PeerCandidate("b", REPORT + " Trucks queued.", day("2025-03-04")),
                      PeerCandidate("c", OTHER, day("2025-01-09"))])
    assert set(got) == {"a"}
    lent, lender = got["a"]
    assert (lent.value, lent.precision, lent.source, lender) == ("2025-03-04", "day", "inferred", "b")
    assert "from document b" in lent.basis


def test_nothing_is_lent_between_unrelated_reports():
    assert peer_dates([PeerCandidate("a", REPORT, None), PeerCandidate("c", OTHER, day("2025-01-09"))]) == {}


def test_the_lent_date_must_fit_the_documents_own_year():
    own = DatedValue("2026", "year", "inferred", 0.5, "text")
    got = peer_dates([PeerCandidate("a", REPORT, own), PeerCandidate("b", REPORT, day("2025-03-04"))])
    assert got == {}


def test_the_lent_date_must_fit_a_weekday_the_text_names():
    text = REPORT.replace("opened", "on Tuesday opened")
    # 2025-03-06 is a Thursday (not Tuesday nor the day after): the Wednesday lender wins.
    got = peer_dates([PeerCandidate("a", text, None), PeerCandidate("thu", text, day("2025-03-06")),
                      PeerCandidate("wed", text + " More.", day("2025-03-05"))])
    assert got["a"][1] == "wed"


def test_among_equally_similar_lenders_the_first_lends():
    got = peer_dates([PeerCandidate("a", REPORT, None), PeerCandidate("x", REPORT, day("2025-03-05")),
                      PeerCandidate("y", REPORT, day("2025-03-04"))])
    assert got["a"][1] == "x"


def test_unconfident_dates_are_not_lent():
    assert peer_dates([PeerCandidate("a", REPORT, None), PeerCandidate("b", REPORT, day("2025-03-04", 0.5))]) == {}


@pytest.mark.skipif(not TE3.exists(), reason=f"{TE3} absent (shared dev sets)")
def test_blocks_of_rows_lend_what_the_whole_matrix_lends_on_real_newswire(monkeypatch):
    records = [json.loads(line) for line in TE3.read_text(encoding="utf-8").splitlines()[:900]]
    docs = [PeerCandidate(f"d{n}", r["text"], None if n % 5 == 0 else day(r["published"]))
            for n, r in enumerate(records)]
    monkeypatch.setattr(peerdate, "BLOCK_ROWS", 10**6)
    whole = peer_dates(docs)
    monkeypatch.setattr(peerdate, "BLOCK_ROWS", 7)   # 180 needy rows: blocks, and a short last one
    blocked = peer_dates(docs)
    assert len(whole) >= 10
    assert {k: (v.value, v.confidence, lender) for k, (v, lender) in blocked.items()} == \
        {k: (v.value, v.confidence, lender) for k, (v, lender) in whole.items()}
