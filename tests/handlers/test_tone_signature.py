"""Tone regenerations, the agent's signature and the validated answer offered, at handler level:
an in-memory Messenger, a real SQLite store, the offline drafter, the real redactor."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from handlers.commands import parse
from handlers.messages import agents
from handlers.profile import without_signature
from storage.audit import ExportFilter
from storage.models import Decision, Draft
from tests.handlers.test_commands import DM, Plume
from tests.redaction_support import redactor  # noqa: F401  (fixture)

SIGNATURE = "Jeanne Testeuse\nConseillère — CAF de Testville"


@pytest.fixture
def plume(sqlite_db, redactor):
    return Plume(sqlite_db, redactor)


def drafts(plume) -> list[Draft]:
    with plume.db.session() as s:
        return list(s.exec(select(Draft).order_by(Draft.id)))


def payloads(plume, kind: str) -> list[dict]:
    store = plume.commands.store.sync
    return [json.loads(e["payload"]) for e in store.audit.iter_events(ExportFilter.build())
            if e["kind"] == kind]


@pytest.mark.parametrize("body, expected", [
    ("!Régénérer  plus court", ("regenerer", "plus court")),
    ("!signature\nJeanne\nCAF", ("signature", "Jeanne\nCAF")),
    ("!ok", ("ok", "")),
])
def test_parse_keeps_line_breaks_after_the_first_word(body, expected):
    assert parse(body) == expected


@pytest.mark.parametrize("text, expected", [
    (f"Bonjour,\nvotre dossier est complet.\n\n{SIGNATURE}", "Bonjour,\nvotre dossier est complet."),
    ("Bonjour,\nc'est complet.\nJeanne   Testeuse Conseillère — CAF\nde Testville  ", "Bonjour,\nc'est complet."),
    ("Jeanne Testeuse vous répond : c'est complet.", "Jeanne Testeuse vous répond : c'est complet."),
])
def test_signature_is_removed_from_the_end_of_an_edit(text, expected):
    assert without_signature(text, SIGNATURE) == expected
    assert without_signature(text, None) == text


async def test_tone_verbs_by_command_and_reaction_record_the_tone(plume):
    draft = await plume.paste()
    await plume.react(draft["event_id"], agents.TONE_EMOJIS["court"])
    await plume.say("!regenerer plus simple")
    await plume.say("!regenerer plus formel sans formule finale")
    await plume.say("!regenerer plus court, sans formule finale")
    await plume.say("!regenerer plus courtement")  # not a tone verb: a free instruction
    assert [d.tone for d in drafts(plume)] == [None, "court", "simple", "formel", "court", None]
    assert [d.instruction for d in drafts(plume)][3:] == ["sans formule finale",
                                                          "sans formule finale", "plus courtement"]
    assert [p["tone"] for p in payloads(plume, "draft.regenerated")] == \
        ["court", "simple", "formel", "court", None]
    # offline, the tone cannot be applied: the agent is told
    assert "ne peut pas être appliquée hors ligne" in plume.messenger.notices[-1]["body"]
    help_ = (await plume.say("!aide"))["body"]
    assert "• ✂️ !regenerer plus court [consigne] : une version plus courte" in help_


async def test_signature_is_shown_under_drafts_but_never_stored_with_them(plume):
    assert "Aucune signature" in (await plume.say("!signature"))["body"]
    assert SIGNATURE in (await plume.say(f"!signature {SIGNATURE}"))["body"]
    assert SIGNATURE in (await plume.say("!signature"))["body"]
    draft = await plume.paste()
    assert f"\n\n{SIGNATURE}\n\n" in draft["body"] and "Testeuse" in draft["html"]
    final = await plume.say(f"!modifier Madame, votre dossier est complet.\n\n{SIGNATURE}")
    assert final["body"].endswith(f"votre dossier est complet.\n\n{SIGNATURE}")
    with plume.db.session() as s:
        decision = s.exec(select(Decision)).one()
    assert decision.final_text == "Madame, votre dossier est complet."
    assert all("Testeuse" not in d.text for d in drafts(plume))
    assert "supprimée" in (await plume.say("!signature effacer"))["body"]
    assert plume.commands.store.sync.signature("@agent.un:hs.test") is None
    too_long = await plume.say("!signature " + "x" * 501)
    assert "trop longue" in too_long["body"]
    lead = await plume.say("!signature", room="!leads:hs.test", sender="@chef:hs.test")
    assert lead["body"].startswith("Commande inconnue")


async def test_a_validated_answer_is_offered_with_this_questions_values(plume):
    first = await plume.paste("Bonjour, je suis Camille Rousseau. Comment signaler à la CAF mon "
                              "changement de RIB ?")
    await plume.say("!modifier Bonjour Camille Rousseau, changez votre RIB dans votre espace, "
                    "rubrique Mes informations.", reply_to=first["event_id"])
    draft = await plume.paste("Bonjour, je m'appelle Paul Lefranc. J'ai changé de banque : comment "
                              "signaler mon nouveau RIB à la CAF ?")
    assert "Réponse validée par l'équipe le" in draft["body"]
    assert "Bonjour Paul Lefranc, changez votre RIB" in draft["body"]
    assert "Rousseau" not in draft["body"]
    assert drafts(plume)[-1].example_id is not None
    assert payloads(plume, "draft.generated")[-1]["validated_answer_id"] == drafts(plume)[-1].example_id
    other = await plume.paste("Bonjour, comment renouveler mon passeport ?")
    assert "Réponse validée" not in other["body"]


async def test_the_library_can_be_turned_off(plume):
    plume.config = plume.config.model_copy(update={"validated_answers": plume.config.validated_answers
                                                   .model_copy(update={"enabled": False})})
    plume.questions.config = plume.config
    await plume.paste("Comment signaler à la CAF mon changement de RIB ?")
    await plume.say("!ok")
    draft = await plume.paste("J'ai changé de banque : comment signaler mon nouveau RIB à la CAF ?")
    assert "Réponse validée" not in draft["body"] and drafts(plume)[-1].example_id is None
