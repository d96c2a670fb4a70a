"""Drafting with sources: the prompt, the checks after drafting, the offline draft from a fiche."""

from __future__ import annotations

from drafting.grounding import VERIFY, Source, check_draft, sources_block, sources_footer
from drafting.offline import OfflineDrafter
from drafting.prompts import build_messages

PRIME = Source(id="F2882", title="Prime d'activité : salarié ou fonctionnaire",
               url="https://www.service-public.fr/particuliers/vosdroits/F2882", date="2020-10-29",
               heading="Montant > Montant forfaitaire",
               text="Le montant forfaitaire est égal à 553,16 €. La demande se fait en ligne, la réponse "
                    "arrive sous 2 mois. Allô Service Public : 39 39.",
               description="La prime d'activité complète les revenus des travailleurs modestes.")
KNOWN = {"https://www.caf.fr/allocataires/mes-services-en-ligne"}


def test_prompt_carries_the_passages_and_the_rules():
    messages = build_messages("Bonjour, je suis [NOM_1], ai-je droit à la prime ?", sources=[PRIME])
    text = messages[0]["content"]
    assert "[1] Prime d'activité : salarié ou fonctionnaire — Montant > Montant forfaitaire" in text
    assert "29/10/2020" in text and PRIME.url in text and "553,16 €" in text
    assert "uniquement à partir de ces extraits" in text and "[1]" in text
    assert "[NOM_1]" in text
    again = build_messages("question", sources=[PRIME], previous="v1", instruction="plus court")
    assert PRIME.url in again[0]["content"] and "plus court" in again[-1]["content"]


def test_unknown_links_are_removed_and_known_ones_kept():
    draft = ("Voir https://www.service-public.fr/particuliers/vosdroits/F2882, "
             "https://www.caf.fr/allocataires/mes-services-en-ligne et https://prime-facile.example/demande.")
    checked = check_draft(draft, [PRIME], KNOWN.__contains__)
    assert checked.removed_urls == ("https://prime-facile.example/demande",)
    assert "prime-facile" not in checked.text
    assert PRIME.url in checked.text and "https://www.caf.fr/allocataires/mes-services-en-ligne" in checked.text


def test_figures_absent_from_the_sources_are_flagged():
    draft = ("Le montant forfaitaire est de 553,16 euros [1], la réponse arrive sous 2 mois. "
             "Vous recevrez 150 € sous 15 jours. Appelez le 39 39 ou le 01 23 45 67 89.")
    checked = check_draft(draft, [PRIME], KNOWN.__contains__)
    assert "553,16 euros [1]" in checked.text and "2 mois." in checked.text and "39 39 ou" in checked.text
    assert f"150 € {VERIFY}" in checked.text and f"15 jours {VERIFY}" in checked.text
    assert f"01 23 45 67 89 {VERIFY}" in checked.text
    assert set(checked.unverified) == {"150 €", "15 jours", "01 23 45 67 89"}
    assert check_draft(checked.text, [PRIME], KNOWN.__contains__).text == checked.text  # no double flag


def test_footer_lists_each_fiche_once():
    other = Source("F303", "Arrêt maladie : démarches à effectuer",
                   "https://www.service-public.fr/particuliers/vosdroits/F303", "2019-10-09", "Démarche", "…")
    footer = sources_footer([PRIME, PRIME, other])
    assert footer.splitlines() == [
        "Sources :",
        f"- Prime d'activité : salarié ou fonctionnaire — {PRIME.url} (fiche mise à jour le 29/10/2020)",
        f"- Arrêt maladie : démarches à effectuer — {other.url} (fiche mise à jour le 09/10/2019)",
    ]
    assert sources_block([PRIME]).count("[1]") == 1


async def test_offline_drafts_from_the_fiche_then_falls_back_to_reponses_types():
    drafter = OfflineDrafter()
    result = await drafter.draft("Bonjour, je suis [NOM_1], ai-je droit à la prime d'activité ?", sources=[PRIME])
    assert result.text.startswith("Bonjour [NOM_1],")
    assert PRIME.description in result.text and "553,16 €" in result.text and PRIME.url in result.text
    assert result.notes == ("offline_fiche",) and result.template == PRIME.title
    plain = await drafter.draft("Bonjour, ma carte grise ?")
    assert plain.notes == ("offline",)
