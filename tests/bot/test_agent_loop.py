"""The agent in the loop, end to end on a real Synapse: ``!masquer`` and a team's
``privacy.confirm_before_send``. All personal data here is invented; the village is a city name
alone, which the redactor keeps readable by design (DESIGN §4), so only the agent can mask it."""

from __future__ import annotations

import json

import pytest

from handlers.messages import agents as messages
from redaction.normalize import fold
from storage.audit import ExportFilter
from tests.bot.test_bot_flow import NAME, NIR, PERSONAL_VALUES, buttons, notice, open_dm, paste

pytestmark = pytest.mark.synapse

VILLAGE = "Tréminis"
QUESTION = (f"Bonjour, je suis {NAME}, la seule boulangère de {VILLAGE}. Mon numéro de sécurité "
            f"sociale est {NIR}. À {VILLAGE.upper()} tout le monde me connaît : comment déclarer "
            "mes revenus à la CAF ?")


def sent_after(fake_llm, start: int) -> str:
    return fold("\n".join(r.user_text for r in fake_llm.requests[start:]))


def payloads(plume, kind: str) -> list[dict]:
    return [json.loads(e["payload"]) for e in plume.bot.audit.iter_events(ExportFilter.build())
            if e["kind"] == kind and e["payload"] is not None]


def assert_nowhere(plume, logs: str, values: list[str]) -> None:
    """None of ``values`` (case and accents folded) in the database files or the logs."""
    stored = b"".join(p.read_bytes() for p in plume.workdir.glob("plume.db*")).decode("utf-8", "replace")
    for value in values:
        assert fold(value) not in fold(stored), f"{value!r} reached the database"
        assert fold(value) not in fold(logs), f"{value!r} reached the logs"


def by_bot(plume, predicate):
    return lambda r: r.sender == plume.user_id and notice(r) and predicate(r)


async def test_masquer_after_a_draft_redrafts_from_the_corrected_text(plume, agent_factory,
                                                                       fake_llm, capfd):
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    q_event, v1 = await paste(agent, room_id, QUESTION)
    assert VILLAGE in fake_llm.requests[0].user_text  # premise: the redactor kept it
    await buttons(agent, room_id, v1.event_id)
    before = len(fake_llm.requests)

    await agent.send_text(room_id, "!masquer treminis comme lieu")
    v2 = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event
                              and r.body.startswith("Brouillon v2"))
    assert "[LIEU_1]" in v2.body and "Texte corrigé" in v2.body
    draft_part, sent_part = v2.body.split("Texte envoyé au modèle :")
    assert VILLAGE in draft_part  # the value is back in the draft shown to the agent
    assert VILLAGE not in sent_part and sent_part.count("[LIEU_1]") == 2
    assert fold(VILLAGE) not in sent_after(fake_llm, before)
    [remask] = payloads(plume, "question.remasked")
    assert remask["placeholder"] == "[LIEU_1]" and remask["entity_type"] == "LOCATION"
    assert remask["occurrences"] == 2 and remask["superseded_versions"] == [1]
    assert remask["scrubbed_seqs"]  # the first redacted text held the value
    assert plume.bot.audit.verify().ok

    # After a restart the map is rebuilt from the room: the paste and the !masquer command.
    await plume.restart()
    await buttons(agent, room_id, v2.event_id)
    await agent.react(room_id, v2.event_id, messages.REGENERATE)
    v3 = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event
                              and r.body.startswith("Brouillon v3"))
    assert VILLAGE in v3.body.split("Texte envoyé au modèle :")[0]
    assert fold(VILLAGE) not in sent_after(fake_llm, before)
    await agent.send_text(room_id, "!ok")
    final = await agent.wait_for(room_id, by_bot(plume, lambda r: r.body.startswith("✅")))
    assert VILLAGE in final.body and NAME in final.body
    assert plume.bot.audit.verify().ok
    await plume.stop()
    assert_nowhere(plume, "".join(capfd.readouterr()), [VILLAGE, *PERSONAL_VALUES])


