"""Many agents at once: K agents paste a question at the same moment; how long until every draft?

    .venv/bin/python bench/bot_load.py [-k 50] [--delay 2.0] [--singles 3] [--timeout 600]
                                       [--set llm.max_concurrency=8 ...] [--bot-log FILE]
                                       [--homeserver-db {sqlite,postgres}]

Everything runs on loopback: an embedded Synapse (on PostgreSQL when ``--homeserver-db``
says so, on SQLite otherwise), the Plume bot as its own process
(``plume run``, default configuration apart from the homeserver, the database file and the LLM
address), K scripted agents in encrypted DMs with it, and the LLM imitated at the HTTP level
(tests/fake_llm.py) answering every call after a fixed ``--delay`` seconds.

Measured (times are the homeserver's ``origin_server_ts`` of the pasted question and of the
draft that replies to it, so the agents' own work is not counted):
- ``t_single``: one agent alone (median of ``--singles`` runs after an untimed warm-up
  question), the baseline of the ratio;
- per agent latency p50/p95, ``t_all`` (first paste to last draft) and ``t_all / t_single``;
- LLM calls in flight at most, counted at the fake LLM server;
- the bot's overhead per draft: latency minus the time the fake LLM spent on that question's
  call, split into before the call (redaction, queueing) and after it (storing, sending);
- the bot's peak RSS (``VmHWM`` of its process);
- CPU time per question of the bot and of the homeserver (Synapse, plus its PostgreSQL
  backends), from the burst to the last draft: the figures least sensitive to the machine's load;
- the stages of the burst from the bot's log: when the first and the last question were
  redacted, their LLM calls answered and their drafts stored, after the first paste (the first
  redaction, minus a few milliseconds, is when the homeserver handed the pastes to the bot).
Checks: every question gets exactly one draft with its buttons (none lost, none duplicated, one
LLM call each),
each draft shows its own agent's synthetic name and phone and no other agent's values, and no
agent's values reached the LLM. Exit status 1 when a check fails or the run times out.

``--set section.field=value`` overrides a configuration field (e.g. for a before/after run);
``--bot-log FILE`` keeps a copy of the bot's log (it holds no personal values).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.messages.agents import DRAFT_BUTTONS  # noqa: E402
from harness import agent as agent_module  # noqa: E402
from harness.agent import AgentClient  # noqa: E402
from harness.homeserver import EmbeddedSynapse  # noqa: E402
from load_support import (BotProcess, Outcome, Persona, TimedLLM, homeserver_cpu_seconds,  # noqa: E402
                          paste, persona)

MAX_AGENTS = 500
AGENT_SYNC_TIMEOUT_MS = 30_000  # long-poll like Element/Tchap: 50 agents polling each second
                                # would load the homeserver the bot shares the CPU with


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def parse_overrides(items: list[str]) -> dict:
    """``section.field=value`` strings (value parsed as YAML) → nested mapping."""
    out: dict = {}
    for item in items:
        path, _, value = item.partition("=")
        section, _, field = path.partition(".")
        if not (section and field and _):
            raise SystemExit(f"--set {item!r}: expected section.field=value")
        out.setdefault(section, {})[field] = yaml.safe_load(value)
    return out


async def open_dms(agents: list[AgentClient], bot_id: str) -> list[str]:
    """One encrypted DM per agent with the bot; returns once every welcome arrived and every
    agent shared its Megolm session (so the timed pastes are plain sends)."""
    gate = asyncio.Semaphore(10)

    async def one(agent: AgentClient) -> str:
        async with gate:
            room_id = await agent.create_dm(bot_id)
            await agent.wait_joined(room_id, bot_id, timeout=120)
            await agent.wait_for(room_id, lambda r: r.msgtype == "m.notice", timeout=120)
            await agent._prepare_encrypted(room_id)
            return room_id

    return await asyncio.gather(*(one(a) for a in agents))


def check(outcomes: list[Outcome], people: list[Persona], llm: TimedLLM, since: float,
          extra_notices: int, no_buttons: int) -> list[str]:
    """Problems found: lost, duplicated, mixed-up drafts, values that reached the LLM."""
    problems = []
    lost = [o.persona.marker for o in outcomes if o.draft_ts is None]
    if lost:
        problems.append(f"{len(lost)} question(s) without a draft: {', '.join(lost[:10])}")
    if extra_notices:
        problems.append(f"{extra_notices} extra notice(s) replying to a pasted question (duplicates)")
    if no_buttons:
        problems.append(f"{no_buttons} draft(s) without their {len(DRAFT_BUTTONS)} buttons")
    per_agent = [i for i, start, _ in llm.calls if i is not None and start >= since]
    repeated = sorted({i for i in per_agent if per_agent.count(i) > 1})
    if repeated:
        problems.append(f"agents whose question reached the LLM more than once: {repeated[:10]}")
    for o in outcomes:
        if o.draft_ts is None:
            continue
        own = o.persona
        if own.name not in o.draft_body or own.phone not in o.draft_body:
            problems.append(f"{own.marker}: draft lacks its own name or phone")
        others = [p.marker for p in people if p != own
                  and (p.name in o.draft_body or p.phone in o.draft_body or p.marker in o.draft_body)]
        if others:
            problems.append(f"{own.marker}: draft holds values of {', '.join(others[:5])}")
    sent = llm.all_text()
    leaked = [p.marker for p in people if p.name in sent or p.phone in sent]
    if leaked:
        problems.append(f"values of {len(leaked)} agent(s) reached the LLM: {', '.join(leaked[:10])}")
    return problems


def extra_notices(agents: list[AgentClient], rooms: list[str]) -> int:
    """Notices replying to a pasted question beyond its first (duplicated drafts)."""
    extra = 0
    for agent, room_id in zip(agents, rooms):
        records = agent.records(room_id)
        questions = {r.event_id for r in records if r.sender == agent.user_id and r.msgtype == "m.text"}
        replies = Counter(r.reply_to for r in records if r.msgtype == "m.notice" and r.reply_to in questions)
        extra += sum(n - 1 for n in replies.values())
    return extra


async def wait_buttons(agents: list[AgentClient], rooms: list[str], outcomes: list[Outcome],
                       timeout: float) -> tuple[int, int | None]:
    """Wait until every draft has its buttons: (drafts still lacking some after ``timeout``
    seconds, homeserver time in ms of the last button)."""
    deadline = time.monotonic() + timeout
    while True:
        missing, last = 0, None
        for agent, room_id, o in zip(agents, rooms, outcomes):
            if o.draft_event_id is None:
                continue
            keys = {r.reaction_key: r.ts for r in agent.records(room_id)
                    if r.related_event_id == o.draft_event_id and r.reaction_key in DRAFT_BUTTONS}
            if len(keys) < len(DRAFT_BUTTONS):
                missing += 1
            elif keys:
                last = max(last or 0, *keys.values())
        if not missing or time.monotonic() > deadline:
            return missing, last
        await asyncio.sleep(0.2)


def llm_seconds(llm: TimedLLM, index: int, since: float) -> tuple[float, float, float]:
    """(time in the LLM, first call start, last call end) for an agent's calls after ``since``."""
    calls = [(s, e) for i, s, e in llm.calls if i == index and s >= since]
    return sum(e - s for s, e in calls), min(s for s, _ in calls), max(e for _, e in calls)


