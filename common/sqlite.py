"""SQLite transactions begun by Plume itself, so that a writer can take the write lock at BEGIN.

pysqlite's own transaction handling is turned off (``isolation_level=None``) and ``install``
makes every SQLAlchemy transaction on the engine emit its BEGIN: plain ``BEGIN`` (deferred) for
readers, ``BEGIN IMMEDIATE`` inside ``write_transaction``. A deferred transaction that reads
before it writes fails at once with "database is locked" (SQLITE_BUSY, no busy wait) when another
connection committed in between; an immediate one waits for the lock (``busy_timeout``) instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, event

_BEGIN = "sqlite_begin"  # connection info key: the BEGIN statement of its next transaction


def install(engine: Engine) -> None:
    """Let ``write_transaction`` choose the BEGIN of the engine's transactions (SQLite only)."""
    event.listen(engine, "begin", _begin)


def _begin(conn: Connection) -> None:
    conn.exec_driver_sql(conn.info.pop(_BEGIN, "BEGIN"))


def immediate(conn: Connection) -> None:
    """Make the connection's next transaction a BEGIN IMMEDIATE one (no effect off SQLite)."""
    if conn.dialect.name == "sqlite":
        conn.info[_BEGIN] = "BEGIN IMMEDIATE"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction that holds SQLite's write lock from its start.

    Committed on success, rolled back on error; on PostgreSQL a plain transaction.
    """
    with engine.connect() as conn:
        immediate(conn)
        with conn.begin():
            yield conn
