"""Messages beyond the homeserver's 64 KiB event limit, on a real Synapse: a long question whose
model answer is 70,000 characters reaches the agent in numbered parts, buttons on the last one.
All personal data here is invented."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from common.clock import utc_now
from handlers.messages import agents as messages
from tests.bot.test_bot_flow import buttons, notice, open_dm

pytestmark = pytest.mark.synapse

NAME = "Solène Carrasco"
PART_RE = re.compile(r"^\(partie (\d+)/(\d+)\)\n")


def long_question() -> str:
    head = (f"Bonjour, je m'appelle {NAME}. J'ai déposé une demande d'aide au logement en mars et "
            "je n'ai toujours pas de réponse. ")
    filler = ("Je vous détaille ma situation : mon bail a commencé le 1er mars, le loyer est de "
              "640 euros charges comprises et je vis seule avec deux enfants. ")
    text = head + filler * ((7900 - len(head)) // len(filler) + 1)
    return text[:7900]


def huge_answer() -> str:
    lines = ["Bonjour [NOM_1],", ""]
    n = 0
    while sum(len(line) + 1 for line in lines) < 70_000 - 20:
        n += 1
        lines.append(f"Point {n} : votre dossier d'aide au logement est en cours d'examen ; "
                     "la caisse vous écrira dès que la décision sera prise, [NOM_1].")
    lines.append("Fin du brouillon.")
    return "\n".join(lines)


async def parts_of(agent, room_id, event_id) -> list:
    """Every part of the message replying to ``event_id``, in order."""
    first = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == event_id, timeout=180)
    found = PART_RE.match(first.body)
    assert found and found.group(1) == "1", first.body[:40]
    parts = [first]
    for number in range(2, int(found.group(2)) + 1):
        parts.append(await agent.wait_for(
            room_id, lambda r: notice(r) and r.body.startswith(f"(partie {number}/"), timeout=60))
    return parts


async def test_a_70000_character_draft_reaches_the_agent_in_parts(plume_factory, agent_factory,
                                                                  fake_llm):
    plume = await plume_factory(llm={"max_output_tokens": 20_000})
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    answer = huge_answer()
    assert len(answer) >= 70_000
    fake_llm.reply_with(answer)

    question = long_question()
    q_event = await agent.send_text(room_id, question)
    parts = await parts_of(agent, room_id, q_event)

    assert len(parts) >= 2
    text = "".join(PART_RE.sub("", p.body, count=1) for p in parts)
    assert text.startswith("Brouillon v1")
    assert f"Bonjour {NAME}," in text and "Fin du brouillon." in text  # whole, values put back
    assert "[NOM_1]" in text  # the text sent to the model, in placeholder form
    await buttons(agent, room_id, parts[-1].event_id)  # the buttons end the message

    await agent.react(room_id, parts[-1].event_id, messages.APPROVE)
    final = await parts_of(agent, room_id, parts[-1].event_id)
    assert "Brouillon approuvé" in final[0].body and "Fin du brouillon." in final[-1].body
    assert "decision.approved" in plume.audit_kinds()


async def test_an_event_the_homeserver_refuses_as_too_large_is_not_retried(
        plume_factory, agent_factory, fake_llm, monkeypatch):
    plume = await plume_factory(llm={"max_output_tokens": 20_000})
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    monkeypatch.setattr("bot.event_size.fits", lambda content: True)  # send it whole: Synapse refuses
    fake_llm.reply_with(huge_answer())

    q_event = await agent.send_text(room_id, long_question())
    told = await agent.wait_for(room_id, lambda r: notice(r) and r.reply_to == q_event, timeout=180)
    assert "n'a pas pu être affiché" in told.body and "🔄" in told.body
    await buttons(agent, room_id, told.event_id, keys=(messages.REGENERATE,))

    store = plume.bot.store
    question = store.question_for_event(q_event)
    assert question.status == "failed"
    assert store.undelivered_drafts(utc_now() + timedelta(days=1)) == []  # nothing to post again
    assert "draft.failed" in plume.audit_kinds(question.id)
