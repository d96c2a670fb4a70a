"""Faults around the agent's DM, on the real homeserver: the agent leaves it (and opens a new
one, or comes back into it), and the database fails between a sent draft and its saved event id.
All personal data is invented."""

from __future__ import annotations

import asyncio
import json

import pytest
from nio import RoomLeaveResponse, RoomPutStateResponse, JoinResponse
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from common.clock import utc_now
from handlers.messages import agents as messages
from storage.audit import ExportFilter
from storage.models import Draft, Question
from tests.bot.test_bot_flow import buttons, notice, open_dm, paste

pytestmark = pytest.mark.synapse


def question(n: int) -> str:
    return f"Bonjour, je suis Maëlys Kervella-{n}. Où en est mon dossier d'aide au logement n°{n} ?"


def audit_events(plume, kind: str) -> list[dict]:
    return [e for e in plume.bot.audit.iter_events(ExportFilter.build()) if e["kind"] == kind]


async def until(check, timeout: float = 60.0):
    """Poll ``check()`` every 0.2 s until it returns a truthy value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (result := check()):
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.2)
    return result


async def synced_past(agent, room_id) -> None:
    """Send a marker and wait until the agent's client has it: all before it is synced."""
    marker = await agent.send_text(room_id, "!aide")
    await until(lambda: any(r.event_id == marker for r in agent.records(room_id)))


def drafts_seen(agent, room_id, question_event: str) -> list:
    return [r for r in agent.records(room_id) if notice(r) and r.reply_to == question_event
            and r.body.startswith("Brouillon")]


async def test_agent_leaves_then_opens_a_new_dm_that_survives_a_restart(plume, agent_factory):
    """The agent leaves with a draft undecided: the bot leaves too (audited, the draft counted),
    a redelivery into the old room fails cleanly; a new DM is accepted, tells the agent once about
    the old draft, drafts readable ones, and still does after a restart from the saved token."""
    agent = await agent_factory("agent")
    old_room = await open_dm(agent, plume)
    old_question, _draft = await paste(agent, old_room, question(1))

    assert isinstance(await agent.client.room_leave(old_room), RoomLeaveResponse)
    await until(lambda: audit_events(plume, "room.left"))
    await until(lambda: not plume.bot.client.has_room(old_room))
    [left] = audit_events(plume, "room.left")
    assert left["actor"] == agent.user_id
    assert json.loads(left["payload"]) == {"reason": "agent_left", "room_id": old_room, "undecided": 1}
    assert plume.bot.store.question_for_event(old_question).status == "drafted"  # still pending

    # A draft of the old room the homeserver had refused: re-delivery gives up, nothing crashes.
    with plume.bot.db.session() as s:
        s.exec(select(Draft).join(Question, Question.id == Draft.question_id)
               .where(Question.event_id == old_question)).one().event_id = None
        s.commit()
    await plume.bot.router.questions.redeliver(min_age_s=0)
    assert plume.bot.store.question_for_event(old_question).status == "failed"
    assert plume.bot.store.undelivered_drafts(utc_now()) == []

    new_room = await open_dm(agent, plume)
    told = await agent.wait_for(new_room, lambda r: notice(r) and "conversation précédente" in r.body)
    assert "1 question restée sans décision" in told.body
    event_id, draft = await paste(agent, new_room, question(2))
    assert draft.body.startswith("Brouillon v1") and draft.encrypted

    await plume.restart()
    event_id, draft = await paste(agent, new_room, question(3))
    assert draft.body.startswith("Brouillon v1") and draft.encrypted
    await buttons(agent, new_room, draft.event_id)
    await synced_past(agent, new_room)
    assert not [r for r in agent.records(new_room) if "conversation précédente" in (r.body or "")
                and r.event_id != told.event_id]  # told once
    assert len(audit_events(plume, "room.left")) == 1
    assert plume.bot.audit.verify().ok


async def test_agent_who_comes_back_into_the_dm_reads_new_drafts(plume, agent_factory):
    """A DM the agent may rejoin (public join rule): while the bot is stopped the agent leaves and
    comes back. After the restart from the saved sync token the bot sees the leave, finds the
    agent joined again on the homeserver, stays, and its next draft is readable by the agent
    (the room key is shared again with the rejoined member)."""
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    resp = await agent.client.room_put_state(room_id, "m.room.join_rules", {"join_rule": "public"})
    assert isinstance(resp, RoomPutStateResponse)
    await paste(agent, room_id, question(1))

    await plume.stop()
    assert isinstance(await agent.client.room_leave(room_id), RoomLeaveResponse)
    assert isinstance(await agent.client.join(room_id), JoinResponse)
    await plume.start()

    event_id, draft = await paste(agent, room_id, question(2))
    assert draft.body.startswith("Brouillon v1") and draft.encrypted
    assert plume.bot.client.has_room(room_id)
    assert audit_events(plume, "room.left") == []


async def test_draft_resent_after_database_failure_is_one_event(plume, agent_factory, monkeypatch):
    """The database fails right after the draft was sent, before its event id is saved: the
    re-delivery sends it again under the same transaction id, and the homeserver keeps one event."""
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    store = plume.bot.store
    real = store.set_draft_event
    failed = []

    def set_draft_event_fails_once(draft, event_id):
        if not failed:
            failed.append(event_id)
            raise OperationalError("UPDATE draft", {}, Exception("database is locked"))
        real(draft, event_id)

    monkeypatch.setattr(store, "set_draft_event", set_draft_event_fails_once)
    event_id, first = await paste(agent, room_id, question(1))
    assert failed == [first.event_id]
    [undelivered] = store.undelivered_drafts(utc_now())
    assert undelivered.question.event_id == event_id

    await plume.bot.router.questions.redeliver(min_age_s=0)
    ref = store.draft_for_event(first.event_id)
    assert ref is not None and ref.question.event_id == event_id, "re-delivered as a second event"
    assert store.undelivered_drafts(utc_now()) == []
    await buttons(agent, room_id, first.event_id)
    await synced_past(agent, room_id)
    assert [r.event_id for r in drafts_seen(agent, room_id, event_id)] == [first.event_id]
    reactions = [r.reaction_key for r in agent.records(room_id) if r.related_event_id == first.event_id]
    assert sorted(reactions) == sorted(messages.DRAFT_BUTTONS)  # each button once
