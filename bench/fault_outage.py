"""The homeserver goes away and comes back: does every question pasted meanwhile get exactly one
draft, and how long after the return?

A real Synapse on loopback, the bot in this process (offline réponses types, so no LLM is
involved), K agents in encrypted DMs plus one "probe" agent. Each agent pastes one question
before the outage (the baseline) and Q questions while the homeserver is down (their clients
send them when it is back); the probe pastes one the moment the homeserver answers again, and
every agent one more after. Prints the bot's first successful sync after the return, the
probe's draft time (the bot's own recovery, end to end), when the agents' clients had sent
their queued questions, when every question had its draft, and the lost and duplicated drafts;
exit code 1 if any.

The agents' clients are matrix-nio's, whose retry wait grows to ``max_timeout_retry_wait_time``
(60 s by default, ~40 s of silence after a 60 s outage); ``--agent-retry-cap-s`` (default 2)
makes them retry like Element, which resends queued messages as soon as its sync is back.

    .venv/bin/python bench/fault_outage.py [--outage-s 60] [--agents 5] [--during 2]
                                           [--agent-retry-cap-s 2]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import parse_config  # noqa: E402
from bot.logging import configure_logging  # noqa: E402
from bot.service import build_bot  # noqa: E402
from harness.agent import AgentClient  # noqa: E402
from harness.homeserver import EmbeddedSynapse  # noqa: E402


def question(agent: int, n: int) -> str:
    return f"Bonjour, je suis Maëlys Kervella. Où en est ma demande d'aide au logement n°{agent}-{n} ?"


def is_draft_of(event_id: str):
    return lambda r: (r.msgtype == "m.notice" and r.reply_to == event_id
                      and (r.body or "").startswith("Brouillon"))


async def first_sync_after(client, since: float) -> float:
    """The monotonic time of the bot's first successful sync after ``since`` (polled every 20 ms)."""
    while client.last_sync is None or client.last_sync < since:
        await asyncio.sleep(0.02)
    return client.last_sync


async def completed_at(task: asyncio.Task) -> float:
    await asyncio.wait([task])
    return time.monotonic()


async def open_dm(hs, bot_id: str, work: Path, name: str, retry_cap_s: float):
    user = await hs.register(name, f"pw-{name}")
    agent = await AgentClient.create(hs.url, user, f"pw-{name}", work / name)
    agent.client.config = dataclasses.replace(agent.client.config,
                                              max_timeout_retry_wait_time=retry_cap_s)
    room = await agent.create_dm(bot_id)
    await agent.wait_joined(room, bot_id)
    await agent.wait_for(room, lambda r: r.msgtype == "m.notice")  # welcome
    return agent, room


async def main(outage_s: float, k: int, during_n: int, retry_cap_s: float) -> int:
    work = Path(tempfile.mkdtemp(prefix="plume-outage-"))
    configure_logging(stream=(work / "plume.log").open("w", encoding="utf-8"))
    os.environ.setdefault("PLUME_AUDIT_KEY", secrets.token_hex(32))
    hs = EmbeddedSynapse(work / "synapse")
    await hs.start()
    bot_id = await hs.register("plume", "pw-plume")
    os.environ["PLUME_MATRIX_PASSWORD"] = "pw-plume"
    config = parse_config({
        "matrix": {"homeserver": hs.url, "user_id": bot_id, "store_path": str(work / "store")},
        "access": {"allowed_homeservers": [hs.server_name]},
        "llm": {"backend": "offline"},
        "storage": {"url": f"sqlite:///{work / 'plume.db'}"},
    })
    bot = await build_bot(config)
    bot_task = asyncio.create_task(bot.run())
    await bot.client.ready.wait()
    agents, rooms = [], []
    try:
        for i in range(k):
            agent, room = await open_dm(hs, bot_id, work, f"agent{i}", retry_cap_s)
            agents.append(agent)
            rooms.append(room)
        prober, probe_room = await open_dm(hs, bot_id, work, "probe", retry_cap_s)

        began = time.monotonic()
        before = [await a.send_text(r, question(i, 0)) for i, (a, r) in enumerate(zip(agents, rooms))]
        for a, r, e in zip(agents, rooms, before):
            await a.wait_for(r, is_draft_of(e), 120)
        baseline = time.monotonic() - began

        await hs.stop()
        down_at = time.monotonic()
        sends = [asyncio.create_task(a.send_text(r, question(i, n)))
                 for i, (a, r) in enumerate(zip(agents, rooms)) for n in range(1, during_n + 1)]
        await asyncio.sleep(outage_s)
        await hs.start()
        back_at = time.monotonic()
        print(f"homeserver back at {time.strftime('%H:%M:%S', time.gmtime())} UTC")
        first_sync = asyncio.create_task(first_sync_after(bot.client, back_at))
        sent_at = [asyncio.create_task(completed_at(s)) for s in sends]
        probe = await prober.send_text(probe_room, question(k, 0))  # pasted at the return
        await prober.wait_for(probe_room, is_draft_of(probe), 120)
        probe_drafted = time.monotonic() - back_at
        during = await asyncio.gather(*sends)
        reconnect = await first_sync - back_at
        agents_sent = max(await asyncio.gather(*sent_at)) - back_at
        after = [await a.send_text(r, question(i, 99)) for i, (a, r) in enumerate(zip(agents, rooms))]

        expected = [(agents[i // during_n], rooms[i // during_n], e) for i, e in enumerate(during)]
        expected += list(zip(agents, rooms, after)) + [(prober, probe_room, probe)]

        def drafts(a, r, e) -> int:
            return sum(1 for rec in a.records(r) if is_draft_of(e)(rec))

        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not all(drafts(*x) for x in expected):
            await asyncio.sleep(0.5)
        answered = time.monotonic() - back_at
        await asyncio.sleep(5)  # room for a late duplicate
        counts = [drafts(*x) for x in expected]
    finally:
        bot.client.stop()
        await asyncio.wait_for(bot_task, 60)
        for agent in agents + [prober]:
            await agent.close()
        await hs.stop()
    lost, duplicated = counts.count(0), sum(c - 1 for c in counts if c > 1)
    print(f"agents={k} questions_during_outage={len(during)} outage_s={back_at - down_at:.1f} "
          f"agent_retry_cap_s={retry_cap_s:g}")
    print(f"baseline (first drafts, all agents): {baseline:.2f} s")
    print(f"bot's first successful sync: {reconnect:.2f} s after the homeserver was back")
    print(f"question pasted at the return drafted: {probe_drafted:.2f} s after the return")
    print(f"agents' clients had sent their queued questions: {agents_sent:.2f} s after the return")
    print(f"all {len(expected)} questions drafted: {answered:.2f} s after the return "
          f"(ratio to baseline {answered / baseline:.1f})")
    print(f"lost={lost} duplicated={duplicated}  (bot log: {work / 'plume.log'})")
    return 1 if lost or duplicated else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage-s", type=float, default=60.0)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--during", type=int, default=2, help="questions per agent during the outage")
    parser.add_argument("--agent-retry-cap-s", type=float, default=2.0,
                        help="longest retry wait of the agents' clients (nio's default: 60)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.outage_s, args.agents, args.during, args.agent_retry_cap_s)))
