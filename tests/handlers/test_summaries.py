"""SummaryHandler: the daily post (once, with chart, audited), ``!resume`` and the CLI requests,
with an in-memory Messenger and a real SQLite store. Synthetic data; explicit clocks."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from common.clock import utc_now
from handlers.access import AccessPolicy
from handlers.commands import CommandHandler
from handlers.events import Incoming
from handlers.summaries import SummaryHandler
from storage import reporting
from storage.async_store import AsyncStore
from storage.audit import AuditLog, ExportFilter
from storage.models import AuditEvent, SummarySent
from storage.store import Store
from tests.fixtures.db import TEST_AUDIT_KEY, race_processes
from tests.messenger import RecordingMessenger
from tests.summary_support import (AGENT_1, DAY, LEAD, LEAD_ROOM, add_question, make_config,  # noqa: F401
                                   seeded, utc)


def handler(db, messenger, *, now=None, **config) -> SummaryHandler:
    cfg = make_config(db.url, **config)
    return SummaryHandler(config=cfg, store=AsyncStore(Store(db, AuditLog(db, TEST_AUDIT_KEY))),
                          messenger=messenger, access=AccessPolicy(cfg),
                          clock=(lambda: now) if now else utc_now)


async def post_daily(db, messenger, *, now, **config) -> bool:
    summaries = handler(db, messenger, **config)
    return await summaries.post_daily(summaries.config.team_named("alpha"), DAY, now=now)


async def resume(db, messenger, words, *, now=None, sender=LEAD, room=LEAD_ROOM) -> None:
    """``!resume <words>`` typed by ``sender`` in ``room``, through the command dispatcher."""
    summaries = handler(db, messenger, now=now)
    commands = CommandHandler(store=summaries.store, messenger=messenger, owners=[summaries])
    event = Incoming("text", room, f"$cmd-{uuid.uuid4().hex[:8]}", sender,
                     body=" ".join(["!resume", *words]))
    await commands.on_command(event, summaries.access.role_of(room))


# -- posting ---------------------------------------------------------------------------------

async def test_post_summary_once_with_chart_and_audit(seeded, audit):
    messenger = RecordingMessenger()
    assert await post_daily(seeded, messenger, now=utc(2026, 3, 10, 17))
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
    assert not await post_daily(seeded, messenger, now=utc(2026, 3, 10, 17, 1))
    assert len(messenger.sent) == 2


async def test_failed_notice_releases_claim_for_retry(sqlite_db):
    add_question(sqlite_db, "q", utc(2026, 3, 10, 9))
    messenger = RecordingMessenger(fail_notices=1)
    with pytest.raises(RuntimeError):
        await post_daily(sqlite_db, messenger, now=utc(2026, 3, 10, 17))
    assert not reporting.summary_sent(sqlite_db, "alpha", DAY)
    assert await post_daily(sqlite_db, messenger, now=utc(2026, 3, 10, 17))
    assert len(messenger.notices) == 1 and len(messenger.files) == 1


async def test_failed_chart_still_counts_as_sent(sqlite_db):
    add_question(sqlite_db, "q", utc(2026, 3, 10, 9))
    messenger = RecordingMessenger(fail_files=True)
    assert await post_daily(sqlite_db, messenger, now=utc(2026, 3, 10, 17))
    assert reporting.summary_sent(sqlite_db, "alpha", DAY)
    assert not await post_daily(sqlite_db, messenger, now=utc(2026, 3, 10, 18))
    assert len(messenger.notices) == 1 and messenger.files == []


@pytest.mark.parametrize("post_when_idle", [True, False])
async def test_idle_team(sqlite_db, post_when_idle):
    messenger = RecordingMessenger()
    posted = await post_daily(sqlite_db, messenger, now=utc(2026, 3, 10, 17), post_when_idle=post_when_idle)
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
    messenger = RecordingMessenger()
    await resume(seeded, messenger, ["2026-03-10"], now=utc(2026, 3, 11, 8))
    [notice] = messenger.notices
    assert "Questions reçues : 9" in notice["body"]
    assert len(messenger.files) == 1
    assert not reporting.summary_sent(seeded, "alpha", DAY)     # not the daily send
    with seeded.session() as s:
        ev = s.exec(select(AuditEvent).where(AuditEvent.kind == "summary.posted")).one()
    assert ev.actor == LEAD and json.loads(ev.payload)["on_demand"] is True
    assert json.loads(ev.payload)["event_id"] == notice["event_id"]
    assert audit.verify().ok


async def test_resume_defaults_to_today_so_far(seeded):
    messenger = RecordingMessenger()
    await resume(seeded, messenger, [], now=utc(2026, 3, 10, 9, 30))
    assert "mardi 10 mars 2026 (jusqu'à 10:30)" in messenger.notices[0]["body"]
    assert "Questions reçues : 3" in messenger.notices[0]["body"]


@pytest.mark.parametrize("sender, room", [
    (AGENT_1, LEAD_ROOM),                      # an agent in the lead room
    ("@chef.beta:hs.test", LEAD_ROOM),         # another team's lead
    (LEAD, "!dm-agent:hs.test"),               # the right lead, not in a lead room
])
async def test_resume_refused(sqlite_db, sender, room):
    messenger = RecordingMessenger()
    await resume(sqlite_db, messenger, [], sender=sender, room=room)
    [notice] = messenger.sent
    assert notice["room_id"] == room and "réservée aux responsables" in notice["body"]
    with sqlite_db.session() as s:
        ev = s.exec(select(AuditEvent)).one()
    assert (ev.kind, ev.actor) == ("access.denied", sender)
    assert json.loads(ev.payload) == {"reason": "resume_not_lead", "room_id": room}


@pytest.mark.parametrize("args, expected", [
    (["10/03/2026"], "Date non comprise"), (["2026-02-30"], "Date non comprise"),
    (["2026-03-10", "x"], "Date non comprise"), (["2026-03-12"], "dans le futur"),
])
async def test_resume_bad_dates(sqlite_db, args, expected):
    messenger = RecordingMessenger()
    await resume(sqlite_db, messenger, args, now=utc(2026, 3, 11, 8))
    [notice] = messenger.sent
    assert expected in notice["body"]



# -- plume summary --post requests --------------------------------------------------------

async def test_requested_post_that_fails_stays_queued_and_does_not_block_others(sqlite_db):
    reporting.request_post(sqlite_db, "alpha", DAY)
    reporting.request_post(sqlite_db, "beta", DAY)
    messenger = RecordingMessenger(fail_notices=1)
    summaries = handler(sqlite_db, messenger)
    assert await summaries.post_requested() == 1
    assert len(messenger.notices) == 1
    assert len(reporting.post_requests(sqlite_db)) == 1  # the failed one, for the next round
    assert await summaries.post_requested() == 1
    assert reporting.post_requests(sqlite_db) == []


    [ev, *_] = [e for e in AuditLog(sqlite_db, TEST_AUDIT_KEY).iter_events(ExportFilter.build())
                if e["kind"] == "summary.posted"]
    assert json.loads(ev["payload"])["via"] == "cli"
