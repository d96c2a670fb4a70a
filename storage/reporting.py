"""The queries behind the daily summaries, and the once-per-day claim on ``SummarySent``.

Figures are read for one team over a UTC window ``[start_utc, end_utc)``; the caller turns a
calendar day in the summary time zone into that window. Raw values (durations, latencies,
similarities) are returned as lists so the caller computes medians and percentiles the same way
on SQLite and PostgreSQL.

The claim protocol makes the daily send at most once per (team, day), across restarts and
between two bot processes: ``claim_summary`` inserts the row (the unique constraint decides the
winner), ``mark_summary_sent`` records the event id after posting, ``release_claim`` deletes an
unsent claim so that a later attempt can retry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from common.clock import utc_now
from storage.db import Database, as_utc
from storage.models import AuditEvent, Decision, Draft, Question, SummaryRequest, SummarySent

DECISION_KINDS = ("approved", "edited", "discarded")
FAILURE_KINDS = ("draft.failed",)
# Refused questions never wait for a decision; failed ones do (the agent can retry).
_NOT_PENDING = ("refused",)


@dataclass
class AgentActivity:
    questions: int = 0
    approved: int = 0
    edited: int = 0
    discarded: int = 0


@dataclass
class DayActivity:
    """Raw figures for one team over ``[start_utc, end_utc)``.

    ``decisions``: kind → count, for decisions made in the window. ``pending``: questions created
    before ``end_utc`` with no decision before it (refused ones excluded, failed ones included).
    ``decision_seconds``: question creation → decision, per decision in the window.
    ``latencies_ms``: LLM latency per draft generated in the window. ``similarities``: 0..1 per
    edited decision. ``discard_reasons``: reason (placeholder form, or "" when none) → count.
    ``entities``: entity_type → placeholders masked in the window's questions. ``failures``:
    ``draft.failed`` audit events in the window. ``per_agent``: by the question's agent.
    ``validated_reused``: questions with a draft generated in the window that reused a validated
    answer of the team (``draft.example_id``).
    """

    questions: int = 0
    drafts: int = 0
    decisions: Counter = field(default_factory=Counter)
    pending: int = 0
    failures: int = 0
    decision_seconds: list[float] = field(default_factory=list)
    latencies_ms: list[int] = field(default_factory=list)
    similarities: list[float] = field(default_factory=list)
    discard_reasons: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)
    per_agent: dict[str, AgentActivity] = field(default_factory=dict)
    validated_reused: int = 0


def _audit_ts(value: datetime) -> str:
    # Audit ts is ISO 8601 UTC text; comparing on its "YYYY-MM-DDTHH:MM:SS" prefix is exact for
    # both "+00:00" and "Z" suffixes (a longer string with an equal prefix sorts after it).
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def activity(db: Database, team: str, start_utc: datetime, end_utc: datetime) -> DayActivity:
    """Raw figures for ``team`` over ``[start_utc, end_utc)`` (aware datetimes)."""
    act = DayActivity()
    with db.session() as s:
        for agent, counts in s.execute(
            select(Question.agent, Question.entity_counts).where(
                Question.team == team, Question.created_at >= start_utc, Question.created_at < end_utc)
        ):
            act.questions += 1
            act.per_agent.setdefault(agent, AgentActivity()).questions += 1
            act.entities.update({k: int(v) for k, v in (counts or {}).items() if v})

        act.latencies_ms = list(s.scalars(
            select(Draft.latency_ms).join(Question, Question.id == Draft.question_id).where(
                Question.team == team, Draft.created_at >= start_utc, Draft.created_at < end_utc)
        ))
        act.drafts = len(act.latencies_ms)

        rows = s.execute(
            select(Decision.kind, Decision.reason, Decision.similarity, Decision.created_at,
                   Question.created_at, Question.agent)
            .join(Question, Question.id == Decision.question_id)
            .where(Question.team == team, Decision.created_at >= start_utc, Decision.created_at < end_utc)
        )
        for kind, reason, similarity, decided_at, asked_at, agent in rows:
            act.decisions[kind] += 1
            act.decision_seconds.append((as_utc(decided_at) - as_utc(asked_at)).total_seconds())
            per_agent = act.per_agent.setdefault(agent, AgentActivity())
            if kind in DECISION_KINDS:
                setattr(per_agent, kind, getattr(per_agent, kind) + 1)
            if kind == "edited" and similarity is not None:
                act.similarities.append(float(similarity))
            if kind == "discarded":
                act.discard_reasons[(reason or "").strip()] += 1

        decided_before_end = select(Decision.question_id).where(Decision.created_at < end_utc)
        act.pending = s.scalar(
            select(func.count()).select_from(Question).where(
                Question.team == team, Question.created_at < end_utc,
                Question.status.not_in(_NOT_PENDING), Question.id.not_in(decided_before_end))
        ) or 0

        act.failures = s.scalar(
            select(func.count()).select_from(AuditEvent)
            .join(Question, Question.id == AuditEvent.question_id)
            .where(Question.team == team, AuditEvent.kind.in_(FAILURE_KINDS),
                   AuditEvent.ts >= _audit_ts(start_utc), AuditEvent.ts < _audit_ts(end_utc))
        ) or 0

        act.validated_reused = s.scalar(
            select(func.count(func.distinct(Draft.question_id)))
            .join(Question, Question.id == Draft.question_id)
            .where(Question.team == team, Draft.example_id.is_not(None),
                   Draft.created_at >= start_utc, Draft.created_at < end_utc)
        ) or 0
    return act


def decision_times(db: Database, team: str, start_utc: datetime,
                   end_utc: datetime) -> list[tuple[datetime, str]]:
    """(decided_at as aware UTC, kind) for every decision of ``team`` in the window, oldest first."""
    with db.session() as s:
        rows = s.execute(
            select(Decision.created_at, Decision.kind).join(Question, Question.id == Decision.question_id)
            .where(Question.team == team, Decision.created_at >= start_utc, Decision.created_at < end_utc)
            .order_by(Decision.created_at)
        )
        return [(as_utc(ts), kind) for ts, kind in rows]


def claim_summary(db: Database, team: str, day: date) -> bool:
    """Claim the daily send for (team, day). True for the one caller that inserted the row.

    Safe between processes: the (team, day) unique constraint lets exactly one insert commit.
    """
    try:
        with db.session(immediate=True) as s:
            s.add(SummarySent(team=team, day=day.isoformat()))
    except IntegrityError:
        return False
    return True


def mark_summary_sent(db: Database, team: str, day: date, event_id: str | None) -> None:
    """Record that the claimed summary was posted, as Matrix event ``event_id``, now."""
    with db.session(immediate=True) as s:
        mark_sent(s, team, day, event_id)


def mark_sent(session, team: str, day: date, event_id: str | None) -> None:
    """``mark_summary_sent`` inside the caller's transaction."""
    session.execute(update(SummarySent).where(SummarySent.team == team, SummarySent.day == day.isoformat())
                    .values(event_id=event_id, sent_at=utc_now()))


