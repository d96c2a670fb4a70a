"""``redaction.masks``: what ``!masquer`` finds and replaces. Invented values only."""

from __future__ import annotations

import pytest

from redaction import masks
from redaction.masks import MaskRequest, find, parse_request


@pytest.mark.parametrize("text, expected", [
    ("Dupont", MaskRequest("Dupont", None)),
    ('  "12 rue des  Lilas" ', MaskRequest("12 rue des Lilas", None)),
    ("« Tréminis »", MaskRequest("Tréminis", None)),
    ("Tréminis comme lieu", MaskRequest("Tréminis", "LOCATION")),
    ('"AB-1234" comme Numéro', MaskRequest("AB-1234", "OTHER_PII")),
    ("12 rue des Lilas comme adresse", MaskRequest("12 rue des Lilas", "FR_ADDRESS")),
    ("elle vit comme une reine", MaskRequest("elle vit comme une reine", None)),  # not a type
    ("Mme Dupont comme date de naissance", MaskRequest("Mme Dupont", "DATE_OF_BIRTH")),
    ("  ", None),
    ('""', None),
    ("« — »", None),
])
def test_parse_request(text, expected):
    assert parse_request(text) == expected


def test_find_is_case_and_accent_insensitive_on_word_boundaries():
    text = "Je vis à Tréminis. TREMINIS est petit ; treminisois n'est pas visé, ni xTréminis."
    spans = find(text, "treminis")
    assert [text[s:e] for s, e in spans] == ["Tréminis", "TREMINIS"]


def test_find_matches_any_whitespace_and_typographic_apostrophes():
    text = "au 12\u00a0rue  des\nLilas, chez l’Hôtel d'Orsay"
    assert [text[s:e] for s, e in find(text, "12 rue des lilas")] == ["12\u00a0rue  des\nLilas"]
    assert [text[s:e] for s, e in find(text, "l'hotel d’orsay")] == ["l’Hôtel d'Orsay"]


def test_find_never_cuts_into_a_placeholder():
    text = "Bonjour [NOM_1], votre nom est bien noté."
    assert [text[s:e] for s, e in find(text, "nom")] == ["nom"]
    assert find(text, "NOM_1") == []


def test_find_with_known_values_matches_their_placeholders():
    text = "Marie [NOM_1] et Paul [NOM_1] ; [NOM_1] seul."
    spans = find(text, "marie dupont", {"[NOM_1]": "Dupont"})
    assert [text[s:e] for s, e in spans] == ["Marie [NOM_1]"]
    assert find(text, "Dupont", {"[NOM_1]": "Dupont"}) == []  # already masked everywhere


def test_apply_gives_one_new_placeholder_and_keeps_the_first_spelling():
    mapping = {"[NOM_1]": "Gaëlle Marchetti", "[LIEU_1]": "Lyon"}
    done = masks.apply("J'habite Tréminis ; à TREMINIS tout se sait.", "treminis", "LOCATION",
                       mapping)
    assert done.text == "J'habite [LIEU_2] ; à [LIEU_2] tout se sait."
    assert done.placeholder == "[LIEU_2]" and done.occurrences == 2
    assert done.mapping == {**mapping, "[LIEU_2]": "Tréminis"}
    assert mapping == {"[NOM_1]": "Gaëlle Marchetti", "[LIEU_1]": "Lyon"}  # not changed


def test_apply_value_spanning_a_placeholder_is_rehydrated():
    done = masks.apply("Marie [NOM_1] écrit.", "Marie Dupont", "PERSON", {"[NOM_1]": "Dupont"})
    assert done.text == "[NOM_2] écrit." and done.mapping["[NOM_2]"] == "Marie Dupont"


def test_apply_reuses_the_placeholder_of_the_same_value():
    done = masks.apply("[NOM_1] et dupont", "dupont", "PERSON", {"[NOM_1]": "Dupont"})
    assert done.text == "[NOM_1] et [NOM_1]" and done.mapping == {"[NOM_1]": "Dupont"}


def test_apply_with_a_given_placeholder_and_nothing_found():
    done = masks.apply("chez Vermeil", "vermeil", "OTHER_PII", {}, placeholder="[DONNEE_3]")
    assert done.text == "chez [DONNEE_3]" and done.mapping == {"[DONNEE_3]": "Vermeil"}
    assert masks.apply("rien ici", "vermeil", "PERSON", {}) is None


def test_guess_entity_type(redactor):
    def guess(expression):
        return masks.guess_entity_type(expression, redactor.redact(expression))

    assert guess("06 12 34 56 78") == "PHONE_NUMBER"
    assert guess("gaelle.marchetti@exemple.fr") == "EMAIL_ADDRESS"
    assert guess("Tréminis") == "PERSON"  # nothing recognised, no digit: a name by default
    assert guess("AB-77-QZ-2") in ("OTHER_PII", "FR_LICENSE_PLATE")
