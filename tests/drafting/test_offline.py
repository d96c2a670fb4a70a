"""Offline backend: réponses types matched on the redacted question."""

from __future__ import annotations

import re

import pytest

from bot.config import LLMConfig
from drafting import make_drafter
from handlers.messages.agents import draft_notes
from redaction.placeholders import PLACEHOLDER
from drafting.offline import REPONSES_DIR, OfflineDrafter, load_reponses_types, normalize, rank


@pytest.fixture(scope="module")
def drafter() -> OfflineDrafter:
    return make_drafter(LLMConfig(backend="offline"))


@pytest.mark.parametrize("question, expected", [
    ("Bonjour, je suis [NOM_1]. Ma carte grise n'est toujours pas arrivée, immatriculation [FR_LICENSE_PLATE_1].",
     "carte_grise"),
    ("Je n'ai pas reçu mon RSA ce mois-ci alors que la CAF a mes déclarations.", "rsa"),
    ("Mon APL a baissé alors que mon loyer n'a pas changé.", "apl"),
    ("Je souhaite changer mon RIB, mon nouvel IBAN est [IBAN_1], pour mes allocations CAF.", "changement_rib"),
    ("Quand vais-je toucher ma pension de retraite ? Il me manque des trimestres.", "retraite"),
    ("Je suis inscrit à France Travail mais l'allocation chômage n'est pas versée.", "france_travail"),
    ("Le renouvellement de mon titre de séjour est bloqué, mon récépissé expire.", "titre_sejour"),
    ("Je ne trouve pas mon avis d'imposition 2024 sur impots.gouv.fr.", "impots"),
    ("Pouvez-vous m'envoyer une attestation de paiement ?", "attestation"),
    ("Ma pension alimentaire n'est plus versée par mon ex-conjoint, la CAF peut-elle m'aider ?", "caf_allocations"),
    ("PRIME D'ACTIVITE : mon droit a été recalculé", "caf_allocations"),
    ("Bonjour, à quelle heure ouvre la mairie samedi ?", "generique"),
])
async def test_questions_get_the_matching_reponse_type(drafter, question, expected):
    result = await drafter.draft(question)
    reponses = {r.id: r for r in load_reponses_types()}
    assert rank(question, list(reponses.values()))[0].id == expected
    assert result.template == reponses[expected].titre
    assert result.backend == "offline" and result.model == "reponses-types"


async def test_notice_says_it_is_an_offline_draft(drafter):
    result = await drafter.draft("Ma carte grise ?")
    assert result.notes == ("offline",)
    line = draft_notes(result.notes, result.template)
    assert line.startswith("Brouillon hors ligne") and "sans modèle de langue" in line


async def test_salutation_uses_the_single_name_placeholder(drafter):
    result = await drafter.draft("Je suis [NOM_1], ma carte grise n'arrive pas. Merci, [NOM_1]")
    assert result.text.startswith("Bonjour [NOM_1],")
    assert "{salutation}" not in result.text


async def test_salutation_stays_neutral_with_several_names_or_none(drafter):
    two = await drafter.draft("Je suis [NOM_1], mère de [NOM_2] : carte grise de ma fille.")
    none = await drafter.draft("Carte grise perdue.")
    assert two.text.startswith("Madame, Monsieur,")
    assert none.text.startswith("Madame, Monsieur,")


async def test_placeholders_never_count_as_keywords(drafter):
    # "[ADRESSE_1]" must not look like the word "adresse", "[IBAN_1]" not like "iban".
    assert normalize("Voici [ADRESSE_1] et [IBAN_1].") == "voici et"
    result = await drafter.draft("Bonjour, voici [ADRESSE_1] et [IBAN_1], merci.")
    assert "Réponse générale" in result.template


async def test_drafts_invent_no_placeholder(drafter):
    question = "Je suis [NOM_1], [NIR_1], ma retraite ?"
    result = await drafter.draft(question)
    assert set(PLACEHOLDER.findall(result.text)) <= set(PLACEHOLDER.findall(question))


async def test_regeneration_moves_to_another_reponse_type(drafter):
    question = "Je n'ai pas reçu mon RSA, la CAF ne répond pas."
    first = await drafter.draft(question)
    second = await drafter.draft(question, previous=first.text, instruction="Plus court.")
    assert second.text != first.text
    assert "instruction_ignored" in second.notes
    assert "consigne" in draft_notes(second.notes, second.template)


def test_library_is_complete_and_well_formed():
    reponses = load_reponses_types()
    assert len([r for r in reponses if not r.generique]) >= 10
    assert len([r for r in reponses if r.generique]) == 1
    for r in reponses:
        assert r.texte.startswith("{salutation}"), r.id
        assert r.texte.count("{") == 1 and "}" in r.texte, r.id
        assert "vous" in r.texte and "salutations distinguées" in r.texte, r.id
        assert not re.search(r"\btu\b|\bton\b|\bta\b|\btes\b", r.texte), r.id  # vouvoiement
        assert r.generique or r.mots_cles, r.id
    assert sorted(p.name for p in REPONSES_DIR.glob("*.yaml")) == sorted(f"{r.id}.yaml" for r in reponses)


def test_a_library_without_generic_answer_is_refused(tmp_path):
    (tmp_path / "seul.yaml").write_text("titre: Seul\nmots_cles: [seul]\ntexte: '{salutation} Bonjour.'\n",
                                        encoding="utf-8")
    with pytest.raises(ValueError, match="generic"):
        OfflineDrafter(tmp_path)