async def test_confirm_before_send_nothing_leaves_before_the_agent_confirms(
        plume_factory, agent_factory, fake_llm, capfd):
    agent = await agent_factory("agent")
    plume = await plume_factory(teams=[{"name": "equipe", "agents": [agent.user_id],
                                        "privacy": {"confirm_before_send": True}}])
    room_id = await open_dm(agent, plume)
    q_event = await agent.send_text(room_id, QUESTION)
    prompt = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event)
    assert "rien n'est encore parti" in prompt.body and VILLAGE in prompt.body
    await buttons(agent, room_id, prompt.event_id, messages.CONFIRM_BUTTONS)
    assert not fake_llm.requests

    # !masquer as a reply to the prompt, default type: a new prompt, still nothing sent.
    await agent.send_text(room_id, f"!masquer « {VILLAGE} »", reply_to=prompt.event_id)
    prompt2 = await agent.wait_for(room_id, by_bot(plume, lambda r: r.reply_to == q_event
                                                   and r.event_id != prompt.event_id))
    assert "[NOM_2]" in prompt2.body and VILLAGE not in prompt2.body
    await buttons(agent, room_id, prompt2.event_id, messages.CONFIRM_BUTTONS)
    assert not fake_llm.requests

    # ✏️: the corrected text is redacted again (the agent typed the real name back).
    await agent.react(room_id, prompt2.event_id, messages.EDIT)
    await agent.wait_for(room_id, by_bot(plume, lambda r: "texte corrigé" in r.body))
    await agent.send_text(room_id, f"Bonjour, je suis {NAME}, boulangère. Comment déclarer mes "
                          "revenus à la CAF ?", reply_to=prompt2.event_id)
    prompt3 = await agent.wait_for(room_id, by_bot(plume, lambda r: r.reply_to == q_event
                                                   and r.event_id not in (prompt.event_id,
                                                                          prompt2.event_id)))
    assert "[NOM_1]" in prompt3.body and NAME not in prompt3.body
    await buttons(agent, room_id, prompt3.event_id, messages.CONFIRM_BUTTONS)
    assert not fake_llm.requests

    await agent.react(room_id, prompt3.event_id, messages.APPROVE)
    draft = await agent.wait_for(room_id, by_bot(plume, lambda r: r.body.startswith("Brouillon v1")))
    [request] = await fake_llm.wait_for_requests(1)
    assert "[NOM_1]" in request.user_text and "boulangère" in request.user_text
    assert fold(VILLAGE) not in fold(fake_llm.all_text()) and NAME not in fake_llm.all_text()
    assert NAME in draft.body  # values restored in the draft shown
    kinds = plume.audit_kinds()
    assert kinds.count("question.confirmation_requested") == 3
    for kind in ("question.remasked", "question.corrected", "question.confirmed", "draft.generated"):
        assert kind in kinds
    assert kinds.index("question.confirmed") < kinds.index("draft.generated")
    [confirmed] = payloads(plume, "question.confirmed")
    assert confirmed["redacted_text"] in request.user_text  # exactly what was confirmed went out

    # 🗑️ on a prompt drops the question: nothing is sent.
    q2 = await agent.send_text(room_id, "Bonjour, où en est ma demande d'APL ?")
    prompt4 = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q2)
    await buttons(agent, room_id, prompt4.event_id, messages.CONFIRM_BUTTONS)
    await agent.react(room_id, prompt4.event_id, messages.DISCARD)
    await agent.wait_for(room_id, by_bot(plume, lambda r: "rejeté" in r.body))
    assert len(fake_llm.requests) == 1 and "decision.discarded" in plume.audit_kinds()
    assert plume.bot.audit.verify().ok
    await plume.stop()
    assert_nowhere(plume, "".join(capfd.readouterr()), [VILLAGE, NAME])
