"""Team leads' summaries: the daily post, ``!resume`` and the posts asked for by the CLI.

Figures come from ``storage.summary`` (through the store), the French text from
``handlers.messages.leads``, the chart from ``handlers.rendering``. The daily post is at most
once per (team, day): see ``storage.reporting.claim_summary``. On-demand summaries (``!resume``,
``plume summary --post``) never count as the daily send. Every post is audited
(``summary.posted``) through the store.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import structlog

from handlers.base import SendError, StaffHandler
from handlers.config import TeamConfig
from handlers.messages import leads
from handlers.rendering import render_chart
from handlers.verbs import LEAD, Call, verb
from storage.audit import parse_day
from storage.summary import Summary

log = structlog.get_logger(__name__)


class SummaryHandler(StaffHandler):
    """Summaries for team leads; ``tz`` is ``summary.timezone``."""

    def __init__(self, **collaborators) -> None:
        super().__init__(**collaborators)
        self.tz = self.config.summary.zone

    async def summary(self, team: TeamConfig, day: date, *, now: datetime | None = None) -> Summary:
        return await self.store.summary(team.name, day, self.tz, per_agent=team.per_agent_stats,
                                        now=now)

    async def post_daily(self, team: TeamConfig, day: date, *, now: datetime | None = None) -> bool:
        """Post ``day``'s daily summary to the team's lead room, at most once per (team, day).

        Returns True when this call posted it; False when it was already claimed or sent (by this
        or another process), when the team has no lead room, or when the day was idle and
        ``summary.post_when_idle`` is off. If the text cannot be sent the claim is released (so
        the scheduler or the next catch-up retries) and the error is raised.
        """
        room = team.lead_room
        if not room or await self.store.summary_sent(team.name, day):
            return False
        summary = await self.summary(team, day, now=now)
        if summary.idle and not self.config.summary.post_when_idle:
            log.info("summary.idle_skipped", team=team.name, day=day.isoformat())
            return False
        if not await self.store.claim_summary(team.name, day):
            return False
        try:
            await self._post(summary, room, actor="plume", daily=True)
        except BaseException:
            await self.store.release_summary_claim(team.name, day)
            raise
        log.info("summary.posted", team=team.name, day=day.isoformat(), questions=summary.questions)
        return True

    async def prepare(self, call: Call) -> TeamConfig | None:
        """Only a team's leads, in their lead room; a refusal is audited (``access.denied``)."""
        event = call.event
        team = self.access.lead_team(event.sender, event.room_id)
        if team is None:
            await self.store.access_denied(event.sender, "resume_not_lead", room_id=event.room_id)
            await self.messenger.send_notice(event.room_id, *leads.RESUME_REFUSED)
        return team

    @verb("resume", LEAD, "le résumé d'un jour (aujourd'hui par défaut)", usage="[AAAA-MM-JJ]")
    async def resume(self, team: TeamConfig, call: Call) -> None:
        """Post the team's summary for the day given (default: today so far), on demand."""
        room_id, words = call.event.room_id, call.words
        now = self.clock()
        today = now.astimezone(self.tz).date()
        day = today
        if words:
            day = parse_day(words[0])
            if day is None or len(words) > 1:
                await self.messenger.send_notice(room_id, *leads.resume_bad_date(today))
                return
            if day > today:
                await self.messenger.send_notice(room_id, *leads.RESUME_FUTURE)
                return
        await self._post(await self.summary(team, day, now=now), room_id, actor=call.event.sender)

    async def post_requested(self) -> int:
        """Post the summaries asked for with ``plume summary --post`` (on demand). The bot runs
        this every few seconds. Returns how many were posted."""
        posted = 0
        for name, day in await self.store.post_requests():
            team = self.config.team_named(name)
            if team is not None and team.lead_room:
                try:
                    await self._post(await self.summary(team, day), team.lead_room, actor="plume",
                                     via="cli")
                except SendError:
                    # Kept for the next round; the other teams' requests still go out.
                    log.warning("summary.request_failed", team=name, day=day.isoformat())
                    continue
                posted += 1
            await self.store.drop_post_request(name, day)
        return posted

    async def _post(self, summary: Summary, room_id: str, *, actor: str, daily: bool = False,
                    via: str | None = None) -> str:
        """Send the text (audited as soon as it is out), then the chart unless idle."""
        plain, body = leads.render_summary(summary)
        chart = None
        if not summary.idle:
            days, series = await self.store.chart_series(summary.team, summary.day, self.tz)
            chart = await asyncio.to_thread(render_chart, summary.team, days, series)
        event_id = await self.messenger.send_notice(room_id, plain, body)
        await self.store.summary_posted(summary.team, summary.day, event_id, actor=actor,
                                        daily=daily, via=via)
        if chart:
            try:
                await self.messenger.send_file(
                    room_id, chart, filename=f"resume-{summary.team}-{summary.day}.png",
                    mimetype="image/png", image=True, body=leads.CHART_BODY)
            except Exception:
                # The text is out; the chart is not worth a second summary.
                log.warning("summary.chart_failed", team=summary.team, day=summary.day.isoformat(),
                            exc_info=True)
        return event_id