async def run(args: argparse.Namespace) -> int:
    agent_module.SYNC_TIMEOUT_MS = AGENT_SYNC_TIMEOUT_MS
    people = [persona(i) for i in range(args.k)]
    with tempfile.TemporaryDirectory(prefix="plume-load-") as tmp:
        workdir = Path(tmp)
        hs = EmbeddedSynapse(workdir / "synapse", database=args.homeserver_db)
        llm = TimedLLM(args.delay).start_in_thread()
        plume = None
        agents: list[AgentClient] = []
        try:
            await hs.start()
            bot_password = secrets.token_urlsafe(12)
            bot_id = await hs.register("plume", bot_password)
            config = {
                "matrix": {"homeserver": hs.url, "user_id": bot_id,
                           "store_path": str(workdir / "store")},
                "access": {"allowed_homeservers": [hs.server_name]},
                "llm": {"backend": "anthropic", "base_url": llm.url},
                "storage": {"url": f"sqlite:///{workdir / 'plume.db'}"},
            }
            for section, values in parse_overrides(args.set).items():
                config[section] = {**config.get(section, {}), **values}
            env = {**os.environ, "PLUME_MATRIX_PASSWORD": bot_password,
                   "PLUME_AUDIT_KEY": secrets.token_hex(32), "ANTHROPIC_API_KEY": "sk-bench-dummy"}
            plume = BotProcess(config, workdir, env)
            await plume.start()

            gate = asyncio.Semaphore(10)

            async def new_agent(i: int) -> AgentClient:
                async with gate:
                    password = secrets.token_urlsafe(12)
                    user_id = await hs.register(f"agent{i:03d}", password)
                    return await AgentClient.create(hs.url, user_id, password, workdir / f"agent{i:03d}")

            agents = list(await asyncio.gather(*(new_agent(i) for i in range(args.k))))
            rooms = await open_dms(agents, bot_id)
            await plume.settle()
            print(f"setup     {args.k} agents in encrypted DMs with the bot; Synapse on {args.homeserver_db}; "
                  f"LLM delay {args.delay:g} s; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU")

            # One untimed question first: the bot's first LLM call pays one-time imports.
            if (await paste(agents[0], rooms[0], people[0], timeout=args.timeout)).draft_ts is None:
                raise TimeoutError("warm-up paste: no draft")
            singles = []
            for n in range(args.singles):
                i = n % args.k
                since = time.time()
                o = await paste(agents[i], rooms[i], people[i], timeout=args.timeout)
                if o.draft_ts is None:
                    raise TimeoutError("single paste: no draft")
                singles.append((o.latency_s, o.latency_s - llm_seconds(llm, i, since)[0]))
            t_single = statistics.median(s for s, _ in singles)
            single_overhead = statistics.median(o for _, o in singles)

            await asyncio.sleep(1)
            llm.reset_peak()
            hs_cpu = homeserver_cpu_seconds(hs.pid, hs.postgres_name)
            since, cpu = time.time(), plume.cpu_seconds()
            outcomes = await asyncio.gather(*(paste(a, r, p, timeout=args.timeout)
                                              for a, r, p in zip(agents, rooms, people)))
            cpu = plume.cpu_seconds() - cpu
            hs_cpu = [b - a for a, b in zip(hs_cpu, homeserver_cpu_seconds(hs.pid, hs.postgres_name))]
            no_buttons, last_button = await wait_buttons(agents, rooms, outcomes, min(args.timeout, 120))
            await asyncio.sleep(args.settle)
            problems = check(outcomes, people, llm, since, extra_notices(agents, rooms), no_buttons)
            peak_rss = plume.peak_rss_mib()

            done = [o for o in outcomes if o.draft_ts is not None]
            report(args, t_single, single_overhead, done, llm, since, peak_rss, cpu, last_button, hs_cpu)
            if done:
                stages(plume, since, min(o.question_ts for o in done) / 1000)
            for problem in problems:
                print(f"FAIL      {problem}")
            if not problems:
                print(f"checks    {args.k} drafts with their buttons, none lost or duplicated, each "
                      "with its own agent's values only; no value reached the LLM")
            return 1 if problems else 0
        except BaseException:
            if plume is not None:
                print("--- bot log (tail) ---\n" + plume.log_tail(), file=sys.stderr)
            raise
        finally:
            for agent in agents:
                await agent.close()
            if plume is not None:
                await plume.stop()
                if args.bot_log:
                    shutil.copyfile(workdir / "bot.log", args.bot_log)
            llm.stop_thread()
            await hs.stop()


