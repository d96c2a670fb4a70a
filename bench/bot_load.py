"""Many agents at once: K agents paste a question at the same moment; how long until every draft?

    .venv/bin/python bench/bot_load.py [-k 50] [--delay 2.0] [--singles 3] [--timeout 600]
                                       [--set llm.max_concurrency=8 ...]

Everything runs on loopback: an embedded Synapse, the Plume bot as its own process
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
- the bot's peak RSS (``VmHWM`` of its process).
Checks: every question gets exactly one draft with its buttons (none lost, none duplicated, one
LLM call each),
each draft shows its own agent's synthetic name and phone and no other agent's values, and no
agent's values reached the LLM. Exit status 1 when a check fails or the run times out.

``--set section.field=value`` overrides a configuration field (e.g. for a before/after run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import agent as agent_module  # noqa: E402
from bot.agent import AgentClient  # noqa: E402
from bot.homeserver import EmbeddedSynapse  # noqa: E402
from handlers.messages import DRAFT_BUTTONS  # noqa: E402
from tests.fake_llm import FakeLLMServer  # noqa: E402

MAX_AGENTS = 500
AGENT_SYNC_TIMEOUT_MS = 30_000  # long-poll like Element/Tchap: 50 agents polling each second
                                # would load the homeserver the bot shares the CPU with
MARKER_RE = re.compile(r"BENCH-(\d{3})")
FIRST = ["Camille", "Louise", "Hugo", "Jules", "Manon", "Léa", "Nathan", "Chloé", "Lucas", "Inès",
         "Théo", "Jade", "Louis", "Zoé", "Gabriel", "Alice", "Arthur", "Emma", "Raphaël", "Lina",
         "Adam", "Rose", "Paul", "Anna", "Victor"]
LAST = ["Lefort", "Marchand", "Girardot", "Bessières", "Fontanel", "Delaunay", "Morvan", "Castagné",
        "Perrichon", "Valadier", "Rouquette", "Lambertin", "Chevrier", "Boissonnet", "Dufresnoy",
        "Aubertin", "Vasseur", "Corbière", "Maillard", "Thévenot"]


@dataclass(frozen=True)
class Persona:
    """One agent's synthetic citizen: the values that must come back in that agent's draft only."""

    index: int
    name: str
    phone: str

    @property
    def marker(self) -> str:
        return f"BENCH-{self.index:03d}"

    def question(self) -> str:
        return (f"Bonjour, je m'appelle {self.name}. Je n'ai pas reçu mon allocation logement du "
                f"mois de mars (dossier {self.marker}). Pouvez-vous me rappeler au {self.phone} ? "
                "Merci d'avance.")


def persona(index: int) -> Persona:
    first, last = FIRST[index % len(FIRST)], LAST[(index // len(FIRST) + index) % len(LAST)]
    return Persona(index, f"{first} {last}", f"06 {11 + index // 100:02d} {index % 100:02d} 47 58")


class TimedLLM(FakeLLMServer):
    """The fake LLM answering every call ``delay_s`` late; records calls and the peak in flight."""

    def __init__(self, delay_s: float) -> None:
        super().__init__()
        self.delay_s = delay_s
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls: list[tuple[int | None, float, float]] = []  # (agent index, start, end) in s

    def reset_peak(self) -> None:
        self.max_in_flight = self.in_flight

    async def _handle(self, request, api):
        start = time.time()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
            return await super()._handle(request, api)
        finally:
            self.in_flight -= 1
            found = MARKER_RE.search(await request.text())
            self.calls.append((int(found.group(1)) if found else None, start, time.time()))


@dataclass
class Outcome:
    persona: Persona
    question_ts: int  # ms, homeserver clock
    draft_ts: int | None = None
    draft_body: str = ""
    draft_event_id: str | None = None

    @property
    def latency_s(self) -> float:
        return (self.draft_ts - self.question_ts) / 1000


class BotProcess:
    """``plume run`` in a child process, its log in ``workdir/bot.log``."""

    def __init__(self, config: dict, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.config_path = workdir / "config.yaml"
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        self.env = env
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        log = (self.workdir / "bot.log").open("ab")
        plume = Path(sys.executable).with_name("plume")
        self.proc = await asyncio.create_subprocess_exec(
            str(plume), "run", "-c", str(self.config_path), cwd=self.workdir, env=self.env,
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()

    def peak_rss_mib(self) -> float | None:
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(found.group(1)) / 1024 if found else None

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    async def settle(self, idle_share: float = 0.05, timeout: float = 60.0) -> None:
        """Wait until the bot uses less than ``idle_share`` of a CPU over one second (it has
        handled the set-up's room keys and welcomes), at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = self.cpu_seconds()
            await asyncio.sleep(1.0)
            if self.cpu_seconds() - before < idle_share:
                return

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join((self.workdir / "bot.log").read_text(errors="replace").splitlines()[-lines:])

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


def is_reply_to(event_id: str):
    return lambda r: r.msgtype == "m.notice" and r.reply_to == event_id


async def own_ts(agent: AgentClient, room_id: str, event_id: str, timeout: float = 60) -> int:
    """The homeserver timestamp of an event the agent sent, once its sync has it."""
    async with asyncio.timeout(timeout):
        while True:
            for rec in agent.records(room_id):
                if rec.event_id == event_id:
                    return rec.ts
            await asyncio.sleep(0.05)


async def paste(agent: AgentClient, room_id: str, who: Persona, timeout: float) -> Outcome:
    event_id = await agent.send_text(room_id, who.question())
    outcome = Outcome(who, await own_ts(agent, room_id, event_id))
    try:
        draft = await agent.wait_for(room_id, is_reply_to(event_id), timeout=timeout)
    except TimeoutError:
        return outcome
    outcome.draft_ts, outcome.draft_body, outcome.draft_event_id = draft.ts, draft.body or "", draft.event_id
    return outcome


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


def read_rooms(agents: list[AgentClient], rooms: list[str],
               outcomes: list[Outcome]) -> tuple[int, int]:
    """(notices replying to a pasted question beyond its one draft, drafts lacking one of their
    buttons), read after a settle time."""
    drafts = {o.draft_event_id for o in outcomes if o.draft_event_id}
    extra = missing = 0
    for agent, room_id in zip(agents, rooms):
        records = agent.records(room_id)
        questions = {r.event_id for r in records if r.sender == agent.user_id and r.msgtype == "m.text"}
        replies = Counter(r.reply_to for r in records if r.msgtype == "m.notice" and r.reply_to in questions)
        extra += sum(n - 1 for n in replies.values())
        buttons = defaultdict(set)
        for r in records:
            if r.reaction_key in DRAFT_BUTTONS:
                buttons[r.related_event_id].add(r.reaction_key)
        missing += sum(1 for r in records if r.event_id in drafts and buttons[r.event_id] != set(DRAFT_BUTTONS))
    return extra, missing


def llm_seconds(llm: TimedLLM, index: int, since: float) -> tuple[float, float, float]:
    """(time in the LLM, first call start, last call end) for an agent's calls after ``since``."""
    calls = [(s, e) for i, s, e in llm.calls if i == index and s >= since]
    return sum(e - s for s, e in calls), min(s for s, _ in calls), max(e for _, e in calls)


async def run(args: argparse.Namespace) -> int:
    agent_module.SYNC_TIMEOUT_MS = AGENT_SYNC_TIMEOUT_MS
    people = [persona(i) for i in range(args.k)]
    with tempfile.TemporaryDirectory(prefix="plume-load-") as tmp:
        workdir = Path(tmp)
        hs = EmbeddedSynapse(workdir / "synapse")
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
            print(f"setup     {args.k} agents in encrypted DMs with the bot; LLM delay {args.delay:g} s; "
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
            since = time.time()
            outcomes = await asyncio.gather(*(paste(a, r, p, timeout=args.timeout)
                                              for a, r, p in zip(agents, rooms, people)))
            await asyncio.sleep(args.settle)
            problems = check(outcomes, people, llm, since, *read_rooms(agents, rooms, outcomes))
            peak_rss = plume.peak_rss_mib()

            done = [o for o in outcomes if o.draft_ts is not None]
            report(args, t_single, single_overhead, done, llm, since, peak_rss)
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
            llm.stop_thread()
            await hs.stop()


def report(args, t_single: float, single_overhead: float, done: list[Outcome], llm: TimedLLM,
           since: float, peak_rss: float | None) -> None:
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
    print(f"t_all     first paste to last draft           {t_all:6.2f} s")
    print(f"ratio     t_all / t_single                    {t_all / t_single:6.2f}   (target <= 1.5)")
    print(f"llm       calls in flight at most             {llm.max_in_flight:6d}")
    print(f"overhead  per draft, not waiting the LLM: p50 {pct(overhead, .5) * 1000:6.0f} ms   "
          f"p95 {pct(overhead, .95) * 1000:6.0f} ms   (target p95 <= 150 ms)")
    print(f"          before the LLM call: p50 {pct(before, .5) * 1000:6.0f} ms   "
          f"p95 {pct(before, .95) * 1000:6.0f} ms; after it: p50 {pct(after, .5) * 1000:6.0f} ms   "
          f"p95 {pct(after, .95) * 1000:6.0f} ms")
    print(f"memory    bot peak RSS                        "
          + (f"{peak_rss:6.0f} MiB" if peak_rss is not None else "   n/a"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", type=int, default=50, help="number of agents (default 50)")
    parser.add_argument("--delay", type=float, default=2.0, help="LLM answer delay, s (default 2)")
    parser.add_argument("--singles", type=int, default=3, help="single-agent runs (default 3)")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds to wait after the last draft before counting duplicates")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds an agent waits for its draft (default 600)")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.FIELD=VALUE",
                        help="configuration override, repeatable")
    args = parser.parse_args()
    if not 1 <= args.k <= MAX_AGENTS:
        parser.error(f"-k must be between 1 and {MAX_AGENTS}")
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
