"""Summary figures (storage.summary) from inserted rows, and their French rendering and chart."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from PIL import Image

from handlers.messages.entities import ENTITY_LABELS
from handlers.messages.leads import render_summary
from handlers.rendering import render_chart
from redaction.recognizers import ALL_ENTITIES
from storage.summary import chart_series, compute_summary, day_bounds
from tests.summary_support import (AGENT_1, AGENT_2, DAY, PARIS, add_decision, add_question,  # noqa: F401
                                   make_config, seeded, utc)


def compute(db, team, day, tz, *, now=None):
    return compute_summary(db, team.name, day, tz, per_agent=team.per_agent_stats, now=now)


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
    s = compute(seeded, cfg.team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
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
    s = compute(seeded, cfg.team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 10, 9, 30))
    assert s.until == utc(2026, 3, 10, 9, 30)
    assert (s.questions, s.approved, s.edited, s.discarded) == (3, 2, 2, 0)
    assert s.pending == 0
    assert "(jusqu'à 10:30)" in render_summary(s)[0]


def test_per_agent_figures_only_when_configured(seeded):
    cfg = make_config(seeded.url, per_agent=True)
    s = compute(seeded, cfg.team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
    assert s.per_agent == {
        AGENT_2: {"questions": 2, "approved": 0, "edited": 1, "discarded": 1},
        AGENT_1: {"questions": 7, "approved": 2, "edited": 1, "discarded": 1},
    }
    plain, html = render_summary(s)
    assert "Par agent" in plain and AGENT_1 in plain and AGENT_1 in html
    off = compute(seeded, make_config(seeded.url).team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
    assert AGENT_1 not in render_summary(off)[0]


def test_day_boundaries_at_autumn_dst(db):
    add_question(db, "early", utc(2026, 10, 24, 22, 30))   # 00:30 CEST on Oct 25
    add_question(db, "late", utc(2026, 10, 25, 22, 30))    # 23:30 CET on Oct 25
    add_question(db, "before", utc(2026, 10, 24, 21, 30))  # 23:30 CEST on Oct 24
    add_question(db, "after", utc(2026, 10, 25, 23, 0))    # 00:00 CET on Oct 26
    team = make_config(db.url).team_named("alpha")
    assert compute(db, team, date(2026, 10, 25), PARIS, now=utc(2026, 11, 1)).questions == 2
    assert compute(db, team, date(2026, 10, 24), PARIS, now=utc(2026, 11, 1)).questions == 1


# -- rendering -------------------------------------------------------------------------------

def test_render_french_plain_and_html(seeded):
    add_question(seeded, "q9", utc(2026, 3, 10, 15))
    add_decision(seeded, "q9", "discarded", utc(2026, 3, 10, 15, 1), reason="<b>[NOM_1]</b> & co")
    cfg = make_config(seeded.url)
    s = compute(seeded, cfg.team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
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


def test_every_entity_type_has_french_labels():
    assert set(ALL_ENTITIES) <= set(ENTITY_LABELS)
    assert all(label.singular and label.plural and label.named for label in ENTITY_LABELS.values())


def test_idle_day_is_one_short_line(db):
    add_question(db, "old", utc(2026, 3, 1, 9))   # still pending, from before
    s = compute(db, make_config(db.url).team_named("alpha"), DAY, PARIS, now=utc(2026, 3, 12))
    assert s.idle
    plain, html = render_summary(s)
    assert plain == ("Résumé Plume — équipe alpha — mardi 10 mars 2026 : aucune activité. "
                     "Questions toujours en attente de décision : 1.")
    assert "\n" not in plain and html == f"<p>{plain}</p>"


def test_chart_is_a_png_of_fourteen_days(seeded):
    days, series = chart_series(seeded, "alpha", DAY, PARIS)
    assert days[0] == date(2026, 2, 25) and days[-1] == DAY and len(days) == 14
    assert series["approved"][days.index(date(2026, 3, 2))] == 1
    assert series["approved"][days.index(date(2026, 3, 9))] == 0     # prev8 (Mar 8) and q0 (DAY)
    assert series["approved"][days.index(date(2026, 3, 8))] == 1
    assert [series[k][-1] for k in ("approved", "edited", "discarded")] == [2, 2, 2]
    assert sum(map(sum, series.values())) == 1 + 6 + 6
    png = render_chart("alpha", *chart_series(seeded, "alpha", DAY, PARIS))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(png)).size == (800, 350)


def test_chart_buckets_decisions_by_local_day(db):
    add_question(db, "a", utc(2026, 3, 29, 20))
    add_decision(db, "a", "edited", utc(2026, 3, 29, 22, 30), similarity=0.9)  # 00:30 CEST Mar 30
    add_question(db, "b", utc(2026, 3, 29, 20))
    add_decision(db, "b", "approved", utc(2026, 3, 29, 21, 30))  # 23:30 CEST Mar 29
    days, series = chart_series(db, "alpha", date(2026, 3, 30), PARIS)
    assert series["approved"][-2:] == [1, 0]
    assert series["edited"][-2:] == [0, 1]
