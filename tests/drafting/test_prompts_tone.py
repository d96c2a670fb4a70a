"""The tone and validated-example blocks of the prompt (issue 10)."""

from __future__ import annotations

import pytest

from drafting.prompts import TONES, build_messages


def test_tone_reaches_the_regeneration_turn_as_the_fixed_text():
    turns = build_messages("Question [NOM_1]", previous="Brouillon v1", tone="simple")
    last = turns[-1]["content"]
    assert TONES["simple"] in last and "facile à lire et à comprendre" in last
    assert "<consigne_agent>" not in last


def test_tone_and_free_instruction_are_both_sent_apart():
    last = build_messages("Q", previous="v1", tone="court", instruction="sans formule finale")[-1]["content"]
    assert TONES["court"] in last and "<consigne_agent>\nsans formule finale" in last


def test_tone_without_previous_draft_goes_with_the_question():
    (turn,) = build_messages("Q", tone="formel")
    assert TONES["formel"] in turn["content"]


def test_unknown_tone_is_refused():
    with pytest.raises(KeyError):
        build_messages("Q", previous="v1", tone="poetique")


def test_validated_example_goes_in_the_question_turn_in_placeholder_form():
    (turn,) = build_messages("Question de [NOM_1]", example="Bonjour [NOM_1], voici [IBAN_1].")
    text = turn["content"]
    assert "<reponse_validee>\nBonjour [NOM_1], voici [IBAN_1].\n</reponse_validee>" in text
    assert text.index("<question>") < text.index("<reponse_validee>")
    regen = build_messages("Q", previous="v1", example="Exemple validé")
    assert "Exemple validé" in regen[0]["content"]
