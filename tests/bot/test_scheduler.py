"""The bot's scheduler: job defaults, daily fire times across DST, missed runs, restarts, races.

Clocks are explicit: fire times come from the trigger itself (get_next_fire_time), jobs get a
``clock`` callable, the catch-up gets ``now``. Only one test lets apscheduler fire a job for real.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.scheduler import (catch_up_summaries, due_day, fire_time_on, make_scheduler, run_team_summary,
                           schedule_daily, schedule_summaries)
from handlers.access import AccessPolicy
from handlers.summaries import SummaryHandler
from storage.async_store import AsyncStore
from storage.audit import AuditLog
from storage.store import Store
from storage import reporting
from storage.db import Database
from storage.models import SummarySent
from tests.fixtures.db import race_processes
from tests.fixtures.db import TEST_AUDIT_KEY
from tests.messenger import RecordingMessenger
from tests.summary_support import LEAD_ROOM, add_decision, add_question, make_config, utc

PARIS = ZoneInfo("Europe/Paris")


def handler(db, messenger, cfg=None) -> SummaryHandler:
    cfg = cfg or make_config(db.url)
    return SummaryHandler(config=cfg, store=AsyncStore(Store(db, AuditLog(db, TEST_AUDIT_KEY))),
                          messenger=messenger, access=AccessPolicy(cfg))


def fire_times(trigger, start: datetime, count: int) -> list[datetime]:
    """The next ``count`` fire times from ``start``, as aware UTC."""
    out, previous, now = [], None, start
    for _ in range(count):
        previous = now = trigger.get_next_fire_time(previous, now)
        out.append(previous.astimezone(timezone.utc))
    return out


async def test_job_defaults_apply_to_every_job(sqlite_db):
    cfg = make_config(sqlite_db.url, catch_up_hours=3)
    scheduler = make_scheduler(cfg)
    scheduler.start(paused=True)       # inside the running loop, as the bot does
    try:
        jobs = schedule_summaries(scheduler, config=cfg, summaries=handler(sqlite_db, RecordingMessenger()))
        jobs.append(schedule_daily(scheduler, "audit:witness", "23:55", PARIS, lambda: None))
        assert sorted(j.id for j in scheduler.get_jobs()) == ["audit:witness", "summary:alpha", "summary:beta"]
        for job in scheduler.get_jobs():
            assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (3 * 3600, True, 1)
            assert job.trigger.timezone == PARIS
    finally:
        scheduler.shutdown(wait=False)


async def test_zero_catch_up_still_tolerates_a_busy_loop(sqlite_db):
    scheduler = make_scheduler(make_config(sqlite_db.url, catch_up_hours=0))
    scheduler.start(paused=True)
    try:
        job = schedule_daily(scheduler, "x", "18:00", PARIS, lambda: None)
        assert job.misfire_grace_time == 60
    finally:
        scheduler.shutdown(wait=False)


def test_fire_times_across_march_dst():
    scheduler = make_scheduler(make_config("sqlite://"))
    job = schedule_daily(scheduler, "summary:alpha", "18:00", PARIS, lambda: None)
    times = fire_times(job.trigger, datetime(2026, 3, 27, tzinfo=PARIS), 4)
    assert times == [utc(2026, 3, 27, 17), utc(2026, 3, 28, 17), utc(2026, 3, 29, 16), utc(2026, 3, 30, 16)]
    assert [t.astimezone(PARIS).strftime("%H:%M") for t in times] == ["18:00"] * 4
    assert times[2] - times[1] == timedelta(hours=23)


def test_fire_times_across_october_dst():
    scheduler = make_scheduler(make_config("sqlite://"))
    job = schedule_daily(scheduler, "summary:alpha", "18:00", PARIS, lambda: None)
    times = fire_times(job.trigger, datetime(2026, 10, 23, tzinfo=PARIS), 4)
    assert times == [utc(2026, 10, 23, 16), utc(2026, 10, 24, 16), utc(2026, 10, 25, 17), utc(2026, 10, 26, 17)]
    assert times[2] - times[1] == timedelta(hours=25)


def test_times_inside_the_dst_hours():
    # Spring gap: 02:30 does not exist on Mar 29; the trigger fires once, at 03:30 CEST.
    assert fire_time_on(date(2026, 3, 29), "02:30", PARIS) == utc(2026, 3, 29, 1, 30)
    scheduler = make_scheduler(make_config("sqlite://"))
    spring = schedule_daily(scheduler, "a", "02:30", PARIS, lambda: None).trigger
    assert [t.date() for t in fire_times(spring, datetime(2026, 3, 28, 12, tzinfo=PARIS), 2)] \
        == [date(2026, 3, 29), date(2026, 3, 30)]
    # Autumn repeat: 02:30 happens twice on Oct 25 and apscheduler fires at both.
    autumn = schedule_daily(scheduler, "b", "02:30", PARIS, lambda: None).trigger
    assert fire_times(autumn, datetime(2026, 10, 24, 12, tzinfo=PARIS), 3) \
        == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30), utc(2026, 10, 26, 1, 30)]


async def test_autumn_double_fire_posts_once(sqlite_db):
    """The trigger fires twice in the repeated hour; the (team, day) claim keeps one summary."""
    cfg = make_config(sqlite_db.url, time="02:30")
    add_question(sqlite_db, "q", utc(2026, 10, 24, 22, 30))    # 00:30 CEST on Oct 25
    messenger = RecordingMessenger()
    for fire in (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)):
        await run_team_summary("alpha", config=cfg, summaries=handler(sqlite_db, messenger), clock=lambda f=fire: f)
    [notice] = messenger.notices
    assert "dimanche 25 octobre 2026 (jusqu'à 02:30)" in notice["body"]


@pytest.mark.parametrize("now, hhmm, expected", [
    (utc(2026, 3, 29, 16), "18:00", date(2026, 3, 29)),           # 18:00 CEST, on time
    (utc(2026, 3, 29, 15, 59), "18:00", date(2026, 3, 28)),       # 17:59 CEST: today's not due yet
    (utc(2026, 3, 28, 17), "18:00", date(2026, 3, 28)),           # 18:00 CET
    (utc(2026, 10, 25, 23, 10), "23:55", date(2026, 10, 25)),     # 00:10 CET Oct 26, a late run
    (utc(2026, 10, 25, 22, 55), "23:55", date(2026, 10, 25)),     # 23:55 CET on the 25-hour day
])
def test_due_day(now, hhmm, expected):
    assert due_day(now, hhmm, PARIS) == expected


async def test_scheduler_fires_the_summary_job_in_the_loop(sqlite_db):
    cfg = make_config(sqlite_db.url)
    cfg.teams = cfg.teams[:1]
    add_question(sqlite_db, "q", utc(2026, 3, 10, 9))
    done = asyncio.Event()

    class Notifying(RecordingMessenger):
        async def send_file(self, *args, **kwargs):
            event_id = await super().send_file(*args, **kwargs)
            done.set()
            return event_id

    messenger = Notifying()
    scheduler = make_scheduler(cfg)
    scheduler.start()
    try:
        [job] = schedule_summaries(scheduler, config=cfg, summaries=handler(sqlite_db, messenger),
                                   clock=lambda: utc(2026, 3, 10, 17, 0, 5))
        job.modify(next_run_time=datetime.now(PARIS))
        await asyncio.wait_for(done.wait(), timeout=30)
    finally:
        scheduler.shutdown(wait=False)
    assert reporting.summary_sent(sqlite_db, "alpha", date(2026, 3, 10))
    assert [m["room_id"] for m in messenger.sent] == [LEAD_ROOM, LEAD_ROOM]


# -- start-up catch-up -----------------------------------------------------------------------

async def test_missed_run_is_sent_on_restart(sqlite_db):
    cfg = make_config(sqlite_db.url, catch_up_hours=6)
    add_question(sqlite_db, "q", utc(2026, 3, 10, 9))
    messenger = RecordingMessenger()
    # Up before the run: nothing to catch up (the scheduler will do it).
    assert await catch_up_summaries(utc(2026, 3, 10, 16, 59), config=cfg, summaries=handler(sqlite_db, messenger)) == []
    # Down at 18:00, back at 19:30 local.
    posted = await catch_up_summaries(utc(2026, 3, 10, 18, 30), config=cfg, summaries=handler(sqlite_db, messenger))
    assert posted == [("alpha", date(2026, 3, 10)), ("beta", date(2026, 3, 10))]
    alpha = [m for m in messenger.notices if m["room_id"] == LEAD_ROOM]
    assert len(alpha) == 1 and "Questions reçues : 1" in alpha[0]["body"]


async def test_missed_run_yesterday_within_window(sqlite_db):
    add_question(sqlite_db, "q", utc(2026, 3, 10, 9))
    messenger = RecordingMessenger()
    # 18:00 CET on Mar 10 = 17:00Z; back at 01:00 local on Mar 11 (00:00Z), 7 hours later.
    late = utc(2026, 3, 11, 0)
    assert await catch_up_summaries(late, config=make_config(sqlite_db.url, catch_up_hours=6),
                                    summaries=handler(sqlite_db, messenger)) == []
    assert messenger.sent == []
    posted = await catch_up_summaries(late, config=make_config(sqlite_db.url, catch_up_hours=8),
                                      summaries=handler(sqlite_db, messenger))
    assert posted == [("alpha", date(2026, 3, 10)), ("beta", date(2026, 3, 10))]
    alpha = next(m for m in messenger.notices if m["room_id"] == LEAD_ROOM)
    assert alpha["body"].startswith("Résumé Plume — équipe alpha — mardi 10 mars 2026\n")   # full day


async def test_restart_right_after_sending(sqlite_db):
    cfg = make_config(sqlite_db.url)
    add_question(sqlite_db, "q", utc(2026, 3, 10, 9))
    messenger = RecordingMessenger()
    assert await run_team_summary("alpha", config=cfg, summaries=handler(sqlite_db, messenger),
                                  clock=lambda: utc(2026, 3, 10, 17))
    assert len(messenger.sent) == 2
    # A new process: its own engine on the same database, starting one second later.
    restarted = Database(sqlite_db.url)
    try:
        posted = await catch_up_summaries(utc(2026, 3, 10, 17, 0, 1), config=cfg, summaries=handler(restarted, messenger))
    finally:
        restarted.dispose()
    assert ("alpha", date(2026, 3, 10)) not in posted
    assert [m["room_id"] for m in messenger.sent].count(LEAD_ROOM) == 2   # notice + chart, once


async def test_one_team_failing_does_not_stop_the_others(sqlite_db):
    cfg = make_config(sqlite_db.url)
    add_question(sqlite_db, "q", utc(2026, 3, 10, 9))
    messenger = RecordingMessenger(fail_notices=1)
    posted = await catch_up_summaries(utc(2026, 3, 10, 18), config=cfg, summaries=handler(sqlite_db, messenger))
    assert posted == [("beta", date(2026, 3, 10))]
    assert not reporting.summary_sent(sqlite_db, "alpha", date(2026, 3, 10))   # released: retried later
    assert await catch_up_summaries(utc(2026, 3, 10, 18, 5), config=cfg, summaries=handler(sqlite_db, messenger)) == [("alpha", date(2026, 3, 10))]


def test_two_schedulers_racing(db):
    """Two bot processes (own engine and event loop each) post the same summary at once."""
    cfg = make_config(db.url)
    add_question(db, "q", utc(2026, 3, 10, 9))
    add_decision(db, "q", "approved", utc(2026, 3, 10, 9, 5))
    sent: list[dict] = []

    def process(own: Database) -> bool:
        summaries = handler(own, RecordingMessenger(sink=sent), cfg)
        return asyncio.run(summaries.post_daily(cfg.team_named("alpha"), date(2026, 3, 10),
                                                now=utc(2026, 3, 10, 17)))

    results = race_processes(db.url, 2, process)
    assert sorted(results) == [False, True]
    assert [m["type"] for m in sent] == ["notice", "file"]
    with db.session() as s:
        [row] = s.exec(select(SummarySent)).all()
    assert row.event_id == sent[0]["event_id"]
