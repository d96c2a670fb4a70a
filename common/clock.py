"""The one clock of Plume: aware UTC now (tests pass their own ``now``/``clock`` instead)."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)
