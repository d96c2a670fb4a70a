"""The database: engine creation (SQLite with WAL by default, PostgreSQL by URL) and migrations.

``Database(url)`` is cheap to build; call ``migrate()`` once at start-up to bring the schema to
alembic's head.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from common import sqlite

MIGRATIONS = Path(__file__).with_name("migrations")


def as_utc(value: datetime | None) -> datetime | None:
    """A datetime read back from the database, as aware UTC (SQLite returns naive values)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA secure_delete=ON")  # freed cells are zeroed: a scrubbed value is gone
    cur.close()


class Database:
    """One engine per URL. ``is_sqlite`` tells the audit chain which lock to take."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self._sqlite_file = (Path(parsed.database) if self.is_sqlite and parsed.database
                             and parsed.database != ":memory:" else None)
        # SQLite writers of this process queue on a lock of ours: waiting on the database lock
        # itself means SQLite's busy handler, which sleeps up to 100 ms between tries, so a
        # burst of writes (many questions at once) spends most of its time asleep.
        self._writers = threading.RLock() if self.is_sqlite else None
        if self.is_sqlite:
            self.engine: Engine = create_engine(
                url, connect_args={"isolation_level": None, "timeout": 30, "check_same_thread": False}
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
            sqlite.install(self.engine)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)

    def migrate(self) -> None:
        """Upgrade the schema to the newest alembic revision (creating a SQLite file if needed)."""
        if self._sqlite_file is not None:
            self._sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def has_table(self, name: str) -> bool:
        """Whether the table exists, without creating anything (not even a SQLite file)."""
        if self._sqlite_file is not None and not self._sqlite_file.exists():
            return False
        return inspect(self.engine).has_table(name)

    @contextmanager
    def session(self, *, immediate: bool = False) -> Iterator[Session]:
        """A session in one transaction, committed on success and rolled back on error.

        ``immediate=True`` takes SQLite's write lock at BEGIN (BEGIN IMMEDIATE), so that
        read-then-write sequences cannot interleave, after the process's other such sessions
        (in arrival order, no polling); on PostgreSQL writers lock rows instead.
        """
        writing = immediate and self.is_sqlite
        with self._writers if writing else nullcontext(), self.engine.connect() as conn:
            if writing:
                sqlite.immediate(conn)
            with conn.begin():
                with Session(bind=conn, expire_on_commit=False) as session:
                    yield session
                    session.flush()

    def dispose(self) -> None:
        self.engine.dispose()