def release_claim(db: Database, team: str, day: date) -> None:
    """Drop a claim whose post failed (no event id recorded), so that a retry can claim again."""
    with db.session(immediate=True) as s:
        s.execute(delete(SummarySent).where(SummarySent.team == team, SummarySent.day == day.isoformat(),
                                            SummarySent.event_id.is_(None)))


def summary_sent(db: Database, team: str, day: date) -> bool:
    """True when (team, day) is claimed or sent."""
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(SummarySent).where(
            SummarySent.team == team, SummarySent.day == day.isoformat())) > 0


def request_post(db: Database, team: str, day: date) -> None:
    """Ask the running bot to post (team, day)'s summary (``plume summary --post``); once."""
    with db.session(immediate=True) as s:
        if not s.scalar(select(func.count()).select_from(SummaryRequest).where(
                SummaryRequest.team == team, SummaryRequest.day == day.isoformat())):
            s.add(SummaryRequest(team=team, day=day.isoformat()))


def post_requests(db: Database) -> list[tuple[str, date]]:
    """The (team, day) posts asked for and not yet done, oldest day first."""
    with db.session() as s:
        rows = s.execute(select(SummaryRequest.team, SummaryRequest.day)
                         .order_by(SummaryRequest.day, SummaryRequest.team)).all()
    return [(team, date.fromisoformat(day)) for team, day in rows]


def drop_post_request(db: Database, team: str, day: date) -> None:
    with db.session(immediate=True) as s:
        s.execute(delete(SummaryRequest).where(SummaryRequest.team == team,
                                               SummaryRequest.day == day.isoformat()))
