"""Synthetic rows for the summary tests: a busy day (``seed_day``, fixture ``seeded``), helpers.

All data is synthetic. Times are explicit (controllable clock): nothing sleeps.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import storage.audit as audit_mod
from bot.config import parse_config
from storage.models import Decision, Draft, Question
from tests.fixtures.db import TEST_AUDIT_KEY

PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc
LEAD_ROOM = "!leads-alpha:hs.test"
LEAD = "@chef.alpha:hs.test"
AGENT_1 = "@agent.un:hs.test"
AGENT_2 = "@agent.deux:hs.test"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_config(url: str, *, per_agent: bool = False, **summary):
    return parse_config({
        "matrix": {"homeserver": "https://hs.test", "user_id": "@plume:hs.test"},
        "storage": {"url": url},
        "teams": [
            {"name": "alpha", "lead_room": LEAD_ROOM, "leads": [LEAD], "agents": [AGENT_1, AGENT_2],
             "per_agent_stats": per_agent},
            {"name": "beta", "lead_room": "!leads-beta:hs.test", "leads": ["@chef.beta:hs.test"],
             "agents": ["@agent.trois:hs.test"]},
        ],
        "summary": {"time": "18:00", "timezone": "Europe/Paris", **summary},
    })


# -- synthetic rows --------------------------------------------------------------------------

def add_question(db, qid, at, *, team="alpha", agent=AGENT_1, status="drafted", entities=None):
    with db.session() as s:
        s.add(Question(id=qid, event_id=f"$ev-{qid}", room_id=f"!dm-{agent}", agent=agent, team=team,
                       redacted_text="Bonjour, je suis [NOM_1].", entity_counts=entities or {},
                       status=status, created_at=at))


def add_draft(db, qid, version, at, latency_ms):
    with db.session() as s:
        s.add(Draft(question_id=qid, version=version, text="Madame, Monsieur, …", backend="offline",
                    model="reponses-types", latency_ms=latency_ms, created_at=at))


def add_decision(db, qid, kind, at, *, reason=None, similarity=None):
    with db.session() as s:
        s.add(Decision(question_id=qid, kind=kind, actor=AGENT_1, reason=reason, similarity=similarity,
                       created_at=at))
        s.get(Question, qid).status = kind


def add_failure(db, qid, at, monkeypatch):
    """A draft.failed event through the real audit chain, stamped ``at``."""
    with monkeypatch.context() as m:
        m.setattr(audit_mod, "utc_now_ts", lambda: audit_mod.format_ts(at))
        audit_mod.AuditLog(db, TEST_AUDIT_KEY).append("draft.failed", actor="plume", question_id=qid,
                                                      payload={"error": "timeout"})


DAY = date(2026, 3, 10)  # a Tuesday, CET (UTC+1): the day runs 2026-03-09T23:00Z → 2026-03-10T23:00Z


def seed_day(db, monkeypatch):
    """A busy day for team alpha, a quieter previous week, and noise that must not count."""
    # Baseline days Mar 3 … Mar 8: one question a day, approved after 10 minutes.
    for i in range(3, 9):
        asked = utc(2026, 3, i, 9)
        add_question(db, f"prev{i}", asked)
        add_decision(db, f"prev{i}", "approved", asked + timedelta(minutes=10))
    # Mar 9: asked the day before, decided on DAY (23 h later).
    add_question(db, "q0", utc(2026, 3, 9, 9))
    add_decision(db, "q0", "approved", utc(2026, 3, 10, 8))
    # Mar 2: outside the 7-day baseline, inside the 14-day chart.
    add_question(db, "old", utc(2026, 3, 2, 9))
    add_decision(db, "old", "approved", utc(2026, 3, 2, 9, 5))

    add_question(db, "q1", utc(2026, 3, 10, 7), entities={"PERSON": 2, "PHONE_NUMBER": 1})
    add_draft(db, "q1", 1, utc(2026, 3, 10, 7, 0, 5), 5000)
    add_decision(db, "q1", "approved", utc(2026, 3, 10, 7, 10))
    add_question(db, "q2", utc(2026, 3, 10, 8), agent=AGENT_2, entities={"PERSON": 1, "FR_NIR": 1})
    add_draft(db, "q2", 1, utc(2026, 3, 10, 8, 0, 3), 3000)
    add_draft(db, "q2", 2, utc(2026, 3, 10, 8, 2), 4000)
    add_decision(db, "q2", "edited", utc(2026, 3, 10, 8, 30), similarity=0.8)
    add_question(db, "q3", utc(2026, 3, 10, 9))
    add_draft(db, "q3", 1, utc(2026, 3, 10, 9, 0, 2), 2000)
    add_decision(db, "q3", "edited", utc(2026, 3, 10, 9, 20), similarity=0.6)
    add_question(db, "q4", utc(2026, 3, 10, 10))
    add_draft(db, "q4", 1, utc(2026, 3, 10, 10, 0, 1), 1000)
    add_decision(db, "q4", "discarded", utc(2026, 3, 10, 10, 5), reason="hors périmètre")
    add_question(db, "q5", utc(2026, 3, 10, 11), agent=AGENT_2)
    add_draft(db, "q5", 1, utc(2026, 3, 10, 11, 0, 6), 6000)
    add_decision(db, "q5", "discarded", utc(2026, 3, 10, 12), reason="hors périmètre")
    add_question(db, "q6", utc(2026, 3, 10, 12), status="failed")
    add_failure(db, "q6", utc(2026, 3, 10, 12, 1), monkeypatch)
    add_question(db, "q7", utc(2026, 3, 10, 13))
    add_draft(db, "q7", 1, utc(2026, 3, 10, 13, 0, 2), 2500)
    add_question(db, "q8", utc(2026, 3, 10, 22, 30), status="received")   # 23:30 local: same day
    add_question(db, "qr", utc(2026, 3, 10, 14), status="refused", entities={"FR_NIR": 1})
    # Noise: next local day (00:30 on Mar 11), another team.
    add_question(db, "next", utc(2026, 3, 10, 23, 30), entities={"PERSON": 5})
    add_question(db, "b1", utc(2026, 3, 10, 9), team="beta", agent="@agent.trois:hs.test")
    add_draft(db, "b1", 1, utc(2026, 3, 10, 9, 1), 9999)
    add_decision(db, "b1", "discarded", utc(2026, 3, 10, 9, 30), reason="autre équipe")
    add_failure(db, "b1", utc(2026, 3, 10, 9, 2), monkeypatch)


@pytest.fixture
def seeded(db, monkeypatch):
    seed_day(db, monkeypatch)
    return db
