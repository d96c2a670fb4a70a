"""The composition root: wires the bot together and runs it (``plume run`` and ``plume demo``).

``build_bot`` builds every object once and passes each its collaborators: the store (through
``AsyncStore`` for the handlers), the redactor, the drafter and the Matrix client as Messenger.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from contextlib import suppress
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy.exc import SQLAlchemyError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.client import PlumeClient
from bot.config import Config, ConfigError
from bot.logging import configure_logging
from bot.metrics import OpsServer
from bot.router import EventRouter
from bot.scheduler import catch_up_summaries, make_scheduler, schedule_daily, schedule_summaries
from bot.session import check_credentials
from bot.sources import bot_knowledge
from common.clock import utc_now
from common.config import MissingSecret
from drafting import Drafter, make_drafter
from handlers.access import AccessPolicy
from handlers.commands import CommandHandler
from handlers.decisions import DecisionHandler
from handlers.messages.security import audit_key_missing
from handlers.pending import PendingValues
from handlers.profile import ProfileHandler
from handlers.questions import QuestionHandler
from handlers.security import SecurityHandler
from handlers.sources import Grounding
from handlers.summaries import SummaryHandler
from redaction import Redactor
from redaction.pool import RedactionPool
from storage.async_store import AsyncStore
from storage.audit import AuditKeyMissing, AuditLog, audit_key_from_env
from storage.db import Database
from storage.store import Store

log = structlog.get_logger("plume.service")

PURGE_TIME = "03:30"  # daily retention purge, local time
REDELIVER_EVERY_S = 30  # how often drafts the homeserver refused are posted again
POST_REQUESTS_EVERY_S = 5  # how often summaries asked for with `plume summary --post` are posted
CATCH_UP_EVERY_S = 30  # how often a missed summary waits for its lead room to be joined
SYNC_TOKEN_KEY = "sync_token"  # bot_state key of the sync token saved after handling


class StoredSyncTokens:
    """The client's sync token, kept in the database (``bot_state``). ``save`` returns at once:
    the writes run off the event loop, one at a time, so an older token never lands over a
    newer one; ``flush()`` waits for the last."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._next: str | None = None
        self._writer: asyncio.Task | None = None

    def load(self) -> str | None:
        return self.store.get_state(SYNC_TOKEN_KEY)

    def save(self, token: str) -> None:
        self._next = token
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        while self._next is not None:
            token, self._next = self._next, None
            try:
                await asyncio.to_thread(self.store.set_state, SYNC_TOKEN_KEY, token)
            except SQLAlchemyError as exc:  # the database is down: the next save writes a newer one
                log.warning("matrix.token_not_saved", error=type(exc).__name__)
                return

    async def flush(self) -> None:
        if self._writer is not None:
            await self._writer


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
    summaries: SummaryHandler
    security: SecurityHandler
    redaction: RedactionPool
    ops: OpsServer | None = None  # /metrics and /health, while running with metrics.port set

    async def run(self) -> None:
        scheduler = None
        tasks: list[asyncio.Task] = []
        try:
            if self.config.metrics.port is not None:
                self.ops = OpsServer(self.config.metrics, self.db, lambda: self.client.last_sync)
                await self.ops.start()
            scheduler = self._start_scheduler()
            tasks = [asyncio.create_task(self._catch_up()),
                     asyncio.create_task(self._redeliver_on_reconnect())]
            await self.client.run(self.router)
        finally:
            for task in tasks:
                task.cancel()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if self.ops is not None:
                await self.ops.stop()
            await self.client.close()
            await self.drafter.aclose()
            self.redaction.close()

    def _start_scheduler(self) -> AsyncIOScheduler:
        """Daily jobs: team summaries, the audit witness head, the retention purge."""
        config, tz = self.config, ZoneInfo(self.config.summary.timezone)
        scheduler = make_scheduler(config)
        scheduler.start()
        schedule_summaries(scheduler, config=config, summaries=self.summaries)
        if config.security.room:
            schedule_daily(scheduler, "audit:witness", config.security.witness_time, tz,
                           self.security.post_witness, config.security.room)
        schedule_daily(scheduler, "audit:purge", PURGE_TIME, tz, asyncio.to_thread,
                       self.audit.purge, config.storage.retention_days)
        scheduler.add_job(self.router.questions.redeliver, "interval", seconds=REDELIVER_EVERY_S,
                          id="drafts:redeliver")
        scheduler.add_job(self.summaries.post_requested, "interval", seconds=POST_REQUESTS_EVERY_S,
                          id="summaries:requested")
        scheduler.add_job(self._catch_up_when_ready, "interval", seconds=CATCH_UP_EVERY_S,
                          id="summaries:catch_up")
        return scheduler

    async def _redeliver_on_reconnect(self) -> None:
        """Drafts the homeserver could not take while it was away are posted again as soon as
        it is back, not at the next REDELIVER_EVERY_S round. Their transaction ids make a race
        with a send still under way harmless (one event)."""
        while True:
            await self.client.reconnected.wait()
            self.client.reconnected.clear()
            try:
                await self.router.questions.redeliver(min_age_s=0)
            except SQLAlchemyError as exc:  # the periodic round tries again
                log.warning("drafts.redeliver_failed", error=type(exc).__name__)

    async def _catch_up(self) -> None:
        """Summaries missed while the bot was down, once the first sync knows the rooms."""
        await self.client.ready.wait()
        await self._catch_up_when_ready()

    async def _catch_up_when_ready(self) -> None:
        """Missed summaries whose lead room the client knows (joined and synced); the others
        wait for the next run, every CATCH_UP_EVERY_S, within ``summary.catch_up_hours``."""
        if self.client.ready.is_set():
            await catch_up_summaries(utc_now(), config=self.config, summaries=self.summaries,
                                     room_known=self.client.has_room)


