"""Running the handlers of synced events, so that no event is lost or handled twice.

``HandlerRuns`` gives each event its own task (a room's events in order; the resources
bound themselves: ``redaction.pool``, ``drafting.limits``), re-runs a handler that met an unavailable database (handlers are idempotent by event id),
and saves the sync token of a batch only once every event of it and of the batches before was
dealt with. On stop, handlers under way get ``grace_s`` seconds to finish; the others are
cancelled and their batch's token is not saved, so the next start replays them.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from typing import Awaitable, Callable

import structlog
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bot.ports import SyncTokens
from handlers import metrics

log = structlog.get_logger("plume.matrix")

RETRY_BASE_S, MAX_RETRY_S = 1.0, 30.0  # a handler's attempts while the database is down

Handle = Callable[[], Awaitable[None]]


class Resume(Exception):
    """Raised by a handler that leaves its event for the next start (the bot is stopping)."""


async def sleep_unless(event: asyncio.Event, seconds: float) -> None:
    """Sleep ``seconds``, or less if ``event`` is set meanwhile."""
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except asyncio.TimeoutError:
        pass


def retry_delay(failures: int, base_s: float, cap_s: float) -> float:
    """Seconds to wait after the ``failures``-th failure in a row (1, 2 …): ``base_s`` doubled at
    each failure, capped at ``cap_s``, times a jitter in [0.5, 1] so that what failed together
    does not come back together."""
    return min(base_s * 2 ** min(failures - 1, 32), cap_s) * random.uniform(0.5, 1.0)


class HandlerRuns:
    def __init__(self, *, sync_tokens: SyncTokens, stopping: asyncio.Event) -> None:
        self.sync_tokens = sync_tokens
        self._stopping = stopping
        self._room_locks: dict[str, asyncio.Lock] = {}
        self._batches: deque[tuple[str, list[asyncio.Task[bool]]]] = deque()

    def spawn(self, room_id: str, handle: Handle) -> asyncio.Task[bool]:
        """Run ``handle()`` after the room's earlier events. The task's result
        tells whether the event was dealt with (a crash is logged and counts as dealt with)."""
        lock = self._room_locks.setdefault(room_id, asyncio.Lock())

        async def guarded() -> bool:
            metrics.EVENTS_QUEUED.inc()
            queued = True
            try:
                async with lock:
                    metrics.EVENTS_QUEUED.dec()
                    queued = False
                    return await self._until_database_answers(room_id, handle)
            finally:
                if queued:
                    metrics.EVENTS_QUEUED.dec()

        task = asyncio.create_task(guarded())
        task.add_done_callback(lambda _t: self.save_token())
        return task

    async def _until_database_answers(self, room_id: str, handle: Handle) -> bool:
        failures = 0
        while True:
            try:
                await handle()
                return True
            except Resume:
                return False
            except OperationalError as exc:
                if self._stopping.is_set():
                    log.warning("handler.abandoned", room_id=room_id, error=type(exc).__name__)
                    return False
                failures += 1
                delay = retry_delay(failures, RETRY_BASE_S, MAX_RETRY_S)
                log.warning("handler.database_unavailable", room_id=room_id, retry_in_s=round(delay, 2))
            except Exception:
                log.exception("handler.crashed", room_id=room_id)
                return True
            await sleep_unless(self._stopping, delay)

    def add_batch(self, token: str, tasks: list[asyncio.Task[bool]]) -> None:
        """The tasks spawned for the sync batch that ends at ``token``."""
        self._batches.append((token, tasks))
        self.save_token()

    def save_token(self) -> None:
        """Save the newest token whose batch, and every batch before it, is dealt with. A
        database fault leaves the batches for the next call."""
        handled = 0
        for _token, tasks in self._batches:
            if not all(_dealt_with(t) for t in tasks):
                break
            handled += 1
        if not handled:
            return
        try:
            self.sync_tokens.save(self._batches[handled - 1][0])
        except SQLAlchemyError as exc:
            log.warning("matrix.token_not_saved", error=type(exc).__name__)
            return
        for _ in range(handled):
            self._batches.popleft()

    async def finish(self, grace_s: float) -> None:
        """On stop: let the handlers under way finish for ``grace_s``, cancel the rest."""
        running = [t for _, ts in self._batches for t in ts if not t.done()]
        if running:
            _done, late = await asyncio.wait(running, timeout=grace_s)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
            log.info("matrix.stopped", finished=len(running) - len(late),
                     resumed_on_restart=len(late))
        self.save_token()
        await self.sync_tokens.flush()

    def cancel(self) -> None:
        for _, tasks in list(self._batches):
            for task in tasks:
                task.cancel()


def _dealt_with(task: asyncio.Task[bool]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None and task.result()
