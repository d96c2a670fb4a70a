"""PERSON rules: titles, cues, ALL-CAPS surnames, initials, particles, given names, signatures,
text without capitals; and the capitalised words that must stay readable."""

from __future__ import annotations

import pytest

from redaction.normalize import normalize
from tests.redaction_support import is_covered, masked, redactor  # noqa: F401  (fixture)


@pytest.mark.parametrize("text, name", [
    ("Bonjour, je suis Madame Marie-Hélène N'Diaye.", "Marie-Hélène N'Diaye"),
    ("Le dossier de M. LEFEBVRE est bloqué.", "LEFEBVRE"),
    ("Mme Le Goff a appelé.", "Le Goff"),
    ("Rendez-vous avec Maître Durand-Vasseur demain.", "Durand-Vasseur"),
    ("Le Dr Benhamou a signé.", "Benhamou"),
    ("Je m'appelle Lombard et j'attends.", "Lombard"),
    ("Mon fils Lucas est malade.", "Lucas"),
    ("Cordialement, GRANGER Odile", "GRANGER Odile"),
    ("Dossier de OULD AHMED Rachid en cours.", "OULD AHMED Rachid"),
    ("La fable de Jean de La Fontaine.", "Jean de La Fontaine"),
    ("Pièce signée par J.-P. Martin hier.", "J.-P. Martin"),
    ("Transmis par A. Benali.", "A. Benali"),
    ("Bonjour, BEN YOUSSEF Leila, suite à votre appel.", "BEN YOUSSEF Leila"),
    ("Merci, Du Diaz", "Du Diaz"),
    ("Valéry Giscard d'Estaing est cité.", "Valéry Giscard d'Estaing"),
    ("Que dois-je faire ? Lefebvre, lefebvre.j@example.fr", "Lefebvre"),
    ("Merci d'avance.\nGwenaëlle Kervella", "Gwenaëlle Kervella"),
    ("Mme Martin née Durand demande une pension.", "Durand"),
    ("je m'appelle kevin durand et j'habite ici", "kevin durand"),
    ("cordialement, grégoire catherine", "grégoire catherine"),
    ("mon père laurence garcia, né en 1950", "laurence garcia"),
    ("BONJOUR, JE M'APPELLE CATHERINE VAILLANT ET JE PERÇOIS L'APL", "CATHERINE VAILLANT"),
    ("MERCI, DOMINIQUE COSTE", "DOMINIQUE COSTE"),
])
def test_names_are_masked(redactor, text, name):
    assert is_covered(redactor, text, name), redactor.redact(text).text


def test_every_occurrence_of_a_found_name(redactor):
    text = "Mon voisin Gérard Rousseau est hospitalisé. M. Rousseau vit seul ; ROUSSEAU n'a personne."
    red = redactor.redact(text)
    assert "Rousseau" not in red.text and "ROUSSEAU" not in red.text
    assert red.text.count("[NOM_") == 3


@pytest.mark.parametrize("text", [
    "Bonjour Madame, Monsieur, je vous écris au sujet de la CAF de la Gironde.",
    "Monsieur le Maire de Toulouse a signé. Madame la Préfète m'a reçu.",
    "Ma fille est au Collège Jean Moulin à Marseille.",
    "Le docteur de la Maison de Santé m'a prescrit un arrêt.",
    "Je vis à Saint-Denis et je travaille à Saint-Étienne.",
    "Veuillez trouver ci-joint le formulaire. Mon BIC : AGRIFRPP",
    "J'ai contacté France Travail, l'URSSAF et la CPAM du Nord.",
    "URGENT !!! MA CAF NE ME VERSE PLUS RIEN DEPUIS JANVIER, JE SUIS INSCRIT À FRANCE TRAVAIL",
    "bonjour, pourriez-vous me dire si je suis content de la réponse ? merci beaucoup",
    "Je suis Française et je réside à Lyon.",
    "Le RSA, l'AAH et l'APL sont versés par la CAF.",
])
def test_capitalised_words_that_are_not_names(redactor, text):
    assert "PERSON" not in masked(redactor, text).values(), redactor.redact(text).text


@pytest.mark.parametrize("text, masked_text", [
    ("Je soussigné Paul Lefèvre certifie.", "Je soussigné [NOM_1] certifie."),
    ("Famille Nguyen, 3 enfants.", "Famille [NOM_1], 3 enfants."),
    ("Je soussignée Annick Lenoir atteste sur l'honneur.", "Je soussignée [NOM_1] atteste sur l'honneur."),
])
def test_words_around_a_name_stay_readable(redactor, text, masked_text):
    assert redactor.redact(text).text == masked_text


def test_titles_and_greetings_stay_readable(redactor):
    red = redactor.redact("Bonjour Madame Dupuis, merci Monsieur Durand.")
    assert red.text == "Bonjour Madame [NOM_1], merci Monsieur [NOM_2]."


def test_normalize_keeps_an_offset_map():
    text = "a\u200bb\u00a0c\uff11"
    norm = normalize(text)
    assert norm.text == "ab c1"
    assert norm.span_to_original(1, 5) == (2, 6)
    assert normalize("plain ascii").identity
