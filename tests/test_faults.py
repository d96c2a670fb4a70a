"""Faults survived, on the real homeserver: Synapse going away and coming back, PostgreSQL
restarted, the bot stopped with SIGTERM mid-draft, new agent devices and rejoined DMs, a start
after the summary time. Each test has its own Synapse (it is stopped and restarted here).
All personal data is invented."""

from __future__ import annotations

import asyncio
import os

import pytest
import pytest_asyncio
from sqlmodel import func, select

from bot.homeserver import EmbeddedSynapse
from storage.models import Draft, Question, utcnow
from tests.fixtures.pg_cluster import throwaway_pg  # noqa: F401  (fixture)
from tests.test_bot_flow import notice, open_dm, paste

pytestmark = pytest.mark.synapse

# The test's outage; bench/faults.py plays the 60 s.
OUTAGE_S = float(os.environ.get("PLUME_TEST_OUTAGE_S", "12"))


@pytest_asyncio.fixture(loop_scope="session")
async def synapse(tmp_path):
    """A homeserver of this test alone (overrides the session's), so it can be stopped."""
    hs = EmbeddedSynapse(tmp_path / "synapse")
    await hs.start()
    try:
        yield hs
    finally:
        await hs.stop()


def question(n: int) -> str:
    return f"Bonjour, je suis Maëlys Kervella-{n}. Où en est mon dossier d'aide au logement n°{n} ?"


def counts_per_question(plume) -> dict[str, tuple[int, int]]:
    """event id of each question → (questions stored, drafts stored)."""
    with plume.bot.db.session() as s:
        rows = s.exec(select(Question.event_id, func.count(Draft.id))
                      .join(Draft, Draft.question_id == Question.id, isouter=True)
                      .group_by(Question.event_id)).all()
    return {event_id: (1, drafts) for event_id, drafts in rows}


async def drafts_for(agent, room_id, event_ids, timeout):
    """Wait until each question has a draft reply; return {event id: [replies]} seen so far."""
    for event_id in event_ids:
        await agent.wait_for(room_id, lambda r, e=event_id: notice(r) and r.reply_to == e
                             and r.body.startswith("Brouillon"), timeout=timeout)
    return {e: [r for r in agent.records(room_id) if notice(r) and r.reply_to == e]
            for e in event_ids}


async def test_homeserver_outage_every_question_answered_once(synapse, plume_factory, agent_factory):
    plume = await plume_factory()
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    before, _ = await paste(agent, room_id, question(0))

    await synapse.stop()
    # The agent pastes during the outage; its client sends once the server is back.
    sends = [asyncio.create_task(agent.send_text(room_id, question(n))) for n in (1, 2, 3)]
    await asyncio.sleep(OUTAGE_S)
    await synapse.start()
    during = await asyncio.wait_for(asyncio.gather(*sends), 120)
    after = await agent.send_text(room_id, question(4))

    replies = await drafts_for(agent, room_id, [*during, after], timeout=180)
    assert all(len(rs) == 1 for rs in replies.values()), {e: [r.body[:40] for r in rs]
                                                          for e, rs in replies.items()}
    stored = counts_per_question(plume)
    assert all(stored[e] == (1, 1) for e in [before, *during, after]), stored
    assert plume.bot.store.undelivered_drafts(utcnow()) == []
