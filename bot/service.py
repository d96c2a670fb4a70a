"""Wires the bot together and runs it: ``plume run`` and ``plume demo`` both go through here."""

from __future__ import annotations

import asyncio
import signal
from contextlib import suppress
from dataclasses import dataclass

import structlog

from bot.access import AccessPolicy
from bot.client import PlumeClient
from bot.config import Config, ConfigError
from bot.logging import configure_logging
from bot.router import EventRouter
from drafting import Drafter, make_drafter
from handlers.commands import CommandHandler
from handlers.decisions import DecisionHandler
from handlers.pending import PendingValues
from handlers.questions import QuestionHandler
from redaction import Redactor
from storage.audit import AuditKeyMissing, AuditLog, audit_key_from_env
from storage.db import Database
from storage.store import Store

log = structlog.get_logger("plume.service")


@dataclass
class Bot:
    """A wired bot. ``run()`` syncs until ``client.stop()``."""

    config: Config
    db: Database
    audit: AuditLog
    store: Store
    client: PlumeClient
    router: EventRouter
    drafter: Drafter

    async def run(self) -> None:
        try:
            await self.client.run(self.router)
        finally:
            await self.client.close()
            await self.drafter.aclose()


async def build_bot(config: Config, *, redactor: Redactor | None = None) -> Bot:
    """Check secrets, migrate the database, load the redactor, log in. Raises on bad setup."""
    key = audit_key_from_env()
    db = Database(config.storage.url)
    db.migrate()
    audit = AuditLog(db, key)
    store = Store(db, audit)
    drafter = make_drafter(config.llm)
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
                              lead_commands={}, security_commands={})
    router = EventRouter(access=access, store=store, client=client, questions=questions,
                         decisions=decisions, commands=commands)
    return Bot(config, db, audit, store, client, router, drafter)


async def run_bot(config: Config) -> int:
    """``plume run``: run until SIGINT/SIGTERM. Returns the process exit code."""
    configure_logging()
    try:
        bot = await build_bot(config)
    except AuditKeyMissing as exc:
        log.error("start.refused", reason=str(exc))
        return 1
    except (ConfigError, RuntimeError, ValueError) as exc:
        log.error("start.failed", reason=str(exc))
        return 1
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, bot.client.stop)
    await bot.run()
    return 0
