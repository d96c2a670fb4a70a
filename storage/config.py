"""The ``storage`` section of the configuration (DESIGN §3.2)."""

from __future__ import annotations

from pydantic import Field, field_validator

from common.config import Section


class StorageConfig(Section):
    url: str = "sqlite:///./data/plume.db"
    retention_days: int = Field(default=365, ge=1)

    @field_validator("url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return check_database_url(value)


def check_database_url(url: str) -> str:
    """``url`` if SQLAlchemy can open it with an installed driver; ValueError otherwise.

    The URL is never echoed back: it may hold a password.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    hint = "expected sqlite:///path/plume.db or postgresql+psycopg://user@host/db"
    try:
        parsed = make_url(url)
        dialect = parsed.get_dialect()
    except NoSuchModuleError:  # a subclass of ArgumentError
        raise ValueError(f"unknown database type in the URL ({hint})") from None
    except (ArgumentError, ValueError):
        raise ValueError(f"not a valid database URL ({hint})") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"Plume supports SQLite and PostgreSQL only ({hint})")
    try:
        dialect.import_dbapi()
    except ImportError:
        raise ValueError(f"database driver {parsed.drivername!r} is not installed ({hint})") from None
    return url
