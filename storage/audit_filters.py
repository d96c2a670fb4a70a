"""Reading the audit log: export filters, strict day parsing and witness files (DESIGN §3.3).

``ExportFilter.build`` raises ``ExportFilterError`` whose ``kind`` is ``bad_date`` (``value`` is
the text given) or ``empty_range``; handlers and the CLI say it in French.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from storage.models import AuditEvent

WITNESS_TOKEN = "PLUME-WITNESS"
_T = AuditEvent.__table__
_ISO_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WITNESS_RE = re.compile(WITNESS_TOKEN + r"\s+seq=(\d+)\s+hash=([0-9a-f]{64})")


class ExportFilterError(ValueError):
    """A bad ``--since``/``--until``: ``kind`` is ``bad_date`` or ``empty_range``."""

    def __init__(self, kind: str, value: str) -> None:
        super().__init__(f"{kind}: {value}")
        self.kind = kind
        self.value = value


def format_ts(moment: datetime) -> str:
    """The stored ``ts`` form of an aware datetime: UTC, microseconds, fixed width."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_witnesses(lines: Iterable[str]) -> list[tuple[int, str]]:
    """Witness heads (seq, hash) found in ``lines`` (module docstring gives the format)."""
    found: list[tuple[int, str]] = []
    for line in lines:
        matches = [(int(s), h) for s, h in _WITNESS_RE.findall(line)]
        if not matches and line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            if (isinstance(obj, dict) and isinstance(obj.get("seq"), int)
                    and re.fullmatch(r"[0-9a-f]{64}", str(obj.get("hash", "")))):
                matches = [(obj["seq"], obj["hash"])]
        found.extend(matches)
    return found


def parse_day(text: str) -> date | None:
    """The calendar day of a strict ``YYYY-MM-DD`` string, else None (``date.fromisoformat``
    alone would also take ``20260310`` or ISO week dates)."""
    if not _ISO_DAY_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse_bound(text: str, *, end: bool) -> str:
    """A ``ts`` string bound: the start of a range (inclusive) or the end (exclusive)."""
    text = text.strip()
    day = parse_day(text)
    if day is not None:
        day += timedelta(days=1 if end else 0)
        return format_ts(datetime(day.year, day.month, day.day, tzinfo=timezone.utc))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ExportFilterError("bad_date", text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    # ts has microsecond precision, so "≤ until" is "< until + 1 µs".
    return format_ts(moment + timedelta(microseconds=1 if end else 0))


@dataclass(frozen=True)
class ExportFilter:
    """Export filters. ``start``/``end`` are ``ts`` string bounds: start ≤ ts < end."""

    since: str | None = None
    until: str | None = None
    kinds: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None

    @classmethod
    def build(cls, since: str | None = None, until: str | None = None,
              kinds: Iterable[str] = (), actors: Iterable[str] = ()) -> "ExportFilter":
        """``since``/``until``: YYYY-MM-DD (whole UTC day, both inclusive) or ISO 8601 (naive = UTC).

        Raises ExportFilterError (kind ``bad_date`` or ``empty_range``).
        """
        start = _parse_bound(since, end=False) if since else None
        end = _parse_bound(until, end=True) if until else None
        if start and end and start >= end:
            raise ExportFilterError("empty_range", f"{since} > {until}")
        return cls(since, until, tuple(kinds), tuple(actors), start, end)

    def describe(self) -> dict:
        """The filters as given, for the ``audit.exported`` payload."""
        return {"since": self.since, "until": self.until, "kinds": list(self.kinds),
                "actors": list(self.actors)}

    def where(self, stmt):
        if self.start:
            stmt = stmt.where(_T.c.ts >= self.start)
        if self.end:
            stmt = stmt.where(_T.c.ts < self.end)
        if self.kinds:
            stmt = stmt.where(_T.c.kind.in_(self.kinds))
        if self.actors:
            stmt = stmt.where(_T.c.actor.in_(self.actors))
        return stmt
