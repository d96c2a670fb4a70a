"""Issue 10 end to end on the real Synapse: validated answers reused by the team, tone
regenerations, the agent's signature. The LLM is imitated at the HTTP level; all data invented."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlmodel import select

from drafting.prompts import TONES
from handlers.messages import agents as messages
from storage.audit import ExportFilter
from storage.models import AgentProfile, Decision, Draft
from handlers.messages.leads import render_summary
from tests.bot.test_bot_flow import IBAN, NAME, assert_private, buttons, notice, open_dm, paste

pytestmark = pytest.mark.synapse

SIGNATURE = "Jeanne Testeuse\nConseillère, service des prestations — CAF de Testville"
OTHER_NAME = "Honorine Vasseur"
VALIDATED = ("Bonjour [NOM_1],\n\nPour changer de RIB, connectez-vous à votre espace Mon Compte, "
             "rubrique « Mes informations », puis indiquez votre nouvel IBAN [IBAN_1].\n\n"
             "Nous vous prions d'agréer nos salutations distinguées.")


def payloads(plume, kind: str) -> list[dict]:
    return [json.loads(e["payload"]) for e in plume.bot.audit.iter_events(ExportFilter.build())
            if e["kind"] == kind]


async def test_signature_is_shown_locally_and_never_sent_or_stored_in_drafts(plume, agent_factory,
                                                                            fake_llm):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    await agent.send_text(room_id, "!signature")
    assert "Aucune signature" in (await agent.wait_for(room_id, notice)).body
    await agent.send_text(room_id, f"!signature {SIGNATURE}")
    assert "Testeuse" in (await agent.wait_for(room_id, notice)).body

    q_event, draft = await paste(agent, room_id)
    assert draft.body.startswith("Brouillon v1") and SIGNATURE in draft.body
    await buttons(agent, room_id, draft.event_id)
    await agent.react(room_id, draft.event_id, messages.REGENERATE)
    v2 = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event)
    assert v2.body.startswith("Brouillon v2") and SIGNATURE in v2.body
    await agent.send_text(room_id, "!ok")
    final = await agent.wait_for(room_id, lambda r: notice(r) and "approuvé" in (r.body or ""))
    assert final.body.rstrip().endswith(SIGNATURE.splitlines()[-1])

    assert len(fake_llm.requests) == 2
    assert "Testeuse" not in fake_llm.all_text() and "Testville" not in fake_llm.all_text()
    with plume.bot.db.session() as s:
        assert all("Testeuse" not in d.text for d in s.exec(select(Draft)).all())
    assert all("Testeuse" not in (e["payload"] or "")
               for e in plume.bot.audit.iter_events(ExportFilter.build()))
    assert "agent.signature_set" in plume.audit_kinds()

    await agent.send_text(room_id, "!signature effacer")
    assert "supprimée" in (await agent.wait_for(room_id, notice)).body
    with plume.bot.db.session() as s:
        assert s.exec(select(AgentProfile)).all() == []


async def test_tone_regenerations_send_the_fixed_instruction_and_are_audited(plume, agent_factory,
                                                                            fake_llm):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    q_event, draft = await paste(agent, room_id)
    await buttons(agent, room_id, draft.event_id)
    await agent.react(room_id, draft.event_id, messages.TONE_EMOJIS["court"])
    v2 = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event)
    assert v2.body.startswith("Brouillon v2")
    assert TONES["court"] in fake_llm.requests[-1].user_text
    await agent.send_text(room_id, "!regenerer plus simple")
    await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event)
    assert TONES["simple"] in fake_llm.requests[-1].user_text
    assert "<consigne_agent>" not in fake_llm.requests[-1].user_text  # the fixed text only
    await agent.send_text(room_id, f"!Régénérer plus formel, en citant {NAME}")
    v4 = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event)
    assert v4.body.startswith("Brouillon v4")
    sent = fake_llm.requests[-1].user_text
    assert TONES["formel"] in sent and "<consigne_agent>\nen citant [NOM_1]" in sent
    assert NAME not in fake_llm.all_text()
    assert [p["tone"] for p in payloads(plume, "draft.regenerated")] == ["court", "simple", "formel"]

    await agent.send_text(room_id, "!aide")
    help_ = (await agent.wait_for(room_id, notice)).body
    assert "!regenerer plus court" in help_ and messages.TONE_EMOJIS["simple"] in help_


async def test_team_validated_answer_is_offered_with_current_values_only(plume_factory, agent_factory,
                                                                         fake_llm):
    first = await agent_factory("agent")
    second = await agent_factory("agent")
    plume = await plume_factory(teams=[{"name": "equipe-test",
                                        "agents": [first.user_id, second.user_id]}])
    room_a = await open_dm(first, plume)
    fake_llm.reply_with(VALIDATED)
    await paste(first, room_a, f"Bonjour, je m'appelle {NAME}. Comment signaler à la CAF mon "
                               f"changement de RIB ? Mon nouvel IBAN est {IBAN}.")
    await first.send_text(room_a, "!ok")
    await first.wait_for(room_a, lambda r: notice(r) and "approuvé" in (r.body or ""))

    room_b = await open_dm(second, plume)
    _, draft = await paste(second, room_b, f"Bonjour, je m'appelle {OTHER_NAME}. J'ai changé de "
                                           "banque : comment signaler mon nouveau RIB à la CAF ?")
    assert "Réponse validée par l'équipe le" in draft.body
    assert f"Bonjour {OTHER_NAME}," in draft.body  # [NOM_1] of this question
    assert "[IBAN_1]" in draft.body  # no IBAN in this question: the placeholder stays
    assert NAME not in draft.body and "Marchetti" not in draft.body
    sent = fake_llm.requests[-1].user_text
    assert "<reponse_validee>" in sent and "rubrique « Mes informations »" in sent
    assert OTHER_NAME not in fake_llm.all_text() and NAME not in fake_llm.all_text()
    generated = payloads(plume, "draft.generated")
    assert "validated_answer_id" not in generated[0] and generated[1]["validated_answer_id"]

    _, unrelated = await paste(second, room_b, "Quand sera versée ma pension de retraite ?")
    assert "Réponse validée" not in unrelated.body
    zone = plume.config.summary.zone
    figures = plume.bot.store.summary("equipe-test", datetime.now(zone).date(), zone)
    assert figures.to_json()["validated_reused"] == 1
    assert "Réponses déjà validées par l'équipe réutilisées : 1 question(s)" in render_summary(figures)[0]
    with plume.bot.db.session() as s:
        assert len(s.exec(select(Decision)).all()) == 1
    await plume.stop()  # flush the database before reading its files
    assert_private(plume, fake_llm)
    stored = b"".join(p.read_bytes() for p in plume.workdir.glob("plume.db*")).decode("utf-8", "replace")
    assert OTHER_NAME not in stored and "Vasseur" not in stored