def report(args, t_single: float, single_overhead: float, done: list[Outcome], llm: TimedLLM,
           since: float, peak_rss: float | None, cpu: float, last_button: int | None,
           hs_cpu: list[float]) -> None:
    if not done:
        print("no draft arrived")
        return
    latencies = [o.latency_s for o in done]
    t_all = (max(o.draft_ts for o in done) - min(o.question_ts for o in done)) / 1000
    overhead, before, after = [], [], []
    for o in done:
        spent, first, last = llm_seconds(llm, o.persona.index, since)
        overhead.append(o.latency_s - spent)
        before.append(first - o.question_ts / 1000)
        after.append(o.draft_ts / 1000 - last)
    print(f"t_single  one agent alone (median of {args.singles})       {t_single:6.2f} s"
          f"   (bot overhead {single_overhead * 1000:.0f} ms)")
    print(f"agents    K = {args.k}: latency p50 {pct(latencies, .5):6.2f} s   "
          f"p95 {pct(latencies, .95):6.2f} s   max {max(latencies):6.2f} s")
    first = min(o.question_ts for o in done)
    print(f"pastes    first to last paste (homeserver time)   {(max(o.question_ts for o in done) - first) / 1000:6.2f} s"
          f"   (first at {first / 1000:.3f}, epoch s)")
    print(f"t_all     first paste to last draft           {t_all:6.2f} s"
          + (f"   (to the last button {(last_button - first) / 1000:.2f} s)" if last_button else ""))
    print(f"ratio     t_all / t_single                    {t_all / t_single:6.2f}   (target <= 1.5)")
    print(f"llm       calls in flight at most             {llm.max_in_flight:6d}")
    print(f"overhead  per draft, not waiting the LLM: p50 {pct(overhead, .5) * 1000:6.0f} ms   "
          f"p95 {pct(overhead, .95) * 1000:6.0f} ms   (target p95 <= 150 ms)")
    print(f"          before the LLM call: p50 {pct(before, .5) * 1000:6.0f} ms   "
          f"p95 {pct(before, .95) * 1000:6.0f} ms; after it: p50 {pct(after, .5) * 1000:6.0f} ms   "
          f"p95 {pct(after, .95) * 1000:6.0f} ms")
    print(f"cpu       bot CPU time per question           {cpu / len(done) * 1000:6.0f} ms   "
          f"(until the last draft; load average {os.getloadavg()[0]:.1f})")
    synapse, backends = (seconds / len(done) * 1000 for seconds in hs_cpu)
    print(f"          homeserver CPU per question         {synapse + backends:6.0f} ms   "
          f"(Synapse {synapse:.0f} ms + its PostgreSQL backends {backends:.0f} ms, same span)")
    print("memory    bot peak RSS                        "
          + (f"{peak_rss:6.0f} MiB" if peak_rss is not None else "   n/a"))


