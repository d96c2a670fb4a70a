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


def test_generated_corpus_meets_the_targets():
    """Targets of issue 3 on a corpus written another way (tests/redaction_generated_data.py)."""
    from tests.redaction_generated_data import generate

    scores = evaluate(lambda text: _spans(shared_redactor(), text), generate())
    assert scores.checksum_leaks() == 0
    assert scores.leak_rate() <= 0.003
    assert scores.keep_damage() <= 0.02
    assert scores.fp_per_100() <= 5.0


_PASTED = {
    "nbsp": lambda t: t.replace(" ", "\u00a0"),
    "narrow_nbsp": lambda t: t.replace(" ", "\u202f"),
    "fullwidth_digits": lambda t: t.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
}


@pytest.mark.parametrize("variant", sorted(_PASTED))
def test_pasted_variants_leak_nothing(redactor, variant):
    """Same corpus after a length-preserving paste accident: spans stay valid, nothing leaks."""
    change = _PASTED[variant]
    corpus = [dict(doc, text=change(doc["text"])) for doc in CORPUS]
    scores = evaluate(lambda text: _spans(redactor, text), corpus)
    assert dict(scores.leaked) == {}
