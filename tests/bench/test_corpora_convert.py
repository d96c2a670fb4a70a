"""bench/corpora/convert.py: label mapping, span checks, long-document split, dev/test split.

Inputs are synthetic eds-pseudo-shaped rows written here; no upstream data is needed.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "corpora" / "convert.py"
_spec = importlib.util.spec_from_file_location("corpora_convert", _PATH)
convert = sys.modules["corpora_convert"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(convert)


def entities(text, *marks):
    """(surface, label) pairs -> eds-pseudo entities, found left to right in ``text``."""
    out, pos = [], 0
    for surface, label in marks:
        start = text.index(surface, pos)
        out.append({"start": start, "end": start + len(surface), "label": label})
        pos = start + len(surface)
    return out


def surfaces(text, spans):
    return [(text[s["start"]:s["end"]], s["label"]) for s in spans]


def test_names_phones_and_identifiers_are_pii_dates_and_hospitals_are_kept():
    text = "Dr P. MARTIN Lucie, tél 06 11 22 33 44, NIR 2 84 05 75 123 456 78, vue le 12/03/2021 à Bichat."
    ents = entities(text, ("P.", "PRENOM"), ("MARTIN", "NOM"), ("Lucie", "PRENOM"),
                    ("06 11 22 33 44", "TEL"), ("2 84 05 75 123 456 78", "SECU"),
                    ("12/03/2021", "DATE"), ("Bichat", "HOPITAL"))
    pii, keep = convert.eds_spans(text, ents)
    assert surfaces(text, pii) == [("MARTIN", "PERSON"), ("Lucie", "PERSON"),
                                   ("06 11 22 33 44", "PHONE"), ("2 84 05 75 123 456 78", "FR_NIR")]
    assert surfaces(text, keep) == [("12/03/2021", "DATE"), ("Bichat", "ORGANISATION")]


def test_address_runs_to_the_postcode_and_a_city_alone_is_nothing():
    text = "Domicile : 12 rue des Lilas, 75011 Paris. Parents à Lyon, 69003. Envoyé au 3 av. Foch, 13001 marseille"
    ents = entities(text, ("12 rue des Lilas", "ADRESSE"), ("75011", "ZIP"), ("Paris", "VILLE"),
                    ("Lyon", "VILLE"), ("69003", "ZIP"), ("3 av. Foch, 13001 marseille", "ADRESSE"))
    pii, keep = convert.eds_spans(text, ents)
    # a postcode right after the street merges into it; the lone "Lyon, 69003" postcode is more
    # than 40 characters from an address: dropped; an address annotated with its city is cut.
    assert surfaces(text, pii) == [("12 rue des Lilas, 75011", "ADDRESS"), ("3 av. Foch, 13001", "ADDRESS")]
    assert keep == []


def test_a_postcode_near_a_street_with_words_between_is_its_own_address_span():
    text = "Vit au 85 rue de Rivoli, à Paris dans le 75001."
    ents = entities(text, ("85 rue de Rivoli", "ADRESSE"), ("Paris", "VILLE"), ("75001", "ZIP"))
    pii, _ = convert.eds_spans(text, ents)
    assert surfaces(text, pii) == [("85 rue de Rivoli", "ADDRESS"), ("75001", "ADDRESS")]


def test_initials_are_dropped_but_short_names_are_not():
    text = "T.-A. Li et P-A. Ng"
    ents = entities(text, ("T.-A.", "PRENOM"), ("Li", "NOM"), ("P-A.", "PRENOM"), ("Ng", "NOM"))
    pii, _ = convert.eds_spans(text, ents)
    assert surfaces(text, pii) == [("Li", "PERSON"), ("Ng", "PERSON")]


def test_a_span_that_does_not_match_its_surface_form_is_refused():
    with pytest.raises(AssertionError):
        convert.eds_spans("Jean Dupont", [{"start": 0, "end": 4, "label": "PRENOM", "text": "Jan"}])


def test_an_unknown_label_is_refused():
    with pytest.raises(KeyError):
        convert.eds_spans("Jean", [{"start": 0, "end": 4, "label": "SURNOM"}])


def test_duplicates_are_dropped_and_ids_prefixed():
    row = {"note_id": "n1", "note_text": "Mme Durand", "entities": [{"start": 4, "end": 10, "label": "NOM"}]}
    docs = list(convert.eds_docs([json.dumps(row), json.dumps({**row, "note_id": "n2"}), ""], "eds"))
    assert [d.id for d in docs] == ["eds-n1"]


def test_long_documents_split_at_blank_lines_with_offsets_kept():
    para = "Patient suivi par le Dr Durand pour une douleur.\n\n"
    text = para * 400  # ~20,000 characters
    start = [i for i in range(len(text)) if text.startswith("Durand", i)]
    doc = convert.Doc("d", text, [{"start": s, "end": s + 6, "label": "PERSON"} for s in start])
    chunks = convert.split_long(doc)
    assert len(chunks) >= 3 and all(len(c.text) <= convert.MAX_CHARS for c in chunks)
    assert "".join(c.text for c in chunks) == text
    assert sum(len(c.pii) for c in chunks) == len(start)
    assert all(c.text[s["start"]:s["end"]] == "Durand" for c in chunks for s in c.pii)


def test_documents_of_one_template_land_on_the_same_side():
    a = convert.Doc("a", "Mme Durand, tél 0611223344", [{"start": 4, "end": 10, "label": "PERSON"},
                                                        {"start": 16, "end": 26, "label": "PHONE"}])
    b = convert.Doc("b", "Mme Lefèvre-Dubois, tél 01 02 03 04 05",
                    [{"start": 4, "end": 18, "label": "PERSON"}, {"start": 24, "end": 38, "label": "PHONE"}])
    assert convert.skeleton(a) == convert.skeleton(b)
    assert convert.split_key(a) == convert.split_key(b) in {"dev", "test"}
