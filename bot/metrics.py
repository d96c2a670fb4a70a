"""The operations endpoint: ``/metrics`` (Prometheus text format) and ``/health``, on aiohttp.

Off unless ``metrics.port`` is set; bind it to loopback (``metrics.host``, default 127.0.0.1) and
let the local Prometheus agent or systemd watchdog scrape it. The metrics are those of
``handlers.metrics`` plus prometheus-client's process and Python collectors.

``GET /health`` answers 200 when the bot synced with the homeserver less than
``metrics.health_max_sync_age_s`` seconds ago and the database answers ``SELECT 1``, else 503;
the body is ``{"status": "ok"|"unavailable", "last_sync_s": float|null, "database": bool}``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Callable

import structlog
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, MetricsConfig
from storage.db import Database

log = structlog.get_logger("plume.metrics")

DB_CHECK_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Health:
    last_sync_s: float | None  # seconds since the last successful sync; None: never synced
    database: bool
    max_sync_age_s: float

    @property
    def ok(self) -> bool:
        return self.database and self.last_sync_s is not None and self.last_sync_s < self.max_sync_age_s

    def to_json(self) -> dict:
        age = None if self.last_sync_s is None else round(self.last_sync_s, 1)
        return {"status": "ok" if self.ok else "unavailable", "last_sync_s": age,
                "database": self.database}


def database_answers(db: Database) -> bool:
    """Whether ``SELECT 1`` succeeds on ``db`` (blocking: call it in a thread)."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


async def check_health(db: Database, last_sync: float | None, max_sync_age_s: float) -> Health:
    """``last_sync``: ``time.monotonic()`` of the last successful sync, or None."""
    try:
        database = await asyncio.wait_for(asyncio.to_thread(database_answers, db), DB_CHECK_TIMEOUT_S)
    except asyncio.TimeoutError:
        database = False
    age = None if last_sync is None else time.monotonic() - last_sync
    return Health(age, database, max_sync_age_s)


class OpsServer:
    """Serves ``/metrics`` and ``/health``. ``last_sync`` is read at each health request."""

    def __init__(self, cfg: MetricsConfig, db: Database, last_sync: Callable[[], float | None]) -> None:
        self.cfg = cfg
        self.db = db
        self.last_sync = last_sync
        self.port: int | None = None  # the bound port, known after start() (cfg.port may be 0)
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/health", self._health)
        self._runner = web.AppRunner(app, access_log=None)

    async def start(self) -> None:
        """Bind ``cfg.host:cfg.port``. Raises ConfigError when that address cannot be bound."""
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.cfg.host, self.cfg.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise ConfigError(f"metrics.port: cannot listen on {self.cfg.host}:{self.cfg.port} "
                              f"({exc.strerror or exc})") from None
        self.port = self._runner.addresses[0][1]
        log.info("metrics.listening", host=self.cfg.host, port=self.port)

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _metrics(self, _request: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _health(self, _request: web.Request) -> web.Response:
        health = await check_health(self.db, self.last_sync(), self.cfg.health_max_sync_age_s)
        return web.json_response(health.to_json(), status=200 if health.ok else 503)
