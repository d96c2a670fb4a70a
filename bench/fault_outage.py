"""The homeserver goes away and comes back: does every question pasted meanwhile get exactly one
draft, and how long after the return?

A real Synapse on loopback, the bot in this process (offline réponses types, so no LLM is
involved), K agents in encrypted DMs. Each agent pastes one question before the outage (the
baseline), Q questions while the homeserver is down (their clients send when it is back) and
one after. Prints the bot's reconnection delay, the time until every question has its draft,
the baseline draft time, and the lost and duplicated drafts; exit code 1 if any.

    .venv/bin/python bench/fault_outage.py [--outage-s 60] [--agents 5] [--during 2]
"""

from __future__ import annotations

import argparse
import asyncio
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


async def drafts_of(agent: AgentClient, room_id: str, event_id: str) -> list:
    return [r for r in agent.records(room_id) if r.msgtype == "m.notice" and r.reply_to == event_id
            and (r.body or "").startswith("Brouillon")]


async def main(outage_s: float, k: int, during_n: int) -> int:
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
            user = await hs.register(f"agent{i}", f"pw-{i}")
            agent = await AgentClient.create(hs.url, user, f"pw-{i}", work / f"agent{i}")
            room = await agent.create_dm(bot_id)
            await agent.wait_joined(room, bot_id)
            await agent.wait_for(room, lambda r: r.msgtype == "m.notice")  # welcome
            agents.append(agent)
            rooms.append(room)

        began = time.monotonic()
        before = [await a.send_text(r, question(i, 0)) for i, (a, r) in enumerate(zip(agents, rooms))]
        for a, r, e in zip(agents, rooms, before):
            await a.wait_for(r, lambda x, e=e: x.reply_to == e and (x.body or "").startswith("Brouillon"), 120)
        baseline = time.monotonic() - began

        await hs.stop()
        down_at = time.monotonic()
        sends = [asyncio.create_task(a.send_text(r, question(i, n)))
                 for i, (a, r) in enumerate(zip(agents, rooms)) for n in range(1, during_n + 1)]
        await asyncio.sleep(outage_s)
        await hs.start()
        back_at = time.monotonic()
        print(f"homeserver back at {time.strftime('%H:%M:%S', time.gmtime())} UTC")
        during = await asyncio.gather(*sends)
        while bot.client.last_sync is None or bot.client.last_sync < back_at:
            await asyncio.sleep(0.1)
        reconnect = bot.client.last_sync - back_at
        after = [await a.send_text(r, question(i, 99)) for i, (a, r) in enumerate(zip(agents, rooms))]

        expected = [(agents[i // during_n], rooms[i // during_n], e) for i, e in enumerate(during)]
        expected += list(zip(agents, rooms, after))
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            counts = [len(await drafts_of(a, r, e)) for a, r, e in expected]
            if all(counts):
                break
            await asyncio.sleep(0.5)
        answered = time.monotonic() - back_at
        await asyncio.sleep(5)  # room for a late duplicate
        counts = [len(await drafts_of(a, r, e)) for a, r, e in expected]
    finally:
        bot.client.stop()
        await asyncio.wait_for(bot_task, 60)
        for agent in agents:
            await agent.close()
        await hs.stop()
    lost, duplicated = counts.count(0), sum(c - 1 for c in counts if c > 1)
    print(f"agents={k} questions_during_outage={len(during)} outage_s={back_at - down_at:.1f}")
    print(f"baseline (first drafts, all agents): {baseline:.2f} s")
    print(f"bot reconnected {reconnect:.2f} s after the homeserver was back")
    print(f"all {len(expected)} questions drafted {answered:.2f} s after the return "
          f"(ratio to baseline {answered / baseline:.1f})")
    print(f"lost={lost} duplicated={duplicated}  (bot log: {work / 'plume.log'})")
    return 1 if lost or duplicated else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage-s", type=float, default=60.0)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--during", type=int, default=2, help="questions per agent during the outage")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.outage_s, args.agents, args.during)))
