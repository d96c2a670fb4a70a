"""Held-out-style corpus (tests/redaction_heldout_data.py): every personal value fully masked,
every kept span untouched, few false positives. Scored with redaction.evaluation."""

from __future__ import annotations

import pytest

from redaction.evaluation import Scores, evaluate, score_document
from tests.redaction_heldout_data import CLEAN_TEXTS, CORPUS
from tests.redaction_support import redactor, shared_redactor  # noqa: F401  (fixture)


def _spans(redactor, text):
    return [(s.start, s.end, s.entity_type) for s in redactor.redact(text).spans]


@pytest.mark.parametrize("doc", CORPUS, ids=[d["id"] for d in CORPUS])
def test_case(redactor, doc):
    scores = Scores()
    score_document(scores, doc, _spans(redactor, doc["text"]))
    assert dict(scores.leaked) == {}, "personal value left readable"
    assert dict(scores.damaged) == {}, "kept content was masked"


def test_false_positives_per_100_documents():
    scores = evaluate(lambda text: _spans(shared_redactor(), text), CORPUS)
    assert scores.fp_per_100() <= 5.0


@pytest.mark.parametrize("text", CLEAN_TEXTS)
def test_clean_text_is_left_alone(redactor, text):
    red = redactor.redact(text)
    assert red.text == text, [text[s.start:s.end] for s in red.spans]
