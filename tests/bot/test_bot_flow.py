"""Plume's main job end to end: a real Synapse, real encrypted nio clients, the real bot, and the
LLM API imitated at the HTTP level. All personal data here is invented."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import aiohttp
import pytest

from bot.config import RedactionConfig
from drafting.prompts import TONES
from handlers.messages import agents as messages
from handlers.base import SendError
from redaction import Redactor
from storage.models import Decision, Question
from sqlmodel import select

pytestmark = pytest.mark.synapse

# Invented person; the NIR and IBAN carry valid check digits.
NAME = "Gaëlle Marchetti"
NIR = "2 84 05 69 123 456 40"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
PHONE = "06 12 34 56 78"
EMAIL = "gaelle.marchetti@exemple.fr"
QUESTION = (f"Bonjour, je m'appelle {NAME}. Mon numéro de sécurité sociale est {NIR} et mon "
            f"nouveau RIB est {IBAN}. Comment transmettre ce changement à la CAF ? "
            f"Téléphone : {PHONE}, e-mail : {EMAIL}.")
PERSONAL_VALUES = [NAME, "Marchetti", NIR, NIR.replace(" ", ""), IBAN, IBAN.replace(" ", ""),
                   PHONE, PHONE.replace(" ", ""), EMAIL]


def notice(r) -> bool:
    return r.msgtype == "m.notice"


async def open_dm(agent, plume):
    room_id = await agent.create_dm(plume.user_id)
    await agent.wait_joined(room_id, plume.user_id)
    welcome = await agent.wait_for(room_id, notice)
    assert "Plume" in welcome.body and "✅" in welcome.body
    return room_id


async def paste(agent, room_id, text=QUESTION, **kw):
    event_id = await agent.send_text(room_id, text, **kw)
    draft = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == event_id)
    return event_id, draft


async def buttons(agent, room_id, event_id, keys=messages.DRAFT_BUTTONS):
    seen = set()
    while seen != set(keys):
        r = await agent.wait_for(room_id, lambda r: r.related_event_id == event_id
                                 and r.reaction_key in keys)
        seen.add(r.reaction_key)


def assert_private(plume, fake_llm, caplog_text: str = "") -> None:
    """No personal value reached the LLM, the database files or the logs."""
    sent = fake_llm.all_text()
    stored = b"".join(p.read_bytes() for p in plume.workdir.glob("plume.db*")).decode("utf-8", "replace")
    for value in PERSONAL_VALUES:
        assert value not in sent, f"{value!r} reached the LLM"
        assert value not in stored, f"{value!r} reached the database"
        assert value not in caplog_text, f"{value!r} reached the logs"


async def test_approve_by_reaction_restores_values_and_keeps_data_private(
        plume, agent_factory, fake_llm, capfd):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    q_event, draft = await paste(agent, room_id)
    assert draft.body.startswith("Brouillon v1")
    assert "[NIR_1]" in draft.body  # the text sent to the model is shown
    assert NAME in draft.body  # the draft itself has the real values back
    await buttons(agent, room_id, draft.event_id)

    await agent.react(room_id, draft.event_id, messages.APPROVE)
    final = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == draft.event_id)
    assert final.body.startswith("✅ Brouillon approuvé")
    assert NAME in final.body and "[NOM_1]" not in final.body

    kinds = plume.audit_kinds()
    for kind in ("question.received", "question.redacted", "draft.generated", "decision.approved"):
        assert kind in kinds
    assert plume.bot.audit.verify().ok
    await plume.stop()  # flush the database before reading its files
    assert_private(plume, fake_llm, "".join(capfd.readouterr()))


async def test_commands_ok_and_second_decision_changes_nothing(plume, agent_factory):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    _, draft = await paste(agent, room_id)
    await agent.send_text(room_id, "!ok")
    final = await agent.wait_for(room_id, notice)
    assert final.body.startswith("✅ Brouillon approuvé")
    await agent.react(room_id, draft.event_id, messages.DISCARD, encrypted=False)
    again = await agent.wait_for(room_id, notice)
    assert "déjà été approuvée" in again.body
    with plume.bot.db.session() as s:
        assert [d.kind for d in s.exec(select(Decision)).all()] == ["approved"]


async def test_edit_by_reaction_then_reply_is_redacted_before_storage(plume, agent_factory):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    _, draft = await paste(agent, room_id)
    await agent.react(room_id, draft.event_id, messages.EDIT)
    ask = await agent.wait_for(room_id, notice)
    assert "version corrigée" in ask.body
    corrected = f"Bonjour {NAME}, votre RIB {IBAN} sera pris en compte sous 15 jours."
    await agent.send_text(room_id, corrected, reply_to=draft.event_id)
    final = await agent.wait_for(room_id, notice)
    assert final.body.startswith("✏️ Version corrigée") and corrected in final.body
    with plume.bot.db.session() as s:
        decision = s.exec(select(Decision)).one()
    assert decision.kind == "edited"
    assert NAME not in decision.final_text and "[NOM_1]" in decision.final_text
    assert "[IBAN_1]" in decision.final_text and "15 jours" in decision.final_text
    assert 0 <= decision.similarity <= 1


async def test_edit_by_command(plume, agent_factory):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    await paste(agent, room_id)
    await agent.send_text(room_id, "!modifier Madame, votre demande est bien enregistrée.")
    final = await agent.wait_for(room_id, notice)
    assert "votre demande est bien enregistrée" in final.body
    assert "decision.edited" in plume.audit_kinds()


async def test_regenerate_by_reaction_and_by_command_with_instruction(plume, agent_factory, fake_llm):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    q_event, draft = await paste(agent, room_id)
    await buttons(agent, room_id, draft.event_id)
    await agent.react(room_id, draft.event_id, messages.REGENERATE)
    v2 = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event)
    assert v2.body.startswith("Brouillon v2")
    await agent.send_text(room_id, "!regenerer plus court, sans formule finale")
    v3 = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event)
    assert v3.body.startswith("Brouillon v3")
    last = fake_llm.requests[-1].user_text  # a tone verb (drafting.prompts.TONES) and a free instruction
    assert TONES["court"] in last and "<consigne_agent>\nsans formule finale\n" in last
    kinds = plume.audit_kinds()
    assert kinds.count("draft.regenerated") == 2


async def test_discard_with_reason_by_reaction_and_by_command(plume, agent_factory):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    _, draft = await paste(agent, room_id)
    await buttons(agent, room_id, draft.event_id)
    await agent.react(room_id, draft.event_id, messages.DISCARD)
    prompt = await agent.wait_for(room_id, lambda r: notice(r) and "Pourquoi" in (r.body or ""))
    await buttons(agent, room_id, prompt.event_id, tuple(messages.DISCARD_REASONS))
    await agent.react(room_id, prompt.event_id, "2️⃣")
    await agent.wait_for(room_id, lambda r: notice(r) and "raison du rejet" in (r.body or ""))

    _, draft2 = await paste(agent, room_id)
    await agent.send_text(room_id, f"!rejeter doublon, déjà traité pour {NAME}")
    await agent.wait_for(room_id, lambda r: notice(r) and "Brouillon rejeté (raison" in (r.body or ""))
    with plume.bot.db.session() as s:
        reasons = sorted(d.reason for d in s.exec(select(Decision)).all())
    assert reasons[0] == "doublon, déjà traité pour [NOM_1]"
    assert reasons[1] == "informations inexactes"
    assert "decision.reason" in plume.audit_kinds()


async def test_stranger_invite_is_refused(plume_factory, agent_factory, synapse):
    plume = await plume_factory(access={"allowed_homeservers": ["agent.tchap.gouv.fr"]})
    stranger = await agent_factory("stranger")
    room_id = await stranger.create_dm(plume.user_id)

    def bot_gone() -> bool:
        users = stranger.client.rooms[room_id].users
        return plume.user_id not in users or not users[plume.user_id]

    for _ in range(100):  # the refusal is audited, then the bot leaves: wait for both
        if "access.denied" in plume.audit_kinds() and bot_gone():
            break
        await asyncio.sleep(0.2)
    assert "access.denied" in plume.audit_kinds()
    assert bot_gone()


async def test_group_room_is_refused(plume, agent_factory):
    agent = await agent_factory("agent")
    other = await agent_factory("colleague")
    room_id = await agent.create_room([plume.user_id, other.user_id], encrypted=True)
    refusal = await agent.wait_for(room_id, notice)
    assert "salon privé à deux" in refusal.body
    assert "access.denied" in plume.audit_kinds()


async def test_restart_between_paste_and_reaction_decides_once(plume, agent_factory):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    _, draft = await paste(agent, room_id)
    await buttons(agent, room_id, draft.event_id)
    await plume.stop()
    await agent.react(room_id, draft.event_id, messages.APPROVE)
    await plume.start()
    final = await agent.wait_for(room_id, notice)
    assert final.body.startswith("✅ Brouillon approuvé")
    assert NAME in final.body  # real values rebuilt from the room after the restart
    await plume.restart()
    await agent.send_text(room_id, "!aide")
    help_ = await agent.wait_for(room_id, notice)
    assert "Commandes" in help_.body  # nothing else was answered in between
    assert plume.audit_kinds().count("decision.approved") == 1


async def test_message_sent_while_down_is_answered_once(plume, agent_factory):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    await plume.stop()
    event_id = await agent.send_text(room_id, QUESTION)
    await plume.start()
    draft = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == event_id)
    assert draft.body.startswith("Brouillon v1")
    await plume.restart()
    await agent.send_text(room_id, "!aide")
    assert "Commandes" in (await agent.wait_for(room_id, notice)).body
    with plume.bot.db.session() as s:
        assert len(s.exec(select(Question)).all()) == 1


@pytest.mark.parametrize("failure", ["timeout", "overloaded"])
async def test_llm_failure_offers_retry(plume, agent_factory, fake_llm, failure):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    if failure == "timeout":
        fake_llm.delay_next(5, times=2)  # longer than timeout_s, on the try and the retry
    else:
        fake_llm.fail_next(529, times=2)
    event_id = await agent.send_text(room_id, QUESTION)
    failed = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == event_id)
    assert "🔄" in failed.body and not failed.body.startswith("Brouillon")
    await agent.wait_for(room_id, lambda r: r.related_event_id == failed.event_id
                         and r.reaction_key == messages.REGENERATE)
    assert "draft.failed" in plume.audit_kinds()
    await agent.react(room_id, failed.event_id, messages.REGENERATE)
    draft = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == event_id, timeout=90)
    assert draft.body.startswith("Brouillon v1")


async def test_bad_input_gets_clear_messages(plume, agent_factory):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    await agent.send_text(room_id, "   ")
    assert "vide" in (await agent.wait_for(room_id, notice)).body
    await agent.send_text(room_id, "a" * 8001)
    assert "8001 caractères" in (await agent.wait_for(room_id, notice)).body
    await agent.send_file(room_id, b"%PDF-1.4 synthetic", "avis.pdf", "application/pdf")
    assert "fichiers" in (await agent.wait_for(room_id, notice)).body
    await agent.send_text(room_id, "!inconnue")
    assert "Commande inconnue : !inconnue" in (await agent.wait_for(room_id, notice)).body
    await agent.send_text(room_id, "!ok")
    assert "Aucun brouillon" in (await agent.wait_for(room_id, notice)).body


async def test_html_paste_is_escaped_in_formatted_body(plume, agent_factory):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    body = "Bonjour <script>alert(1)</script>, ma demande d'APL est-elle <b>complète</b> ?"
    _, draft = await paste(agent, room_id, body,
                           html="Bonjour &lt;script&gt;, ma demande d'APL est-elle <b>complète</b> ?")
    assert "<script>" not in draft.formatted_body
    assert "&lt;script&gt;" in draft.formatted_body


async def test_edited_question_gets_a_new_draft(plume, agent_factory, fake_llm):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    q_event, _ = await paste(agent, room_id, "Bonjour, quand sera versée mon APL ?")
    edit_id = await agent.send_edit(room_id, q_event, "Bonjour, quand sera versée ma prime d'activité ?")
    redraft = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == edit_id)
    assert redraft.body.startswith("Brouillon v1") and "Question modifiée" in redraft.body
    assert "prime d'activité" in fake_llm.requests[-1].user_text


async def test_draft_refused_by_homeserver_is_redelivered(plume, agent_factory, monkeypatch):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    client = plume.bot.client
    real_send = client.send_notice
    refused = []

    async def flaky_send(room, body, html=None, **kw):
        if body.startswith("Brouillon") and not refused:
            refused.append(body)
            raise SendError("homeserver unavailable (injected)")
        return await real_send(room, body, html, **kw)

    monkeypatch.setattr(client, "send_notice", flaky_send)
    event_id = await agent.send_text(room_id, QUESTION)
    for _ in range(100):
        if refused and plume.bot.store.undelivered_drafts(datetime.now(timezone.utc)):
            break
        await asyncio.sleep(0.1)
    await plume.bot.router.questions.redeliver(min_age_s=0)
    draft = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == event_id)
    assert draft.body.startswith("Brouillon v1") and NAME in draft.body
    assert not plume.bot.store.undelivered_drafts(datetime.now(timezone.utc))


async def test_gap_in_a_limited_timeline_is_backfilled(plume, agent_factory):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    await plume.stop()
    event_id = await agent.send_text(room_id, QUESTION)
    for n in range(105):  # more than the sync filter's timeline limit; notices are ignored
        await agent.send_text(room_id, f"note {n}", msgtype="m.notice")
    await plume.start()
    draft = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == event_id)
    assert draft.body.startswith("Brouillon v1")


async def test_rate_limited_bot_waits_and_delivers_everything(plume_factory, agent_factory, synapse,
                                                              new_user, caplog):
    """Synapse answers 429 with retry_after_ms; the bot waits and retries, dropping nothing."""
    admin_id, admin_password = await new_user("admin", admin=True)
    bot_id, bot_password = await new_user("plume")
    async with aiohttp.ClientSession(synapse.url) as http:
        login = await http.post("/_matrix/client/v3/login", json={
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": admin_id},
            "password": admin_password})
        token = (await login.json())["access_token"]
        resp = await http.post(f"/_synapse/admin/v1/users/{bot_id}/override_ratelimit",
                               json={"messages_per_second": 1, "burst_count": 1},
                               headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 200
    plume = await plume_factory(account=(bot_id, bot_password))
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    _, draft = await paste(agent, room_id)
    await buttons(agent, room_id, draft.event_id)  # draft and its 4 reactions, all delivered
    assert any("429" in r.getMessage() for r in caplog.records)  # the limit was really hit


async def test_leak_guard_sends_nothing_when_an_identifier_remains(plume_factory, agent_factory,
                                                                   fake_llm):
    """With redaction narrowed to names, the NIR, IBAN, phone and e-mail stay: nothing goes out."""
    names_only = RedactionConfig(entities=["PERSON"])
    plume = await plume_factory(redaction=names_only.model_dump(), own_redactor=Redactor(names_only))
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    event_id = await agent.send_text(room_id, QUESTION)
    refusal = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == event_id)
    assert "rien envoyé au modèle" in refusal.body and "IBAN" in refusal.body
    assert not fake_llm.requests
    assert "question.blocked" in plume.audit_kinds() and "draft.generated" not in plume.audit_kinds()
    with plume.bot.db.session() as s:
        assert s.exec(select(Question)).one().redacted_text == ""


async def test_undecryptable_message_asks_to_send_again(plume, agent_factory):
    """A message whose room key never reaches the bot: after the wait, the agent is told."""
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    client = agent.client
    for device in client.device_store.active_user_devices(plume.user_id):
        client.blacklist_device(device)  # the agent's client withholds the key from the bot
    client.invalidate_outbound_session(room_id)
    resp = await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": QUESTION},
                                  ignore_unverified_devices=True)
    reply = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == resp.event_id)
    assert "pas pu déchiffrer" in reply.body
