"""Faults survived, on the real homeserver: Synapse going away and coming back, PostgreSQL
restarted, the bot stopped with SIGTERM mid-draft, new agent devices and rejoined DMs, a start
after the summary time. Each test has its own Synapse (it is stopped and restarted here).
All personal data is invented."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import signal
import sys
from datetime import datetime, timedelta, timezone

import pytest
import pytest_asyncio
import yaml
from sqlmodel import func, select

from common.clock import utc_now
from handlers.messages import agents as messages
from harness.homeserver import EmbeddedSynapse
from storage.db import Database
from storage.models import Draft, Question
from tests.fixtures.db import TEST_AUDIT_KEY
from tests.fixtures.llm import DUMMY_API_KEY, fake_llm_config
from tests.fixtures.pg_cluster import throwaway_pg  # noqa: F401  (fixture)
from tests.bot.test_bot_flow import notice, open_dm, paste

pytestmark = pytest.mark.synapse

# The test's outage; bench/fault_outage.py plays the 60 s.
OUTAGE_S = float(os.environ.get("PLUME_TEST_OUTAGE_S", "12"))
DB_OUTAGE_S = 8.0


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


async def test_homeserver_outage_every_question_answered_once(synapse, plume_factory, agent_factory,
                                                              fake_llm):
    """The homeserver stops while a draft is being written (its send fails) and while the agent
    pastes more: once it is back, that draft is re-delivered at the reconnection (not at the
    periodic round, which waits for drafts a minute old) and every question has one draft."""
    plume = await plume_factory()
    agent = await agent_factory("agent")
    # Retry like Element (nio's default wait grows to 60 s, bench/README.md).
    agent.client.config = dataclasses.replace(agent.client.config, max_timeout_retry_wait_time=2)
    room_id = await open_dm(agent, plume)
    before, _ = await paste(agent, room_id, question(0))
    fake_llm.delay_next(5.0)
    in_flight = await agent.send_text(room_id, question(5))
    await fake_llm.wait_for_requests(2)

    await synapse.stop()
    # The agent pastes during the outage; its client sends once the server is back.
    sends = [asyncio.create_task(agent.send_text(room_id, question(n))) for n in (1, 2, 3)]
    await asyncio.sleep(OUTAGE_S)
    await synapse.start()
    # Written ~5 s into the outage, the periodic round (drafts a minute old) would post it some
    # 50 s after the return; the reconnection does within seconds.
    await drafts_for(agent, room_id, [in_flight], timeout=20)
    during = await asyncio.wait_for(asyncio.gather(*sends), 120)
    after = await agent.send_text(room_id, question(4))

    replies = await drafts_for(agent, room_id, [*during, after], timeout=180)
    replies[in_flight] = [r for r in agent.records(room_id) if notice(r) and r.reply_to == in_flight]
    assert all(len(rs) == 1 for rs in replies.values()), {e: [r.body[:40] for r in rs]
                                                          for e, rs in replies.items()}
    stored = counts_per_question(plume)
    assert all(stored[e] == (1, 1) for e in [before, in_flight, *during, after]), stored
    assert plume.bot.store.undelivered_drafts(utc_now()) == []


@pytest.mark.postgres
async def test_database_restart_loses_nothing(plume_factory, agent_factory, throwaway_pg):
    plume = await plume_factory(storage={"url": throwaway_pg.create_database("plume")})
    agent = await agent_factory("agent")
    room_id = await open_dm(agent, plume)
    before, _ = await paste(agent, room_id, question(0))

    await throwaway_pg.stop()
    during = [await agent.send_text(room_id, question(n)) for n in (1, 2)]
    await asyncio.sleep(DB_OUTAGE_S)  # the bot meets the closed database meanwhile
    await throwaway_pg.start()
    after = await agent.send_text(room_id, question(3))

    replies = await drafts_for(agent, room_id, [*during, after], timeout=120)
    assert all(len(rs) == 1 for rs in replies.values())
    stored = counts_per_question(plume)
    assert all(stored[e] == (1, 1) for e in [before, *during, after]), stored
    assert plume.bot.audit.verify().ok


class PlumeProcess:
    """``plume run`` as a child process (its stderr in ``workdir/plume-<n>.log``)."""

    def __init__(self, config: dict, workdir, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.config_path = workdir / "config.yaml"
        self.config = config
        self.config_path.write_text(yaml.safe_dump(config))
        self.env = {**os.environ, **env}
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0

    @property
    def log_path(self):
        return self.workdir / f"plume-{self.runs}.log"

    def log_text(self, run: int | None = None) -> str:
        return (self.workdir / f"plume-{run or self.runs}.log").read_text(errors="replace")

    async def start(self) -> None:
        self.runs += 1
        with self.log_path.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", "from bot.cli import main; main()", "run", "-c",
                str(self.config_path), env=self.env, stdin=asyncio.subprocess.DEVNULL,
                stdout=log, stderr=log)
        while "matrix.ready" not in self.log_path.read_text(errors="replace"):
            if self.proc.returncode is not None:
                raise RuntimeError(f"plume run exited {self.proc.returncode}:\n{self.log_text()}")
            await asyncio.sleep(0.2)

    async def terminate(self, timeout: float) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), timeout)

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


@pytest_asyncio.fixture(loop_scope="session")
async def plume_process(synapse, new_user, fake_llm, tmp_path):
    """A ``plume run`` child process on this test's Synapse and the fake LLM (not started)."""
    bot_id, password = await new_user("plume")
    config = {
        "matrix": {"homeserver": synapse.url, "user_id": bot_id, "store_path": str(tmp_path / "store")},
        "access": {"allowed_homeservers": [synapse.server_name]},
        "llm": fake_llm_config(fake_llm, timeout_s=60, max_retries=0).model_dump(),
        "storage": {"url": f"sqlite:///{tmp_path / 'plume.db'}"},
    }
    process = PlumeProcess(config, tmp_path, {
        "PLUME_MATRIX_PASSWORD": password, "PLUME_AUDIT_KEY": TEST_AUDIT_KEY.decode(),
        "ANTHROPIC_API_KEY": DUMMY_API_KEY})
    process.user_id = bot_id
    yield process
    await process.kill()


