"""The bot's apscheduler: daily jobs (team summaries, the audit witness) and the start-up catch-up.

``make_scheduler`` builds an ``AsyncIOScheduler``; call its ``start()`` inside the running event
loop. ``misfire_grace_time``, ``coalesce`` and ``max_instances`` are set in ``job_defaults``,
where apscheduler applies them to every job.

DST: a daily ``CronTrigger`` fires once a day at the wall-clock time in its zone. A time inside
the spring gap (02:00–03:00 in Europe/Paris) fires one hour later in UTC terms; a time inside the
repeated autumn hour fires twice. Daily jobs must therefore be idempotent per day; summaries
are, through their (team, day) claim.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

import structlog
from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.config import Config
from common.clock import utc_now
from handlers.summaries import SummaryHandler

log = structlog.get_logger(__name__)

Clock = Callable[[], datetime]
MIN_MISFIRE_GRACE_S = 60


def make_scheduler(config: Config) -> AsyncIOScheduler:
    """A scheduler in ``summary.timezone``. A run delayed less than ``summary.catch_up_hours``
    (at least a minute) still happens, late runs are coalesced into one, one instance at a time."""
    grace = max(MIN_MISFIRE_GRACE_S, int(config.summary.catch_up_hours * 3600))
    return AsyncIOScheduler(
        timezone=ZoneInfo(config.summary.timezone),
        job_defaults={"misfire_grace_time": grace, "coalesce": True, "max_instances": 1},
    )


def daily_trigger(hhmm: str, tz: ZoneInfo) -> CronTrigger:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return CronTrigger(hour=hour, minute=minute, timezone=tz)


def schedule_daily(scheduler: AsyncIOScheduler, job_id: str, hhmm: str, tz: ZoneInfo,
                   func: Callable, *args) -> Job:
    """Run ``func(*args)`` (a coroutine function is awaited in the loop) every day at ``hhmm``
    ("HH:MM") wall-clock time in ``tz``. Replaces a job with the same id."""
    return scheduler.add_job(func, daily_trigger(hhmm, tz), args=args, id=job_id, name=job_id,
                             replace_existing=True)


def fire_time_on(day: date, hhmm: str, tz: ZoneInfo) -> datetime | None:
    """When the daily trigger fires (first time) on local ``day``, as aware UTC; None if it does not."""
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    fire = daily_trigger(hhmm, tz).get_next_fire_time(None, midnight)
    return fire.astimezone(timezone.utc) if fire and fire.date() == day else None


def due_day(now: datetime, hhmm: str, tz: ZoneInfo) -> date:
    """The local day of the latest daily run at or before ``now``: the day a (possibly late) run
    is about."""
    today = now.astimezone(tz).date()
    fire = fire_time_on(today, hhmm, tz)
    return today if fire is not None and fire <= now else today - timedelta(days=1)


async def run_team_summary(team_name: str, *, config: Config, summaries: SummaryHandler,
                           clock: Clock = utc_now) -> bool:
    """The daily job of one team: post the summary of the day whose run is due."""
    team = config.team_named(team_name)
    if team is None:
        return False
    now = clock()
    day = due_day(now, config.summary.time, ZoneInfo(config.summary.timezone))
    return await summaries.post_daily(team, day, now=now)


def schedule_summaries(scheduler: AsyncIOScheduler, *, config: Config, summaries: SummaryHandler,
                       clock: Clock = utc_now) -> list[Job]:
    """One daily job per team with a lead room, id ``summary:<team>``, at ``summary.time``."""
    tz = ZoneInfo(config.summary.timezone)
    jobs = []
    for team in config.teams:
        if not team.lead_room:
            continue

        async def job(name: str = team.name) -> bool:
            return await run_team_summary(name, config=config, summaries=summaries, clock=clock)

        jobs.append(schedule_daily(scheduler, f"summary:{team.name}", config.summary.time, tz, job))
    return jobs


async def catch_up_summaries(now: datetime, *, config: Config,
                             summaries: SummaryHandler) -> list[tuple[str, date]]:
    """At start-up: post each team's summary whose run (yesterday or today) was missed less than
    ``summary.catch_up_hours`` before ``now`` and was not sent. Returns (team, day) posted.

    A team whose post fails is logged and skipped; the others still go out.
    """
    tz = ZoneInfo(config.summary.timezone)
    window = timedelta(hours=config.summary.catch_up_hours)
    today = now.astimezone(tz).date()
    posted = []
    for day in (today - timedelta(days=1), today):
        fire = fire_time_on(day, config.summary.time, tz)
        if fire is None or not (fire <= now < fire + window):
            continue
        for team in config.teams:
            try:
                if await summaries.post_daily(team, day, now=now):
                    posted.append((team.name, day))
            except Exception:
                log.exception("summary.catch_up_failed", team=team.name, day=day.isoformat())
    return posted
