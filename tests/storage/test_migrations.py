"""Migration 0002 moves the retry prompts and summary requests out of ``bot_state``."""

from __future__ import annotations

from datetime import date

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import text

from storage import reporting
from storage.audit import AuditLog
from storage.db import MIGRATIONS, Database
from storage.store import Store
from tests.fixtures.db import TEST_AUDIT_KEY


def _alembic(db: Database, target: str, *, down: bool = False) -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)


def test_bot_state_keys_move_to_their_tables_and_back(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    _alembic(db, "0001")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO question (id, event_id, room_id, agent, redacted_text, "
                          "entity_counts, status, created_at) VALUES ('q1', '$paste', '!dm', "
                          "'@a:hs', '[NOM_1]', '{}', 'failed', '2026-03-10 09:00:00')"))
        conn.execute(text("INSERT INTO bot_state (key, value) VALUES ('sync_token', 's1'), "
                          "('retry:$failed', 'q1'), ('summary.post:2026-03-10:alpha', "
                          "'2026-03-10T09:00:00+00:00')"))
    _alembic(db, "head")
    store = Store(db, AuditLog(db, TEST_AUDIT_KEY))
    assert store.question_for_retry("$failed").id == "q1"
    assert reporting.post_requests(db) == [("alpha", date(2026, 3, 10))]
    assert store.get_state("sync_token") == "s1"
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT key FROM bot_state")).scalars().all() == ["sync_token"]
    _alembic(db, "0001", down=True)
    with db.engine.connect() as conn:
        keys = set(conn.execute(text("SELECT key FROM bot_state")).scalars())
    assert keys == {"sync_token", "retry:$failed", "summary.post:2026-03-10:alpha"}
    db.dispose()
