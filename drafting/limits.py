"""Protection of the LLM service: an adaptive concurrency limit and a circuit breaker.

``AdaptiveLimit`` bounds the LLM calls in flight with AIMD, as TCP does with its window:
the limit starts at ``max_limit`` (``llm.max_concurrency``), is halved when the service says it is
overloaded (HTTP 429, 529 or 503, seen on any attempt, the SDK's own retries included; at most
once per window of calls, so one burst of refusals halves it once), and grows back by one per
``limit`` successful calls. A ``retry-after`` (or ``retry-after-ms``) header holds every new call
until it has passed (capped at ``MAX_PAUSE_S``). Waiting calls start in arrival order.

``CircuitBreaker`` stops calling a service that is down: after ``failures`` consecutive failures of
a kind in ``TRIP_KINDS`` (timeout, connection, server error) it opens, and calls fail at once with
``DraftError("unavailable")`` for ``cooldown_s`` seconds. Then one trial call goes through
(half-open) while the others still fail fast; its success closes the breaker, its failure opens it
again. Any answer from the service (even a 400 or a 429) counts as the service being up.

``LLMGuard`` puts both around one call; ``observe_response`` is the HTTP response hook that feeds
the limit of the call running in the current asyncio task. Own code rather than a library: the
circuit-breaker packages for asyncio let every waiting call through when half-open, and none
adapts a concurrency limit.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from drafting.base import DraftError

OVERLOAD_STATUSES = frozenset({429, 503, 529})
TRIP_KINDS = frozenset({"timeout", "connection", "server"})
MAX_PAUSE_S = 60.0

Clock = Callable[[], float]


def retry_after_s(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date).

    None when absent, unreadable or not positive.
    """
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            seconds = float(value) / 1000
        except ValueError:
            seconds = math.nan
    else:
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return seconds if seconds > 0 else None


class AdaptiveLimit:
    """AIMD bound on concurrent calls (see the module docstring).

    ``limit`` (int, >= ``min_limit``) is the current bound, ``in_flight`` the calls holding a slot,
    ``waiting`` the calls queued for one; ``paused_for()`` the seconds left of a ``retry-after``.
    """

    def __init__(self, max_limit: int = 32, *, min_limit: int = 1, decrease: float = 0.5,
                 clock: Clock = time.monotonic) -> None:
        if not 1 <= min_limit <= max_limit:
            raise ValueError("need 1 <= min_limit <= max_limit")
        self.max_limit, self.min_limit, self.decrease = max_limit, min_limit, decrease
        self.clock = clock
        self.in_flight = 0
        self._limit = float(max_limit)
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._paused_until = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._started = 0  # calls started so far; a slot's ticket is its ordinal
        self._window = 0  # calls started when the limit was last decreased

    @property
    def limit(self) -> int:
        return max(self.min_limit, int(self._limit))

    @property
    def waiting(self) -> int:
        return sum(1 for w in self._waiters if not w.done())

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self.clock())

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        """Hold one slot for the block; yields the call's ticket (for ``overloaded``)."""
        await self._acquire()
        self._started += 1
        try:
            yield self._started
        finally:
            self.in_flight -= 1
            self._wake()

    def overloaded(self, ticket: int, retry_after: float | None = None) -> None:
        """The service refused call ``ticket`` as overloaded; ``retry_after`` in seconds."""
        if retry_after:
            self._paused_until = max(self._paused_until, self.clock() + min(retry_after, MAX_PAUSE_S))
        if ticket > self._window:  # first refusal of a call started since the last decrease
            self._limit = max(float(self.min_limit), self._limit * self.decrease)
            self._window = self._started

    def succeeded(self) -> None:
        """A call got its answer: grow the limit by one per ``limit`` successes."""
        if self._limit < self.max_limit:
            self._limit = min(float(self.max_limit), self._limit + 1 / self._limit)
        self._wake()

    def _can_start(self) -> bool:
        return self.in_flight < self.limit and self.paused_for() == 0

    async def _acquire(self) -> None:
        if not self._waiters and self._can_start():
            self.in_flight += 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._wake()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # granted, then cancelled: give it back
                self.in_flight -= 1
                self._wake()
            raise

    def _wake(self) -> None:
        while self._waiters and self._can_start():
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.in_flight += 1
                waiter.set_result(None)
        pause = self.paused_for()
        if self._waiters and pause and self._timer is None:
            def resume() -> None:
                self._timer = None
                self._wake()

            self._timer = asyncio.get_running_loop().call_later(pause, resume)


class CircuitBreaker:
    """Fails calls fast while the service is known to be down (see the module docstring).

    ``state`` is ``closed``, ``open`` or ``half_open`` (a trial call is running).
    """

    def __init__(self, failures: int = 5, cooldown_s: float = 30.0, *,
                 clock: Clock = time.monotonic) -> None:
        self.failures, self.cooldown_s, self.clock = failures, cooldown_s, clock
        self.consecutive = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half_open" if self._trial else "open"

    def check(self) -> None:
        """Raise DraftError("unavailable") while open and cooling down, or while a trial runs."""
        if self._opened_at is None:
            return
        left = self._opened_at + self.cooldown_s - self.clock()
        if self._trial or left > 0:
            raise DraftError("unavailable", f"circuit open after {self.consecutive} consecutive "
                                            f"failures, next trial in {max(left, 0):.0f} s")

    def admit(self) -> bool:
        """Let a call go (``check`` first); True when it is the half-open trial."""
        self.check()
        if self._opened_at is None:
            return False
        self._trial = True
        return True

    def record(self, kind: str | None, *, trial: bool) -> None:
        """Outcome of an admitted call: None for an answer, else its DraftError kind."""
        if trial:
            self._trial = False
        if kind in TRIP_KINDS:
            self.consecutive += 1
            if self._opened_at is not None or self.consecutive >= self.failures:
                self._opened_at = self.clock()
        else:
            self.consecutive = 0
            self._opened_at = None

    def abandon(self, *, trial: bool) -> None:
        """An admitted call ended without an outcome (cancelled)."""
        if trial:
            self._trial = False


_current: ContextVar[tuple[AdaptiveLimit, int] | None] = ContextVar("plume_llm_slot", default=None)


class LLMGuard:
    """The breaker and the limit around one LLM call::

        async with guard.call():   # may raise DraftError("unavailable") at once
            ...                    # raise DraftError for a failed call
    """

    def __init__(self, max_concurrency: int = 32, *, breaker_failures: int = 5,
                 breaker_cooldown_s: float = 30.0, clock: Clock = time.monotonic) -> None:
        self.limit = AdaptiveLimit(max_concurrency, clock=clock)
        self.breaker = CircuitBreaker(breaker_failures, breaker_cooldown_s, clock=clock)

    @asynccontextmanager
    async def call(self) -> AsyncIterator[None]:
        self.breaker.check()  # fail fast, without queueing for a slot
        async with self.limit.slot() as ticket:
            trial = self.breaker.admit()  # the service may have gone down while we queued
            token = _current.set((self.limit, ticket))
            try:
                yield
            except DraftError as exc:
                self.breaker.record(exc.kind, trial=trial)
                raise
            except BaseException:
                self.breaker.abandon(trial=trial)
                raise
            else:
                self.breaker.record(None, trial=trial)
                self.limit.succeeded()
            finally:
                _current.reset(token)


def observe_response(status: int, headers: Mapping[str, str]) -> None:
    """HTTP response hook: report an overload refusal to the limit of the current call."""
    current = _current.get()
    if current is not None and status in OVERLOAD_STATUSES:
        limit, ticket = current
        limit.overloaded(ticket, retry_after_s(headers))
