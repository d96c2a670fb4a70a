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


# --- words before a title or a name, function titles, places named after people, lists ------

@pytest.mark.parametrize("text, masked_text", [
    ("Rappelez Mme Fournier svp, elle attend.", "Rappelez Mme [NOM_1] svp, elle attend."),
    ("Relancer M. Henry pour son dossier APL.", "Relancer M. [NOM_1] pour son dossier APL."),
    ("Appelez-moi. Demandez Mme Leclerc.", "Appelez-moi. Demandez Mme [NOM_1]."),
    ("Écrire à Mme Colas, puis Revoir M. Pascal.", "Écrire à Mme [NOM_1], puis Revoir M. [NOM_2]."),
    ("Prévenez Monsieur Chevalier au 02 40 11 22 33.", "Prévenez Monsieur [NOM_1] au [TELEPHONE_1]."),
    ("Hier M. Lemoine est passé.", "Hier M. [NOM_1] est passé."),
    ("Recontacter Mme Julie Bonnet demain.", "Recontacter Mme [NOM_1] demain."),
    ("Contactez Jean Dupont au 06 12 34 56 78.", "Contactez [NOM_1] au [TELEPHONE_1]."),
    ("Voir Paul Girard pour le dossier.", "Voir [NOM_1] pour le dossier."),
    ("Revoir Gilles Caron mardi.", "Revoir [NOM_1] mardi."),
    ("Aujourd'hui Lucie Fabre a appelé.", "Aujourd'hui [NOM_1] a appelé."),
    ("Prévenir Nathalie Roche que tout est prêt.", "Prévenir [NOM_1] que tout est prêt."),
    ("Demandez Sophie à l'accueil.", "Demandez [NOM_1] à l'accueil."),
    ("rappelez mme carpentier svp", "rappelez mme [NOM_1] svp"),
    ("PRÉVENEZ M. LACROIX AU PLUS VITE SVP, MERCI", "PRÉVENEZ M. [NOM_1] AU PLUS VITE SVP, MERCI"),
])
def test_word_opening_the_sentence_is_not_part_of_the_name(redactor, text, masked_text):
    assert redactor.redact(text).text == masked_text


def test_surname_first_at_sentence_start_is_still_a_name(redactor):
    # "Porte" and "Masse" are ordinary words too, but spaCy reads them as names here.
    for text, name in [("Porte Isabelle, 06 12 34 56 78", "Porte Isabelle"),
                       ("Masse Pierre a déposé son dossier.", "Masse Pierre")]:
        assert is_covered(redactor, text, name), redactor.redact(text).text


def test_initial_after_a_given_name_is_not_a_title(redactor):
    text = "Anne M. Durand a signé le bail."
    assert is_covered(redactor, text, "Anne M. Durand"), redactor.redact(text).text


def test_same_surname_with_two_titles_then_alone(redactor):
    red = redactor.redact("Hier M. Perrin est venu ; Mme Perrin a appelé ensuite. Perrin rappellera.")
    assert red.text == "Hier M. [NOM_1] est venu ; Mme [NOM_1] a appelé ensuite. [NOM_1] rappellera."
    assert red.mapping["[NOM_1]"] == "Perrin"


@pytest.mark.parametrize("text", [
    "Appelez Mme Rolland au 06 11 22 33 44 ; Mme Rolland a écrit, Rolland attend.",
    "Voir M. Jean-Luc Texier. Texier et Jean-Luc Texier sont la même personne.",
    "Bonjour Madame Sophie Marchal, Madame la Directrice Sophie Marchal a signé.",
])
def test_spans_never_overlap_and_each_is_typed_once(redactor, text):
    spans = redactor.redact(text).spans
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert all(text[s.start].isupper() or text[s.start].isdigit() for s in spans)
    words = {w for s in spans for w in text[s.start:s.end].split()}
    assert not words & {"Appelez", "Voir", "Bonjour", "Madame", "Mme", "M."}


@pytest.mark.parametrize("text", [
    "Monsieur le Procureur de la République, Madame la Rapporteure, Madame la Sous-Préfète.",
    "Veuillez agréer, Madame la Présidente, mes salutations. Monsieur le Directeur m'a reçu.",
])
def test_function_titles_stay_readable(redactor, text):
    assert redactor.redact(text).text == text


def test_name_after_a_function_title_is_masked(redactor):
    assert redactor.redact("Madame la Directrice Sophie Marchal a signé.").text == \
        "Madame la Directrice [NOM_1] a signé."


@pytest.mark.parametrize("text, name", [
    ("Je viens à la place de Marie Dupont qui est malade.", "Marie Dupont"),
    ("La maison de Paul Girard a brûlé.", "Paul Girard"),
    ("Au cours de Julien Favre, les élèves ont appris.", "Julien Favre"),
])
def test_common_noun_and_de_before_a_person(redactor, text, name):
    assert is_covered(redactor, text, name), redactor.redact(text).text


def test_found_name_is_not_masked_inside_a_place_named_after_someone(redactor):
    text = "Mon fils Jules va à l'école Jules Ferry, rue Victor Hugo, avec son ami Hugo."
    assert redactor.redact(text).text == \
        "Mon fils [NOM_1] va à l'école Jules Ferry, rue Victor Hugo, avec son ami [NOM_2]."


@pytest.mark.parametrize("text, names", [
    ("Nos enfants : Inès, Noah et Zoé.", ["Inès", "Noah", "Zoé"]),
    ("J'ai deux fils, Adam et Rayan, à charge.", ["Adam", "Rayan"]),
    ("Enfants à charge :\nLéo, Maël ou Jade selon les semaines.", ["Léo", "Maël", "Jade"]),
])
def test_listed_given_names(redactor, text, names):
    for name in names:
        assert is_covered(redactor, text, name), redactor.redact(text).text


@pytest.mark.parametrize("text, name", [
    ("Nom de jeune fille : Bertin", "Bertin"),
    ("Nom d'usage : Carpentier, nom de naissance : Lebrun", "Lebrun"),
    ("nom d'usage : morel", "morel"),
    ("Je soussigné(e) Mme Corinne Lemaire certifie héberger M. Samir Ouali.", "Samir Ouali"),
    ("Cordialement,\nAnne-Laure PERRIN-VIDAL\nTél. 06 21 43 65 87", "Anne-Laure PERRIN-VIDAL"),
    ("Cdt,\nLaurent Masson\nGestionnaire de dossiers\n04 72 11 22 33", "Laurent Masson"),
])
def test_form_fields_and_signature_blocks(redactor, text, name):
    assert is_covered(redactor, text, name), redactor.redact(text).text