def stages(plume: BotProcess, since: float, first_paste: float) -> None:
    """When the bot logged each stage of the burst, in seconds after the first paste: how long
    the homeserver took to hand the pastes over, and the bot's own stages."""
    parts = []
    for event, label in (("question.redacted", "redacted"), ("llm.drafted", "LLM answered"),
                         ("draft.generated", "draft stored")):
        times = sorted(t - first_paste for t in plume.log_times(event) if t >= since)
        if times:
            parts.append(f"{label} {times[0]:.2f}-{times[-1]:.2f}")
    print("stages    bot log, s after the first paste (first-last): " + "; ".join(parts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", type=int, default=50, help="number of agents (default 50)")
    parser.add_argument("--delay", type=float, default=2.0, help="LLM answer delay, s (default 2)")
    parser.add_argument("--singles", type=int, default=3, help="single-agent runs (default 3)")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds to wait after the last draft before counting duplicates")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds an agent waits for its draft (default 600)")
    parser.add_argument("--bot-log", type=Path, help="copy the bot's log to this file")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.FIELD=VALUE",
                        help="configuration override, repeatable")
    parser.add_argument("--homeserver-db", choices=["sqlite", "postgres"], default="sqlite",
                        help="Synapse's database (default sqlite; postgres measured no better here)")
    args = parser.parse_args()
    if not 1 <= args.k <= MAX_AGENTS:
        parser.error(f"-k must be between 1 and {MAX_AGENTS}")
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
