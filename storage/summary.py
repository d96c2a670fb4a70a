"""The figures of a team's daily summary, computed from ``storage.reporting``'s queries.

A summary covers one calendar day in ``summary.timezone`` (a 23- or 25-hour day at the DST
changes), up to ``now`` when the day is not over, with the previous ``BASELINE_DAYS`` full days
as a baseline. Figures are per team; per-agent figures only when the team's ``per_agent_stats``
is on. Durations in seconds, latencies in milliseconds, rates and similarities in 0..1.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

from common.clock import utc_now
from storage import reporting
from storage.db import Database
from storage.reporting import DayActivity

BASELINE_DAYS = 7
CHART_DAYS = 14
TOP_REASONS = 3


# -- time windows ----------------------------------------------------------------------------

def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC window ``[start, end)`` of calendar ``day`` in ``tz`` (23 h or 25 h at DST changes)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(timezone.utc)
    return start, end


def _percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


# -- figures ---------------------------------------------------------------------------------

@dataclass
class Baseline:
    """The previous days as daily averages (counts) and pooled rates and medians."""

    days: int
    questions_per_day: float
    drafts_per_day: float
    decided_per_day: float
    failed_per_day: float
    rates: dict[str, float | None]
    time_to_decision_median_s: float | None


@dataclass
class Summary:
    """All figures of one team's day. Durations in seconds, latencies in milliseconds, rates and
    similarities in 0..1 (None when there is nothing to measure)."""

    team: str
    day: date
    timezone: str
    until: datetime | None          # aware UTC end of the figures when the day was not over
    questions: int
    drafts: int
    approved: int
    edited: int
    discarded: int
    pending: int
    failed: int
    time_to_decision_s: dict[str, float | None]     # median, p90
    llm_latency_ms: dict[str, float | None]         # median, p95
    edit_similarity: dict[str, float | int | None]  # median, mean, count
    discard_reasons: list[tuple[str, int]]
    entities: dict[str, int]
    previous: Baseline
    per_agent: dict[str, dict[str, int]] | None = field(default=None)
    validated_reused: int = 0  # questions whose draft reused a validated answer of the team

    @property
    def decided(self) -> int:
        return self.approved + self.edited + self.discarded

    @property
    def rates(self) -> dict[str, float | None]:
        return _rates(self.approved, self.edited, self.discarded)

    @property
    def idle(self) -> bool:
        return not (self.questions or self.drafts or self.decided or self.failed)

    def to_json(self) -> dict:
        """The JSON form of ``plume summary --format json`` (DESIGN §3.1)."""
        return {
            "team": self.team, "date": self.day.isoformat(), "timezone": self.timezone,
            "until": self.until.isoformat() if self.until else None,
            "questions": self.questions, "drafts": self.drafts, "approved": self.approved,
            "edited": self.edited, "discarded": self.discarded, "decided": self.decided,
            "pending": self.pending, "failed": self.failed, "rates": self.rates,
            "time_to_decision_s": self.time_to_decision_s, "llm_latency_ms": self.llm_latency_ms,
            "edit_similarity": self.edit_similarity,
            "discard_reasons": [{"reason": r, "count": n} for r, n in self.discard_reasons],
            "entities": self.entities, "previous_7_days": asdict(self.previous),
            "validated_reused": self.validated_reused,
            **({"per_agent": self.per_agent} if self.per_agent is not None else {}),
        }


def _rates(approved: int, edited: int, discarded: int) -> dict[str, float | None]:
    total = approved + edited + discarded
    return {k: (n / total if total else None)
            for k, n in (("approved", approved), ("edited", edited), ("discarded", discarded))}


def compute_summary(db: Database, team: str, day: date, tz: ZoneInfo, *, per_agent: bool = False,
                    now: datetime | None = None) -> Summary:
    """Figures for ``team`` on calendar ``day`` in ``tz``, up to ``now`` (aware; default:
    the current time) when the day is not over, with the previous 7 full days as a baseline."""
    now = now or utc_now()
    start, end = day_bounds(day, tz)
    until = now if start <= now < end else None
    act = reporting.activity(db, team, start, until or end)
    prev = reporting.activity(db, team, day_bounds(day - timedelta(BASELINE_DAYS), tz)[0], start)
    return Summary(
        team=team, day=day, timezone=tz.key, until=until,
        questions=act.questions, drafts=act.drafts, approved=act.decisions["approved"],
        edited=act.decisions["edited"], discarded=act.decisions["discarded"], pending=act.pending,
        failed=act.failures,
        time_to_decision_s={"median": _percentile(act.decision_seconds, 50),
                            "p90": _percentile(act.decision_seconds, 90)},
        llm_latency_ms={"median": _percentile(act.latencies_ms, 50), "p95": _percentile(act.latencies_ms, 95)},
        edit_similarity={"median": _percentile(act.similarities, 50),
                         "mean": float(np.mean(act.similarities)) if act.similarities else None,
                         "count": len(act.similarities)},
        discard_reasons=act.discard_reasons.most_common(TOP_REASONS),
        entities=dict(act.entities.most_common()),
        previous=_baseline(prev),
        per_agent=({a: asdict(v) for a, v in sorted(act.per_agent.items())}
                   if per_agent else None),
        validated_reused=act.validated_reused,
    )


def _baseline(act: DayActivity) -> Baseline:
    d = BASELINE_DAYS
    return Baseline(
        days=d, questions_per_day=act.questions / d, drafts_per_day=act.drafts / d,
        decided_per_day=sum(act.decisions[k] for k in reporting.DECISION_KINDS) / d,
        failed_per_day=act.failures / d,
        rates=_rates(act.decisions["approved"], act.decisions["edited"], act.decisions["discarded"]),
        time_to_decision_median_s=_percentile(act.decision_seconds, 50),
    )


def chart_series(db: Database, team: str, day: date, tz: ZoneInfo) -> tuple[list[date], dict[str, list[int]]]:
    """Decisions per local day by kind over the ``CHART_DAYS`` days ending on ``day``."""
    days = [day - timedelta(days=i) for i in range(CHART_DAYS - 1, -1, -1)]
    start, end = day_bounds(days[0], tz)[0], day_bounds(day, tz)[1]
    counts: Counter = Counter()
    for ts, kind in reporting.decision_times(db, team, start, end):
        counts[(ts.astimezone(tz).date(), kind)] += 1
    return days, {k: [counts[(d, k)] for d in days] for k in reporting.DECISION_KINDS}
