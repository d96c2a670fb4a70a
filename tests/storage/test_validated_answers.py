"""The validated-answer library on SQLite (FTS5) and PostgreSQL (tsvector): written with the
decision, searched per team, decided by the measured similarity threshold (storage.answers)."""

from __future__ import annotations

import pytest

from storage.answers import MIN_SIMILARITY, search_stems, similarity
from storage.audit import ExportFilter
from storage.store import Store

RIB = "Bonjour, je suis [NOM_1]. Comment signaler à la CAF mon changement de RIB ? IBAN [IBAN_1]."
RIB_AGAIN = "J'ai changé de banque, comment signaler mon nouveau RIB à la CAF ? [NOM_1]"
APL = "Quand sera versée mon aide au logement ce mois-ci ?"
ANSWER = "Bonjour [NOM_1], connectez-vous à votre espace, rubrique « Mes informations »."


def test_search_stems_drop_placeholders_stop_words_and_accents():
    assert search_stems("Bonjour [NOM_1], je déclare [IBAN_1] à la Sécurité sociale") == \
        "declar securit social"
    assert search_stems("[NOM_1] [NIR_1]") == ""


def test_similarity_is_dice_on_stem_sets():
    assert similarity("a b c d", "a b c d") == 1.0
    assert similarity("a b c d", "a b e f") == 0.5
    assert similarity("", "a") == 0.0
    assert similarity(search_stems(RIB), search_stems(RIB_AGAIN)) >= MIN_SIMILARITY
    assert similarity(search_stems(RIB), search_stems(APL)) < MIN_SIMILARITY


def _decided(store: Store, n: int, text: str, *, team: str | None, agent: str = "@a:test",
             kind: str = "approved", final: str | None = None):
    question = store.open_question(event_id=f"$q{n}", room_id="!r:test", agent=agent, team=team,
                                   redacted_text=text, entity_counts={})
    draft = store.add_draft(question, text=ANSWER, backend="test", model="m", latency_ms=1,
                            instruction=None, actor=agent)
    store.decide(question, draft, kind=kind, actor=agent, final_text=final)
    return question


def test_approved_and_edited_answers_are_found_per_team(db, audit):
    store = Store(db, audit)
    _decided(store, 1, RIB, team="t1")
    _decided(store, 2, APL, team="t1", kind="edited", final="Votre aide est versée le 5 du mois.")
    _decided(store, 3, RIB, team="t2", kind="discarded")

    match = store.similar_answer(team="t1", agent="@b:test", question_text=RIB_AGAIN)
    assert match is not None and match.text == ANSWER and match.kind == "approved"
    assert match.similarity >= MIN_SIMILARITY and match.validated_at.tzinfo is not None
    edited = store.similar_answer(team="t1", agent="@b:test", question_text="Quand sera versée mon aide au logement ?")
    assert edited.text == "Votre aide est versée le 5 du mois." and edited.kind == "edited"
    # another team's library, a discarded draft, an unrelated question: nothing
    assert store.similar_answer(team="t2", agent="@b:test", question_text=RIB_AGAIN) is None
    assert store.similar_answer(team="t1", agent="@b:test", question_text="Comment renouveler mon passeport ?") is None
    again = store.validated_answer(match.id, RIB_AGAIN)
    assert again == match


def test_agents_without_team_only_get_their_own_answers(db, audit):
    store = Store(db, audit)
    _decided(store, 1, RIB, team=None, agent="@a:test")
    assert store.similar_answer(team=None, agent="@a:test", question_text=RIB_AGAIN) is not None
    assert store.similar_answer(team=None, agent="@b:test", question_text=RIB_AGAIN) is None
    assert store.similar_answer(team="t1", agent="@a:test", question_text=RIB_AGAIN) is None


def test_reuse_is_counted_in_the_summary(db, audit):
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    store = Store(db, audit)
    _decided(store, 1, RIB, team="t1")
    match = store.similar_answer(team="t1", agent="@b:test", question_text=RIB_AGAIN)
    question = store.open_question(event_id="$q2", room_id="!r:test", agent="@b:test", team="t1",
                                   redacted_text=RIB_AGAIN, entity_counts={})
    store.add_draft(question, text=ANSWER, backend="test", model="m", latency_ms=1,
                    instruction=None, actor="@b:test", example=match)
    store.add_draft(question, text=ANSWER, backend="test", model="m", latency_ms=1,
                    instruction=None, actor="@b:test", example=match, tone="court")
    zone = ZoneInfo("Europe/Paris")
    figures = store.summary("t1", datetime.now(timezone.utc).astimezone(zone).date(), zone)
    data = figures.to_json()
    assert data["validated_reused"] == 1 and data["questions"] == 2


def test_migration_backfills_the_decisions_already_stored(db):
    """Down to 0002 (dropping the library), old decisions in, up again: they are in the library."""
    from alembic import command
    from alembic.config import Config as AlembicConfig
    from sqlalchemy import text

    from storage.audit import AuditLog
    from storage.db import MIGRATIONS
    from tests.fixtures.db import TEST_AUDIT_KEY

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    with db.engine.begin() as conn:
        for n, (kind, final) in enumerate((("approved", None), ("edited", "Texte corrigé."),
                                           ("discarded", None)), start=1):
            conn.execute(text(
                "INSERT INTO question (id, event_id, room_id, agent, team, redacted_text, entity_counts,"
                f" status, created_at) VALUES ('q{n}', '$e{n}', '!dm', '@a:hs', 't1', :q, '{{}}', :k,"
                " '2026-11-10 09:00:00+00')"), {"q": RIB, "k": kind})
            draft_id = conn.execute(text(
                "INSERT INTO draft (question_id, version, text, backend, model, latency_ms, created_at)"
                f" VALUES ('q{n}', 1, :a, 'b', 'm', 1, '2026-11-10 09:00:00+00') RETURNING id"),
                {"a": ANSWER}).scalar_one()
            conn.execute(text(
                "INSERT INTO decision (question_id, draft_id, kind, actor, final_text, created_at)"
                f" VALUES ('q{n}', :d, :k, '@a:hs', :f, '2026-11-10 09:0{n}:00+00')"),
                {"d": draft_id, "k": kind, "f": final})
    db.migrate()
    store = Store(db, AuditLog(db, TEST_AUDIT_KEY))
    match = store.similar_answer(team="t1", agent="@b:hs", question_text=RIB_AGAIN)
    assert match.question_id == "q2" and match.text == "Texte corrigé."  # the newest of two equals
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM validated_answer")).scalar() == 2


def test_signature_is_set_replaced_and_erased_without_its_text_in_the_audit(db, audit):
    store = Store(db, audit)
    assert store.signature("@a:test") is None
    store.set_signature("@a:test", "Jeanne Testeuse\nCAF de Testville")
    store.set_signature("@a:test", "Jeanne Testeuse\nCAF de Testville, service famille")
    assert store.signature("@a:test").endswith("service famille")
    store.set_signature("@a:test", None)
    assert store.signature("@a:test") is None
    events = list(audit.iter_events(ExportFilter.build()))
    assert [e["kind"] for e in events] == ["agent.signature_set"] * 2 + ["agent.signature_cleared"]
    assert all("Testeuse" not in (e["payload"] or "") for e in events)
