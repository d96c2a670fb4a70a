"""The adaptive LLM concurrency limit and the circuit breaker (drafting.limits), and the bound on
an answer's length, through the real SDK code paths against the fake LLM HTTP server. Time is a
fake clock where cool-downs matter."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from drafting import DraftError, make_drafter
from drafting.limits import AdaptiveLimit, retry_after_s
from handlers.messages.agents import draft_error
from tests.fixtures.llm import fake_llm_config

QUESTION = "Bonjour, je suis [NOM_1]. Je n'ai pas reçu mon allocation de mars, que faire ?"
BACKENDS = ["anthropic", "openai"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def make(fake_llm, llm_env):
    drafters = []

    def build(backend: str = "anthropic", clock: FakeClock | None = None, **overrides):
        settings = {"max_retries": 0, **overrides}
        drafter = make_drafter(fake_llm_config(fake_llm, backend, **settings))
        if clock is not None:
            drafter.guard.limit.clock = drafter.guard.breaker.clock = clock
        drafters.append(drafter)
        return drafter

    yield build
    for drafter in drafters:
        await drafter.aclose()


async def fails(drafter) -> DraftError:
    with pytest.raises(DraftError) as info:
        await drafter.draft(QUESTION)
    return info.value


# -- retry-after ----------------------------------------------------------------------------

def test_retry_after_headers_are_read_in_every_form():
    now = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
    assert retry_after_s({"retry-after-ms": "250"}) == 0.25
    assert retry_after_s({"retry-after": "7"}) == 7.0
    assert retry_after_s({"retry-after": format_datetime(now + timedelta(seconds=30), usegmt=True)},
                         now) == 30.0
    assert retry_after_s({"retry-after-ms": "40", "retry-after": "9"}) == 0.04
    for bad in ({}, {"retry-after": "bientôt"}, {"retry-after": "-3"}, {"retry-after": "0"}):
        assert retry_after_s(bad) is None


@pytest.mark.parametrize("backend", BACKENDS)
async def test_429_with_retry_after_halves_the_limit_and_holds_new_calls(fake_llm, make, backend):
    clock = FakeClock()
    drafter = make(backend, clock, max_concurrency=8)
    fake_llm.fail_next(status=429, retry_after=7)
    assert (await fails(drafter)).kind == "rate_limited"
    limit = drafter.guard.limit
    assert limit.limit == 4
    assert limit.paused_for() == 7.0
    assert drafter.guard.breaker.state == "closed"  # the service answered: it is up


async def test_a_call_made_during_retry_after_waits_then_goes(fake_llm, make):
    drafter = make(max_concurrency=8)
    fake_llm.fail_next(status=429, retry_after=1)
    await fails(drafter)
    assert drafter.guard.limit.paused_for() > 0
    later = asyncio.create_task(drafter.draft(QUESTION))
    await asyncio.sleep(0)
    assert drafter.guard.limit.waiting == 1 and len(fake_llm.requests) == 1
    result = await later
    assert result.text.startswith("Bonjour [NOM_1],")
    assert [r.status for r in fake_llm.requests] == [429, 200]


async def test_sdk_retry_after_429_still_lowers_the_limit(fake_llm, make):
    drafter = make(max_concurrency=8, max_retries=1)
    fake_llm.fail_next(status=429, retry_after_ms=20)
    result = await drafter.draft(QUESTION)
    assert result.text and [r.status for r in fake_llm.requests] == [429, 200]
    assert drafter.guard.limit.limit == 4


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_burst_of_529_halves_once_per_window(fake_llm, make, backend):
    drafter = make(backend, max_concurrency=8)
    fake_llm.fail_next(status=529, times=4)
    errors = await asyncio.gather(*(fails(drafter) for _ in range(4)))
    assert {e.kind for e in errors} == {"overloaded"}
    assert drafter.guard.limit.limit == 4  # four refusals of one window: one decrease
    fake_llm.fail_next(status=529)
    await fails(drafter)  # a call started after the decrease: decrease again
    assert drafter.guard.limit.limit == 2
    assert drafter.guard.breaker.state == "closed"


async def test_limit_grows_back_by_one_per_window_of_successes(fake_llm, make):
    drafter = make(max_concurrency=8)
    fake_llm.fail_next(status=529)
    await fails(drafter)
    limit = drafter.guard.limit
    assert limit.limit == 4
    seen = []
    for _ in range(40):
        await drafter.draft(QUESTION)
        seen.append(limit.limit)
    assert seen[0] == 4 and seen == sorted(seen)  # additive: no jump, never down
    assert all(b - a <= 1 for a, b in zip(seen, seen[1:]))
    assert seen[-1] == 8  # back to the configured maximum, not beyond


async def test_calls_beyond_the_limit_wait_for_a_slot(fake_llm, make):
    drafter = make(max_concurrency=3, timeout_s=10)
    fake_llm.delay_next(1.0, times=3)
    tasks = [asyncio.create_task(drafter.draft(QUESTION)) for _ in range(6)]
    await fake_llm.wait_for_requests(3)
    limit = drafter.guard.limit
    assert limit.in_flight == 3 and limit.waiting == 3
    results = await asyncio.gather(*tasks)
    assert len(results) == 6 and len(fake_llm.requests) == 6
    assert limit.in_flight == 0 and limit.waiting == 0


async def test_a_cancelled_waiter_gives_its_place_back():
    limit = AdaptiveLimit(1)
    release = asyncio.Event()

    async def hold() -> None:
        async with limit.slot():
            await release.wait()

    first = asyncio.create_task(hold())
    await asyncio.sleep(0)
    second = asyncio.create_task(hold())
    await asyncio.sleep(0)
    assert limit.in_flight == 1 and limit.waiting == 1
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    release.set()
    await first
    assert limit.in_flight == 0 and limit.waiting == 0
    async with limit.slot():  # the slot is free again
        assert limit.in_flight == 1


# -- circuit breaker ------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
async def test_timeouts_open_the_breaker_then_calls_fail_fast(fake_llm, make, backend):
    clock = FakeClock()
    drafter = make(backend, clock, timeout_s=0.2, breaker_failures=2, breaker_cooldown_s=30)
    fake_llm.delay_next(5.0, times=2)
    assert [(await fails(drafter)).kind for _ in range(2)] == ["timeout", "timeout"]
    assert drafter.guard.breaker.state == "open"

    error = await fails(drafter)
    assert error.kind == "unavailable" and error.retryable
    assert "indisponible" in draft_error(error.kind)
    assert len(fake_llm.requests) == 2  # failed without calling the service

    clock.now += 30  # cool-down over: one trial goes through and closes the breaker
    result = await drafter.draft(QUESTION)
    assert result.text and len(fake_llm.requests) == 3
    assert drafter.guard.breaker.state == "closed"


async def test_only_one_trial_when_half_open(fake_llm, make):
    clock = FakeClock()
    drafter = make(clock=clock, timeout_s=1.5, breaker_failures=1, breaker_cooldown_s=30)
    fake_llm.delay_next(5.0)
    assert (await fails(drafter)).kind == "timeout"
    clock.now += 31
    fake_llm.delay_next(1.0)
    trial = asyncio.create_task(drafter.draft(QUESTION))
    await fake_llm.wait_for_requests(2)
    assert drafter.guard.breaker.state == "half_open"
    assert (await fails(drafter)).kind == "unavailable"  # the others still fail fast
    await trial
    assert drafter.guard.breaker.state == "closed"
    assert (await drafter.draft(QUESTION)).text
    assert len(fake_llm.requests) == 3


async def test_a_failed_trial_opens_the_breaker_again(fake_llm, make):
    clock = FakeClock()
    drafter = make(clock=clock, timeout_s=0.2, breaker_failures=1, breaker_cooldown_s=30)
    fake_llm.delay_next(5.0, times=2)
    await fails(drafter)
    clock.now += 30
    assert (await fails(drafter)).kind == "timeout"  # the trial
    assert drafter.guard.breaker.state == "open"
    clock.now += 29
    assert (await fails(drafter)).kind == "unavailable"
    assert len(fake_llm.requests) == 2


async def test_unreachable_service_opens_the_breaker(make, fake_llm):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once closed
    drafter = make(base_url=f"http://127.0.0.1:{port}", breaker_failures=3)
    kinds = [(await fails(drafter)).kind for _ in range(4)]
    assert kinds == ["connection"] * 3 + ["unavailable"]


async def test_answers_of_a_busy_or_refusing_service_do_not_trip(fake_llm, make):
    drafter = make(breaker_failures=2)
    fake_llm.fail_next(status=500)
    fake_llm.fail_next(status=429)
    fake_llm.fail_next(status=500)
    fake_llm.fail_next(status=400)
    fake_llm.fail_next(status=500)
    kinds = [(await fails(drafter)).kind for _ in range(5)]
    assert kinds == ["server", "rate_limited", "server", "bad_request", "server"]
    assert drafter.guard.breaker.state == "closed"  # never two failures of the service in a row
    fake_llm.fail_next(status=502)
    assert (await fails(drafter)).kind == "server"
    assert (await fails(drafter)).kind == "unavailable"


# -- output bound ---------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
async def test_an_answer_beyond_max_output_tokens_is_cut(fake_llm, make, backend):
    drafter = make(backend, max_output_tokens=100)
    fake_llm.reply_with("Madame, Monsieur, " + "votre dossier est en cours. " * 3000)  # ~84,000 chars
    result = await drafter.draft(QUESTION)
    assert fake_llm.requests[0].body["max_tokens"] == 100  # asked of the model, both SDKs
    assert len(result.text) <= 600 and "truncated" in result.notes