async def test_sigterm_mid_draft_stops_fast_and_loses_nothing(plume_process, agent_factory, fake_llm):
    """Three agents' drafts under way (one finishes within the stop grace) and one question still
    queued behind its room's first: all answered exactly once after the restart."""
    await plume_process.start()
    agents = [await agent_factory("agent") for _ in range(3)]
    rooms = [await open_dm(agent, plume_process) for agent in agents]
    fake_llm.delay_next(1.0)
    fake_llm.delay_next(50.0, times=2)
    pasted = [[await agent.send_text(room, question(n))] for n, (agent, room) in enumerate(zip(agents, rooms))]
    pasted[0].append(await agents[0].send_text(rooms[0], question(9)))  # queued behind the first
    while len(fake_llm.requests) < 3:
        await asyncio.sleep(0.1)

    assert await plume_process.terminate(timeout=10) == 0  # stopped within 10 s
    await plume_process.start()
    for agent, room, events in zip(agents, rooms, pasted):
        replies = await drafts_for(agent, room, events, timeout=120)
        assert all(len(rs) == 1 for rs in replies.values()), {e: len(rs) for e, rs in replies.items()}
    assert await plume_process.terminate(timeout=10) == 0
    db = Database(plume_process.config["storage"]["url"])
    with db.session() as s:
        rows = s.exec(select(Question.event_id, func.count(Draft.id))
                      .join(Draft, Draft.question_id == Question.id).group_by(Question.event_id)).all()
    db.dispose()
    assert sorted(rows) == sorted((e, 1) for events in pasted for e in events)
    resumed = re.search(r"resumed_on_restart=(\d+)", plume_process.log_text(run=1))
    assert resumed and int(resumed.group(1)) >= 2  # the two slow drafts were really cut short


