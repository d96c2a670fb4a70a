"""The bot's end-to-end encryption key store: nio's, with SQLite tuned for a busy event loop."""

from __future__ import annotations

from nio.store import DefaultStore
from peewee import SqliteDatabase  # nio's store engine


class WalStore(DefaultStore):
    """nio's key store in SQLite WAL mode with ``synchronous=NORMAL``. nio writes its store while
    it handles a sync, on the event loop: with the default journal every room key received costs
    several fsyncs, which holds up every agent during a burst. A power loss may drop the last
    keys received (the bot then asks the agent to send the message again); it cannot corrupt
    the store."""

    def _create_database(self) -> SqliteDatabase:
        return SqliteDatabase(self.database_path, pragmas={
            "foreign_keys": 1, "secure_delete": 1, "journal_mode": "wal", "synchronous": "normal"})
