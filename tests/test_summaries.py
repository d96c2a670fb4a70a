"""Daily summaries: figures from inserted rows, French rendering, chart, posting, !resume, CLI.

All data is synthetic. Times are explicit (controllable clock): nothing sleeps.
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlmodel import select

import storage.audit as audit_mod
from bot.config import parse_config
from handlers import summaries
from handlers.messages import ENTITY_LABELS
from handlers.base import SendError
from handlers.summaries import (compute_summary, day_bounds, handle_resume_command, post_requested, post_summary,
                                render_chart, render_summary, summary_command)
from storage import reporting
from storage.models import AuditEvent, Decision, Draft, Question, SummarySent
from tests.fixtures.db import TEST_AUDIT_KEY, race_processes

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


class RecordingMessenger:
    """A Messenger that records what is sent; optionally fails the first notices or the files."""

    def __init__(self, *, fail_notices: int = 0, fail_files: bool = False, sink: list | None = None):
        self.sent: list[dict] = [] if sink is None else sink
        self.fail_notices = fail_notices
        self.fail_files = fail_files

    @property
    def notices(self) -> list[dict]:
        return [m for m in self.sent if m["type"] == "notice"]

    @property
    def files(self) -> list[dict]:
        return [m for m in self.sent if m["type"] == "file"]

    async def send_notice(self, room_id, body, html=None, *, reply_to=None):
        if self.fail_notices:
            self.fail_notices -= 1
            raise SendError("homeserver refused")
        event_id = f"$notice-{uuid.uuid4().hex[:8]}"
        self.sent.append({"type": "notice", "room_id": room_id, "body": body, "html": html, "event_id": event_id})
        return event_id

    async def send_file(self, room_id, data, *, filename, mimetype, image=False, body=None):
        if self.fail_files:
            raise RuntimeError("upload refused")
        event_id = f"$file-{uuid.uuid4().hex[:8]}"
        self.sent.append({"type": "file", "room_id": room_id, "data": data, "filename": filename,
                          "mimetype": mimetype, "image": image, "event_id": event_id})
        return event_id


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


# -- figures ---------------------------------------------------------------------------------

def test_day_bounds_follow_dst():
    assert day_bounds(DAY, PARIS) == (utc(2026, 3, 9, 23), utc(2026, 3, 10, 23))
    spring = day_bounds(date(2026, 3, 29), PARIS)
    autumn = day_bounds(date(2026, 10, 25), PARIS)
    assert spring == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))
    assert autumn == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


def test_figures_match_inserted_rows(seeded):
    cfg = make_config(seeded.url)
    s = compute_summary(seeded, cfg.team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
    assert s.until is None
    assert (s.questions, s.drafts, s.approved, s.edited, s.discarded) == (9, 7, 2, 2, 2)
    assert s.pending == 3          # q6 (failed, can be retried), q7, q8; not the refused one
    assert s.failed == 1           # beta's failure is not counted
    assert s.rates == {"approved": 2 / 6, "edited": 2 / 6, "discarded": 2 / 6}
    # decision times (s): 300, 600, 1200, 1800, 3600, 82800 (q0, asked the day before)
    assert s.time_to_decision_s == {"median": 1500.0, "p90": 43200.0}
    # latencies (ms): 1000, 2000, 2500, 3000, 4000, 5000, 6000
    assert s.llm_latency_ms == {"median": 3000.0, "p95": pytest.approx(5700.0)}
    assert s.edit_similarity == {"median": pytest.approx(0.7), "mean": pytest.approx(0.7), "count": 2}
    assert s.discard_reasons == [("hors périmètre", 2)]
    assert s.entities == {"PERSON": 3, "PHONE_NUMBER": 1, "FR_NIR": 2}
    assert s.per_agent is None
    # Baseline: Mar 3 … Mar 9 = 7 questions (prev3…prev8, q0), 6 decisions, all approved.
    assert s.previous.questions_per_day == pytest.approx(7 / 7)
    assert s.previous.decided_per_day == pytest.approx(6 / 7)
    assert s.previous.rates["approved"] == 1.0
    assert s.previous.time_to_decision_median_s == 600.0
    data = s.to_json()
    for key in ("questions", "drafts", "approved", "edited", "discarded", "pending", "failed"):
        assert data[key] == getattr(s, key)
    assert json.loads(json.dumps(data))["date"] == "2026-03-10"
    assert "per_agent" not in data


def test_partial_day_stops_at_now(seeded):
    cfg = make_config(seeded.url)
    s = compute_summary(seeded, cfg.team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 10, 9, 30))
    assert s.until == utc(2026, 3, 10, 9, 30)
    assert (s.questions, s.approved, s.edited, s.discarded) == (3, 2, 2, 0)
    assert s.pending == 0
    assert "(jusqu'à 10:30)" in render_summary(s)[0]


def test_per_agent_figures_only_when_configured(seeded):
    cfg = make_config(seeded.url, per_agent=True)
    s = compute_summary(seeded, cfg.team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
    assert s.per_agent == {
        AGENT_2: {"questions": 2, "approved": 0, "edited": 1, "discarded": 1},
        AGENT_1: {"questions": 7, "approved": 2, "edited": 1, "discarded": 1},
    }
    plain, html = render_summary(s)
    assert "Par agent" in plain and AGENT_1 in plain and AGENT_1 in html
    off = compute_summary(seeded, make_config(seeded.url).team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
    assert AGENT_1 not in render_summary(off)[0]


def test_day_boundaries_at_autumn_dst(db):
    add_question(db, "early", utc(2026, 10, 24, 22, 30))   # 00:30 CEST on Oct 25
    add_question(db, "late", utc(2026, 10, 25, 22, 30))    # 23:30 CET on Oct 25
    add_question(db, "before", utc(2026, 10, 24, 21, 30))  # 23:30 CEST on Oct 24
    add_question(db, "after", utc(2026, 10, 25, 23, 0))    # 00:00 CET on Oct 26
    team = make_config(db.url).team_named("alpha")
    assert compute_summary(db, team, date(2026, 10, 25), PARIS, now=utc(2026, 11, 1)).questions == 2
    assert compute_summary(db, team, date(2026, 10, 24), PARIS, now=utc(2026, 11, 1)).questions == 1


# -- rendering -------------------------------------------------------------------------------

def test_render_french_plain_and_html(seeded):
    add_question(seeded, "q9", utc(2026, 3, 10, 15))
    add_decision(seeded, "q9", "discarded", utc(2026, 3, 10, 15, 1), reason="<b>[NOM_1]</b> & co")
    cfg = make_config(seeded.url)
    s = compute_summary(seeded, cfg.team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
    plain, html = render_summary(s)
    assert plain.startswith("Résumé Plume — équipe alpha — mardi 10 mars 2026")
    assert "Questions reçues : 10" in plain
    assert "approuvés tels quels : 2 (29\u00a0%)" in plain
    assert "Toujours en attente de décision : 3" in plain
    assert "Échecs de génération : 1" in plain
    assert "médiane 3\u00a0s, 95e centile 5,7\u00a0s" in plain
    assert "« hors périmètre » : 2" in plain
    assert "noms : 3" in plain and "NIR : 2" in plain
    assert "Questions : 10 contre 1 par jour (+900\u00a0%)" in plain
    assert "« <b>[NOM_1]</b> & co » : 1" in plain and "<li>" not in plain and "<h" not in plain
    assert "&lt;b&gt;[NOM_1]&lt;/b&gt; &amp; co" in html and "<b>[NOM_1]" not in html
    assert html.startswith("<h3>Résumé Plume")


def test_plural_labels_cover_the_same_entity_types_as_the_agent_messages():
    assert summaries.ENTITY_PLURALS.keys() == ENTITY_LABELS.keys()


def test_idle_day_is_one_short_line(db):
    add_question(db, "old", utc(2026, 3, 1, 9))   # still pending, from before
    s = compute_summary(db, make_config(db.url).team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
    assert s.idle
    plain, html = render_summary(s)
    assert plain == ("Résumé Plume — équipe alpha — mardi 10 mars 2026 : aucune activité. "
                     "Questions toujours en attente de décision : 1.")
    assert "\n" not in plain and html == f"<p>{plain}</p>"


def test_chart_is_a_png_of_fourteen_days(seeded):
    days, series = summaries.chart_series(seeded, "alpha", DAY, PARIS)
    assert days[0] == date(2026, 2, 25) and days[-1] == DAY and len(days) == 14
    assert series["approved"][days.index(date(2026, 3, 2))] == 1
    assert series["approved"][days.index(date(2026, 3, 9))] == 0     # prev8 (Mar 8) and q0 (DAY)
    assert series["approved"][days.index(date(2026, 3, 8))] == 1
    assert [series[k][-1] for k in ("approved", "edited", "discarded")] == [2, 2, 2]
    assert sum(map(sum, series.values())) == 1 + 6 + 6
    png = render_chart(seeded, "alpha", DAY, PARIS)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(png)).size == (800, 350)


def test_chart_buckets_decisions_by_local_day(db):
    add_question(db, "a", utc(2026, 3, 29, 20))
    add_decision(db, "a", "edited", utc(2026, 3, 29, 22, 30), similarity=0.9)  # 00:30 CEST Mar 30
    add_question(db, "b", utc(2026, 3, 29, 20))
    add_decision(db, "b", "approved", utc(2026, 3, 29, 21, 30))  # 23:30 CEST Mar 29
    days, series = summaries.chart_series(db, "alpha", date(2026, 3, 30), PARIS)
    assert series["approved"][-2:] == [1, 0]
    assert series["edited"][-2:] == [0, 1]


# -- posting ---------------------------------------------------------------------------------

async def test_post_summary_once_with_chart_and_audit(seeded, audit):
    cfg = make_config(seeded.url)
    messenger = RecordingMessenger()
    team = cfg.team_named("alpha")
    assert await post_summary(seeded, cfg, team, DAY, messenger, audit=audit, now=utc(2026, 3, 10, 17))
    [notice] = messenger.notices
    [image] = messenger.files
    assert notice["room_id"] == image["room_id"] == LEAD_ROOM
    assert notice["html"].startswith("<h3>") and "Questions reçues" in notice["body"]
    assert image["image"] is True and image["mimetype"] == "image/png"
    assert image["data"].startswith(b"\x89PNG")
    with seeded.session() as s:
        [row] = s.exec(select(SummarySent)).all()
        assert (row.team, row.day, row.event_id) == ("alpha", "2026-03-10", notice["event_id"])
        [ev] = s.exec(select(AuditEvent).where(AuditEvent.kind == "summary.posted")).all()
    assert json.loads(ev.payload) == {"team": "alpha", "day": "2026-03-10", "event_id": notice["event_id"],
                                      "on_demand": False}
    assert audit.verify().ok
    # Second attempt, e.g. the scheduler after the catch-up: nothing more.
    assert not await post_summary(seeded, cfg, team, DAY, messenger, audit=audit, now=utc(2026, 3, 10, 17, 1))
    assert len(messenger.sent) == 2


async def test_failed_notice_releases_claim_for_retry(sqlite_db):
    add_question(sqlite_db, "q", utc(2026, 3, 10, 9))
    cfg = make_config(sqlite_db.url)
    messenger = RecordingMessenger(fail_notices=1)
    with pytest.raises(RuntimeError):
        await post_summary(sqlite_db, cfg, cfg.team_named("alpha"), DAY, messenger, now=utc(2026, 3, 10, 17))
    assert not reporting.summary_sent(sqlite_db, "alpha", DAY)
    assert await post_summary(sqlite_db, cfg, cfg.team_named("alpha"), DAY, messenger, now=utc(2026, 3, 10, 17))
    assert len(messenger.notices) == 1 and len(messenger.files) == 1


async def test_failed_chart_still_counts_as_sent(sqlite_db):
    add_question(sqlite_db, "q", utc(2026, 3, 10, 9))
    cfg = make_config(sqlite_db.url)
    messenger = RecordingMessenger(fail_files=True)
    assert await post_summary(sqlite_db, cfg, cfg.team_named("alpha"), DAY, messenger, now=utc(2026, 3, 10, 17))
    assert reporting.summary_sent(sqlite_db, "alpha", DAY)
    assert not await post_summary(sqlite_db, cfg, cfg.team_named("alpha"), DAY, messenger, now=utc(2026, 3, 10, 18))
    assert len(messenger.notices) == 1 and messenger.files == []


@pytest.mark.parametrize("post_when_idle", [True, False])
async def test_idle_team(sqlite_db, post_when_idle):
    cfg = make_config(sqlite_db.url, post_when_idle=post_when_idle)
    messenger = RecordingMessenger()
    posted = await post_summary(sqlite_db, cfg, cfg.team_named("alpha"), DAY, messenger, now=utc(2026, 3, 10, 17))
    assert posted is post_when_idle
    assert reporting.summary_sent(sqlite_db, "alpha", DAY) is post_when_idle
    if post_when_idle:
        [notice] = messenger.sent       # the short line, no chart
        assert notice["body"].endswith("aucune activité.")
    else:
        assert messenger.sent == []


def test_claim_race_between_processes(db):
    """Eight 'processes' (own engine each) claim the same (team, day) at once: one wins."""
    results = race_processes(db.url, 8, lambda own: reporting.claim_summary(own, "alpha", DAY))
    assert sorted(results) == [False] * 7 + [True]


def test_release_keeps_a_sent_summary(sqlite_db):
    assert reporting.claim_summary(sqlite_db, "alpha", DAY)
    reporting.mark_summary_sent(sqlite_db, "alpha", DAY, "$sent")
    reporting.release_claim(sqlite_db, "alpha", DAY)
    assert reporting.summary_sent(sqlite_db, "alpha", DAY)
    assert not reporting.claim_summary(sqlite_db, "alpha", DAY)
    assert reporting.claim_summary(sqlite_db, "alpha", DAY + timedelta(days=1))


# -- !resume ---------------------------------------------------------------------------------

async def test_resume_for_the_team_lead(seeded, audit):
    cfg = make_config(seeded.url)
    messenger = RecordingMessenger()
    event_id = await handle_resume_command(["2026-03-10"], sender=LEAD, room_id=LEAD_ROOM, db=seeded,
                                           config=cfg, messenger=messenger, audit=audit,
                                           now=utc(2026, 3, 11, 8))
    [notice] = messenger.notices
    assert notice["event_id"] == event_id and "Questions reçues : 9" in notice["body"]
    assert len(messenger.files) == 1
    assert not reporting.summary_sent(seeded, "alpha", DAY)     # not the daily send
    with seeded.session() as s:
        ev = s.exec(select(AuditEvent).where(AuditEvent.kind == "summary.posted")).one()
    assert ev.actor == LEAD and json.loads(ev.payload)["on_demand"] is True


async def test_resume_defaults_to_today_so_far(seeded):
    messenger = RecordingMessenger()
    await handle_resume_command("", sender=LEAD, room_id=LEAD_ROOM, db=seeded, config=make_config(seeded.url),
                                messenger=messenger, now=utc(2026, 3, 10, 9, 30))
    assert "mardi 10 mars 2026 (jusqu'à 10:30)" in messenger.notices[0]["body"]
    assert "Questions reçues : 3" in messenger.notices[0]["body"]


@pytest.mark.parametrize("sender, room", [
    (AGENT_1, LEAD_ROOM),                      # an agent in the lead room
    ("@chef.beta:hs.test", LEAD_ROOM),         # another team's lead
    (LEAD, "!dm-agent:hs.test"),               # the right lead, not in a lead room
])
async def test_resume_refused(sqlite_db, audit_key, sender, room):
    audit = audit_mod.AuditLog(sqlite_db, audit_key)
    messenger = RecordingMessenger()
    assert await handle_resume_command([], sender=sender, room_id=room, db=sqlite_db,
                                       config=make_config(sqlite_db.url), messenger=messenger,
                                       audit=audit) is None
    [notice] = messenger.sent
    assert notice["room_id"] == room and "réservée aux responsables" in notice["body"]
    with sqlite_db.session() as s:
        ev = s.exec(select(AuditEvent)).one()
    assert (ev.kind, ev.actor) == ("access.denied", sender)


@pytest.mark.parametrize("args, expected", [
    (["10/03/2026"], "Date non comprise"), (["2026-02-30"], "Date non comprise"),
    (["2026-03-10", "x"], "Date non comprise"), (["2026-03-12"], "dans le futur"),
])
async def test_resume_bad_dates(sqlite_db, args, expected):
    messenger = RecordingMessenger()
    await handle_resume_command(args, sender=LEAD, room_id=LEAD_ROOM, db=sqlite_db,
                                config=make_config(sqlite_db.url), messenger=messenger, now=utc(2026, 3, 11, 8))
    [notice] = messenger.sent
    assert expected in notice["body"]


# -- command line ----------------------------------------------------------------------------

def test_cli_json_and_text(seeded, capsys):
    cfg = make_config(seeded.url)
    assert summary_command(cfg, date="2026-03-10", team="alpha", fmt="json") == 0
    data = json.loads(capsys.readouterr().out)
    assert {k: data[k] for k in ("questions", "drafts", "approved", "edited", "discarded", "pending", "failed")} \
        == {"questions": 9, "drafts": 7, "approved": 2, "edited": 2, "discarded": 2, "pending": 3, "failed": 1}
    assert summary_command(cfg, date="2026-03-10", fmt="json") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["team"] for x in lines] == ["alpha", "beta"]
    assert json.loads(lines[1])["discarded"] == 1
    assert summary_command(cfg, date="2026-03-10", team="alpha") == 0
    assert capsys.readouterr().out.startswith("Résumé Plume — équipe alpha — mardi 10 mars 2026\n")


@pytest.mark.parametrize("kwargs", [{"team": "gamma"}, {"date": "10/03/2026"}, {"fmt": "xml"}])
def test_cli_bad_arguments(sqlite_db, capsys, kwargs):
    assert summary_command(make_config(sqlite_db.url), **kwargs) == 1
    assert capsys.readouterr().err


def test_cli_post_queues_a_request_for_the_bot(sqlite_db, capsys):
    assert summary_command(make_config(sqlite_db.url), date="2026-03-10", team="alpha", post=True) == 0
    out = capsys.readouterr()
    assert "aucune activité" in out.out and "bot en marche" in out.err
    assert reporting.post_requests(sqlite_db) == [("alpha", DAY)]
    assert not reporting.summary_sent(sqlite_db, "alpha", DAY)  # on demand: not the daily send


async def test_requested_post_that_fails_stays_queued_and_does_not_block_others(sqlite_db):
    cfg = make_config(sqlite_db.url)
    reporting.request_post(sqlite_db, "alpha", DAY)
    reporting.request_post(sqlite_db, "beta", DAY)
    messenger = RecordingMessenger(fail_notices=1)
    assert await post_requested(sqlite_db, cfg, messenger) == 1
    assert len(messenger.notices) == 1
    assert len(reporting.post_requests(sqlite_db)) == 1  # the failed one, for the next round
    assert await post_requested(sqlite_db, cfg, messenger) == 1
    assert reporting.post_requests(sqlite_db) == []


def test_cli_refuses_a_database_that_does_not_exist(tmp_path, capsys):
    missing = tmp_path / "typo" / "plume.db"
    assert summary_command(make_config(f"sqlite:///{missing}")) == 1
    assert "storage.url" in capsys.readouterr().err
    assert not missing.exists()