async def test_started_after_summary_time_posts_the_day_once(new_user, plume_factory, agent_factory):
    """A fresh store, the lead room only an invite when the bot starts: the catch-up summary goes
    out once the room is joined, and a restart does not post it again."""
    account = await new_user("plume")
    lead = await agent_factory("lead")
    lead_room = await lead.create_room([account[0]], encrypted=True, name="Chefs")
    earlier = (datetime.now(timezone.utc) - timedelta(minutes=5)).strftime("%H:%M")
    plume = await plume_factory(
        account=account, summary={"time": earlier, "timezone": "UTC", "catch_up_hours": 6},
        teams=[{"name": "equipe-test", "lead_room": lead_room, "leads": [lead.user_id]}])
    first = await lead.wait_for(lead_room, lambda r: notice(r) and r.body.startswith("Résumé Plume"),
                                timeout=120)
    await plume.restart()
    await plume.bot.router.questions.redeliver()  # a full sync round after the restart's catch-up
    await plume.stop()
    end = await lead.send_text(lead_room, "fin du test")  # a later event: all before is synced
    while not any(r.event_id == end for r in lead.records(lead_room)):
        await asyncio.sleep(0.2)
    summaries = [r for r in lead.records(lead_room) if notice(r) and r.body.startswith("Résumé Plume")]
    assert [s.event_id for s in summaries] == [first.event_id]
    assert plume.audit_kinds().count("summary.posted") == 1


async def test_llm_down_every_agent_told_at_once_and_retry_works_after(plume_factory, agent_factory,
                                                                       fake_llm):
    """While the LLM answers only 503 (down behind its proxy), two failed drafts open the circuit
    breaker (529 "overloaded" would not: the service is up); the next agents
    are told in French at once and the LLM receives no request while it is open. Once it is back
    and the cool-down is over, 🔄 drafts each question once, one LLM request each."""
    cooldown_s = 20.0  # well beyond the two notices below, so no half-open trial goes out
    plume = await plume_factory(llm={"breaker_failures": 2, "breaker_cooldown_s": cooldown_s})
    agents = [await agent_factory("agent") for _ in range(3)]
    rooms = [await open_dm(agent, plume) for agent in agents]
    fake_llm.fail_next(503, times=1000)  # down until reset

    async def paste_and_fail(agent, room, n, reason):
        event_id = await agent.send_text(room, question(n))
        failed = await agent.wait_for(room, lambda r: notice(r) and r.reply_to == event_id)
        assert reason in failed.body and "🔄" in failed.body, failed.body
        await agent.wait_for(room, lambda r: r.related_event_id == failed.event_id
                             and r.reaction_key == messages.REGENERATE)
        return agent, room, event_id, failed

    loop = asyncio.get_running_loop()
    tried = [await paste_and_fail(agents[0], rooms[0], n, "rencontré une erreur") for n in (0, 1)]
    opened_at, requests_when_open = loop.time(), len(fake_llm.requests)
    assert requests_when_open >= 2
    told = [await paste_and_fail(agent, room, n, "indisponible")
            for n, (agent, room) in enumerate(zip(agents[1:], rooms[1:]), start=2)]
    assert len(fake_llm.requests) == requests_when_open  # nothing reached the LLM while open

    fake_llm.reset()  # back
    await asyncio.sleep(max(0.0, opened_at + cooldown_s - loop.time()) + 0.5)
    for agent, room, event_id, failed in tried + told:  # one at a time: the first is the trial
        await agent.react(room, failed.event_id, messages.REGENERATE)
        draft = await agent.wait_for(room, lambda r, e=event_id: notice(r) and r.reply_to == e
                                     and r.body.startswith("Brouillon"), timeout=90)
        assert draft.body.startswith("Brouillon v1")
    assert len(fake_llm.requests) == len(tried + told)
    stored = counts_per_question(plume)
    assert all(stored[e] == (1, 1) for _a, _r, e, _f in tried + told), stored


async def test_new_agent_device_after_restart_gets_drafts(new_user, plume_factory, agent_factory):
    """The agent's second device, logged in after the bot restarted from its saved sync token,
    pastes in the same DM: the bot reads it (member list fetched, not assumed) and the draft is
    readable on the new device (room keys shared with it)."""
    user_id, password = await new_user("agent")
    plume = await plume_factory()
    first = await agent_factory(user_id=user_id, password=password)
    room_id = await open_dm(first, plume)
    await paste(first, room_id, question(1))

    await plume.restart()
    second = await agent_factory(user_id=user_id, password=password)
    assert second.device_id != first.device_id
    await second.wait_joined(room_id, plume.user_id)
    event_id, draft = await paste(second, room_id, question(2))
    assert draft.body.startswith("Brouillon v1")
    # The first device still reads the bot's drafts too.
    again = await first.wait_for(room_id, lambda r: notice(r) and r.reply_to == event_id
                                 and r.body.startswith("Brouillon"))
    assert again.event_id == draft.event_id
