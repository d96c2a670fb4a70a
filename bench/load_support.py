"""The pieces of bench/bot_load.py: each agent's synthetic citizen, the fake LLM with a fixed
delay that counts calls in flight, the bot as a child process, one timed paste."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from harness.agent import AgentClient
from tests.fake_llm import FakeLLMServer

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
        return _cpu_seconds(self.proc.pid)

    async def settle(self, idle_share: float = 0.05, timeout: float = 60.0) -> None:
        """Wait until the bot uses less than ``idle_share`` of a CPU over one second (it has
        handled the set-up's room keys and welcomes), at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = self.cpu_seconds()
            await asyncio.sleep(1.0)
            if self.cpu_seconds() - before < idle_share:
                return

    def log_times(self, event: str) -> list[float]:
        """Epoch seconds of the bot's log lines for ``event`` (e.g. ``question.redacted``): the
        ISO timestamp that opens each line of the default (console) log format."""
        times = []
        for line in (self.workdir / "bot.log").read_text(errors="replace").splitlines():
            stamp, _, rest = line.partition(" ")
            if f"] {event} " in rest:
                try:
                    times.append(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
                except ValueError:
                    continue
        return times

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


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def homeserver_cpu_seconds(pid: int, postgres_name: str | None) -> tuple[float, float]:
    """CPU seconds used so far by Synapse (``pid``) and, on PostgreSQL, by the server's
    backends connected to its database ``postgres_name`` (found by their process title)."""
    total = 0.0
    if postgres_name:
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and f" {postgres_name} ".encode() in (proc / "cmdline").read_bytes():
                    total += _cpu_seconds(int(proc.name))
            except OSError:
                continue
    return _cpu_seconds(pid), total


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
