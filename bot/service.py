"""Wires the bot together and runs it: ``plume run`` and ``plume demo`` both go through here."""

from __future__ import annotations

import asyncio
import signal
import sys
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.access import AccessPolicy
from bot.client import PlumeClient
from bot.config import Config
from bot.logging import configure_logging
from bot.metrics import OpsServer
from bot.events import Incoming
from bot.router import EventRouter
from bot.scheduler import catch_up_summaries, make_scheduler, schedule_daily, schedule_summaries
from drafting import Drafter, make_drafter
from handlers.commands import CommandHandler
from handlers.decisions import DecisionHandler
from handlers.pending import PendingValues
from handlers.questions import QuestionHandler
from handlers.security import handle_audit_command, post_witness
from handlers.summaries import handle_resume_command, post_requested
from redaction import Redactor
from storage.audit import AuditKeyMissing, AuditLog, audit_key_from_env
from storage.db import Database
from storage.store import Store

log = structlog.get_logger("plume.service")

PURGE_TIME = "03:30"  # daily retention purge, local time
REDELIVER_EVERY_S = 30  # how often drafts the homeserver refused are posted again
POST_REQUESTS_EVERY_S = 5  # how often summaries asked for with `plume summary --post` are posted
CATCH_UP_EVERY_S = 30  # how often a missed summary waits for its lead room to be joined


def _staff_commands(config: Config, db: Database, audit: AuditLog, client: PlumeClient) -> dict:
    async def resume(args: list[str], event: Incoming) -> None:
        await handle_resume_command(args, sender=event.sender, room_id=event.room_id, db=db,
                                    config=config, messenger=client, audit=audit)

    async def audit_command(args: list[str], event: Incoming) -> None:
        await handle_audit_command(args, sender=event.sender, room_id=event.room_id,
                                   config=config, audit=audit, messenger=client)

    return {"resume": resume, "audit": audit_command}


@dataclass
class Bot:
    """A wired bot. ``run()`` syncs until ``client.stop()``, with the daily jobs scheduled."""

    config: Config
    db: Database
    audit: AuditLog
    store: Store
    client: PlumeClient
    router: EventRouter
    drafter: Drafter
    ops: OpsServer | None = None  # /metrics and /health, while running with metrics.port set

    async def run(self) -> None:
        scheduler = catch_up = None
        try:
            if self.config.metrics.port is not None:
                self.ops = OpsServer(self.config.metrics, self.db, lambda: self.client.last_sync)
                await self.ops.start()
            scheduler = self._start_scheduler()
            catch_up = asyncio.create_task(self._catch_up())
            await self.client.run(self.router)
        finally:
            if catch_up is not None:
                catch_up.cancel()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if self.ops is not None:
                await self.ops.stop()
            await self.client.close()
            await self.drafter.aclose()

    def _start_scheduler(self) -> AsyncIOScheduler:
        """Daily jobs: team summaries, the audit witness head, the retention purge."""
        config, tz = self.config, ZoneInfo(self.config.summary.timezone)
        scheduler = make_scheduler(config)
        scheduler.start()
        schedule_summaries(scheduler, config=config, db=self.db, messenger=self.client,
                           audit=self.audit)
        if config.security.room:
            schedule_daily(scheduler, "audit:witness", config.security.witness_time, tz,
                           post_witness, self.audit, self.client, config.security.room)
        schedule_daily(scheduler, "audit:purge", PURGE_TIME, tz, asyncio.to_thread,
                       self.audit.purge, config.storage.retention_days)
        scheduler.add_job(self.router.questions.redeliver, "interval", seconds=REDELIVER_EVERY_S,
                          id="drafts:redeliver")
        scheduler.add_job(post_requested, "interval", seconds=POST_REQUESTS_EVERY_S,
                          args=(self.db, config, self.client), kwargs={"audit": self.audit},
                          id="summaries:requested")
        scheduler.add_job(self._catch_up_when_ready, "interval", seconds=CATCH_UP_EVERY_S,
                          id="summaries:catch_up")
        return scheduler

    async def _catch_up(self) -> None:
        """Summaries missed while the bot was down, once the first sync knows the rooms."""
        await self.client.ready.wait()
        await self._catch_up_when_ready()

    async def _catch_up_when_ready(self) -> None:
        """Missed summaries whose lead room the client knows (joined and synced); the others
        wait for the next run, every CATCH_UP_EVERY_S, within ``summary.catch_up_hours``."""
        if self.client.ready.is_set():
            await catch_up_summaries(datetime.now(timezone.utc), config=self.config, db=self.db,
                                     messenger=self.client, audit=self.audit,
                                     room_known=self.client.has_room)


async def build_bot(config: Config, *, redactor: Redactor | None = None) -> Bot:
    """Check secrets, migrate the database, load the redactor, log in.

    Raises AuditKeyMissing, ConfigError (missing LLM key) or RuntimeError (Matrix login), each
    with a French message, before anything is written when a secret is missing.
    """
    key = audit_key_from_env()
    drafter = make_drafter(config.llm)
    PlumeClient.check_credentials(config)
    db = Database(config.storage.url)
    db.migrate()
    audit = AuditLog(db, key)
    store = Store(db, audit)
    access = AccessPolicy(config)
    client = PlumeClient(config, store, access)
    # The redactor (spaCy model) loads in a thread while the client logs in.
    loading = None if redactor else asyncio.create_task(
        asyncio.to_thread(Redactor, config.redaction))
    try:
        await client.login()
    except BaseException:
        await client.close()
        raise
    redactor = redactor or await loading
    pending = PendingValues(redactor, client.fetch_content)
    questions = QuestionHandler(config=config, store=store, redactor=redactor, drafter=drafter,
                                messenger=client, pending=pending)
    decisions = DecisionHandler(store=store, redactor=redactor, messenger=client, pending=pending,
                                questions=questions)
    commands = CommandHandler(store=store, messenger=client, decisions=decisions,
                              staff_commands=_staff_commands(config, db, audit, client))
    router = EventRouter(access=access, store=store, client=client, questions=questions,
                         decisions=decisions, commands=commands)
    return Bot(config, db, audit, store, client, router, drafter)


async def run_bot(config: Config) -> int:
    """``plume run``: run until SIGINT/SIGTERM. Returns the process exit code.

    A ConfigError found while building (e.g. a missing LLM key) propagates to the command line,
    which prints it on one line.
    """
    configure_logging(config.logging)
    try:
        bot = await build_bot(config)
    except (AuditKeyMissing, RuntimeError) as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, bot.client.stop)
    try:
        await bot.run()
    finally:
        bot.db.dispose()
    return 0