async def build_bot(config: Config, *, redactor: Redactor | None = None) -> Bot:
    """Check secrets, migrate the database, load the redactor, log in.

    Raises AuditKeyMissing, ConfigError (missing LLM key) or RuntimeError (Matrix login, with a
    French message), before anything is written when a secret is missing.
    """
    key = audit_key_from_env()
    drafter = make_drafter(config.llm)
    check_credentials(config.matrix)
    db = Database(config.storage.url)
    db.migrate()
    audit = AuditLog(db, key)
    store = Store(db, audit)
    access = AccessPolicy(config)
    client = PlumeClient(config.matrix, sync_tokens=StoredSyncTokens(store), trusts=access.is_allowed,
                         rooms_to_join=config.staff_rooms)
    # The redactor (spaCy model) loads in a thread while the client logs in.
    loading = None if redactor else asyncio.create_task(
        asyncio.to_thread(Redactor, config.redaction))
    try:
        await client.login()
    except BaseException:
        await client.close()
        raise
    pool = RedactionPool(redactor or await loading, config.redaction.workers)
    handlers_store = AsyncStore(store)
    pending = PendingValues(pool, client.fetch_content, handlers_store.revisions)
    questions = QuestionHandler(config=config, store=handlers_store, redactor=pool,
                                drafter=drafter, messenger=client, pending=pending,
                                max_question_chars=config.redaction.max_question_chars,
                                grounding=Grounding(bot_knowledge(db.engine, pool.sync)))
    decisions = DecisionHandler(store=handlers_store, redactor=pool, messenger=client,
                                pending=pending, questions=questions)
    summaries = SummaryHandler(config=config, store=handlers_store, messenger=client, access=access)
    security = SecurityHandler(config=config, store=handlers_store, messenger=client, access=access)
    commands = CommandHandler(store=handlers_store, messenger=client,
                              owners=[decisions, ProfileHandler(store=handlers_store, messenger=client),
                                      summaries, security])
    router = EventRouter(access=access, store=handlers_store, client=client, questions=questions,
                         decisions=decisions, commands=commands)
    return Bot(config, db, audit, store, client, router, drafter, summaries, security, pool)


def startup_error(exc: Exception) -> str:
    """The operator's French line for a start-up failure."""
    if isinstance(exc, AuditKeyMissing):
        return audit_key_missing(exc.kind)
    if isinstance(exc, MissingSecret):
        return f"{exc.field} : la variable d'environnement {exc.variable} est requise"
    return str(exc)


async def run_bot(config: Config) -> int:
    """``plume run``: run until SIGINT/SIGTERM. Returns the process exit code."""
    configure_logging(config.logging)
    try:
        bot = await build_bot(config)
    except (AuditKeyMissing, ConfigError, RuntimeError, ValueError) as exc:
        print(f"erreur : {startup_error(exc)}", file=sys.stderr)
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
