"""Audit log: an append-only, keyed hash chain (DESIGN §3.3).

CONTRACT (other packages rely on it):

    audit_key_from_env() -> bytes          # PLUME_AUDIT_KEY; raises AuditKeyMissing if unset
                                           # (or shorter than MIN_KEY_CHARS characters)
    AuditLog(db: storage.db.Database, key: bytes)
    AuditLog.append(kind, *, actor, question_id=None, payload=None, session=None) -> AuditEvent
        payload: JSON-able dict in placeholder form (None is stored as {}). With ``session``
        (opened with ``db.session(immediate=True)``) the event joins the caller's transaction, so
        a state change and its audit event commit together.
    AuditLog.head() -> tuple[int, str]     # (seq, hash) of the newest event; (0, "0"*64) if empty
    AuditLog.verify(witnesses=None) -> VerifyReport(ok: bool, checked: int,
                                                    first_bad_seq: int | None, fault: str | None)
Extensions:
    AuditLog.purge(retention_days, now=None) -> int      # payloads blanked; audited (audit.purged)
    AuditLog.scrub(question_id, matches, *, session) -> list[int]   # see the method
    AuditLog.export(out, flt, fmt, *, actor, context=None, on_row=None) -> int
                                                         # rows written; audited (audit.exported)
    AuditLog.iter_events(flt) / count_events(flt)        # streamed rows as dicts / their number
    ExportFilter.build(since, until, kinds, actors)      # YYYY-MM-DD or ISO 8601 bounds, UTC
    parse_day(text) -> date | None                        # strict YYYY-MM-DD (also for !resume)
    parse_witnesses(lines) -> list[(seq, hash)]           # witness file reader (format below)

Hashing. ``payload_hash`` = SHA-256 (hex) of the canonical payload JSON, which is what the
``payload`` column stores. ``hash`` = HMAC-SHA256 (hex), keyed with PLUME_AUDIT_KEY, of the
canonical JSON of {seq, ts, actor, kind, question_id, payload_hash, prev_hash}. Canonical JSON:
sorted keys, separators (",", ":"), no ASCII escaping, UTF-8. ``ts`` is the UTC ISO 8601 string
produced here (fixed width, e.g. ``2026-03-01T09:30:00.123456+00:00``) and hashed as stored: a
datetime read back from the database is never hashed. The first ``prev_hash`` is "0" * 64.

Writers are serialised on the ``audit_head`` row (id = 1, the chain head): PostgreSQL locks it with
SELECT … FOR UPDATE; on SQLite the session is opened with BEGIN IMMEDIATE (database write lock).

Verification walks the chain in seq order inside one snapshot and stops at the first fault:
``seq_gap`` (a seq is missing or out of order: deleted row), ``prev_hash_mismatch`` (the link to
the previous row is broken: reordered or spliced rows), ``hash_mismatch`` (the HMAC does not
match: an edited field, an inserted row, a chain rebuilt without the key), ``payload_mismatch``
(payload edited), ``payload_missing`` (payload blanked beyond what a retention purge blanked, or
than the ``scrubbed_seqs`` of a later authentic ``SCRUB_KINDS`` event of the same question list),
``witness_mismatch`` (a published witness head differs: the chain was rewritten), ``truncated``
(a witness attests a seq the chain no longer has) and ``head_mismatch`` (the head row disagrees
with the last event).

Witness file (``plume audit verify --witness FILE``): any text file; every occurrence of
``PLUME-WITNESS seq=<int> hash=<64 hex>`` counts (so an exported room transcript can be used
as is), and so does every JSON line ``{"seq": <int>, "hash": "<64 hex>"}``.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import logging
import os
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Iterator, TextIO

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from common.clock import utc_now
from storage.audit_filters import (WITNESS_TOKEN, ExportFilter, ExportFilterError, format_ts,  # noqa: F401
                                   parse_day, parse_witnesses)
from storage.models import AuditEvent, AuditHead

log = logging.getLogger(__name__)  # stdlib: never writes to stdout, where exports go

KEY_ENV = "PLUME_AUDIT_KEY"
MIN_KEY_CHARS = 32
ZERO_HASH = "0" * 64
PURGE_KIND = "audit.purged"
EXPORT_KIND = "audit.exported"
WITNESS_KIND = "audit.witness"
SCRUB_KINDS = ("question.remasked", "question.corrected")  # may blank their question's payloads
FIELDS = ("seq", "ts", "actor", "kind", "question_id", "payload", "payload_hash", "prev_hash", "hash")
FORMATS = ("jsonl", "csv")

# Verify faults, in the order they are checked (handlers.messages.security says them in French).
FAULTS = ("seq_gap", "prev_hash_mismatch", "hash_mismatch", "payload_mismatch", "payload_missing",
          "witness_mismatch", "truncated", "head_mismatch")

_T = AuditEvent.__table__
_H = AuditHead.__table__
_COLS = [_T.c[name] for name in FIELDS]
_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              allow_nan=False).encode


class AuditKeyMissing(RuntimeError):
    """PLUME_AUDIT_KEY is unset or too short; the bot must not start without it.

    ``kind``: ``unset`` | ``too_short`` | ``empty`` (an empty key given in code).
    """

    def __init__(self, kind: str) -> None:
        super().__init__(f"{KEY_ENV} {kind.replace('_', ' ')} (at least {MIN_KEY_CHARS} characters)")
        self.kind = kind


def audit_key_from_env() -> bytes:
    """The HMAC key: the UTF-8 bytes of PLUME_AUDIT_KEY (at least MIN_KEY_CHARS characters).

    Raises AuditKeyMissing (kind ``unset`` or ``too_short``).
    """
    value = os.environ.get(KEY_ENV) or ""
    if not value:
        raise AuditKeyMissing("unset")
    if len(value) < MIN_KEY_CHARS:
        raise AuditKeyMissing("too_short")
    return value.encode("utf-8")


def canonical_json(obj) -> str:
    """Canonical JSON text: sorted keys, no spaces, non-ASCII kept. Raises TypeError/ValueError."""
    return _canonical(obj)


def payload_digest(payload_text: str) -> str:
    """SHA-256 hex of the canonical payload text (as stored in the ``payload`` column)."""
    return hashlib.sha256(payload_text.encode("utf-8")).hexdigest()


def event_hash(key: bytes, seq: int, ts: str, actor: str, kind: str, question_id: str | None,
               payload_hash: str, prev_hash: str) -> str:
    """HMAC-SHA256 hex of the canonical JSON of the chained fields."""
    msg = _canonical({"actor": actor, "kind": kind, "payload_hash": payload_hash, "prev_hash": prev_hash,
                      "question_id": question_id, "seq": seq, "ts": ts})
    return hmac.digest(key, msg.encode("utf-8"), "sha256").hex()


def utc_now_ts() -> str:
    return format_ts(utc_now())


@dataclass(frozen=True)
class VerifyReport:
    """Result of ``AuditLog.verify``. ``checked``: events that passed before the first fault."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    fault: str | None = None
    head_seq: int = 0
    head_hash: str = ZERO_HASH
    witnesses: int = 0


class AuditLog:
    """The audit hash chain over ``db`` (a ``storage.db.Database``), keyed with ``key``."""

    def __init__(self, db, key: bytes) -> None:
        if not key:
            raise AuditKeyMissing("empty")
        self.db = db
        self.key = key

    # -- writing --------------------------------------------------------------------------

    def append(self, kind: str, *, actor: str, question_id: str | None = None,
               payload: dict | None = None, session=None) -> AuditEvent:
        """Append one event and return it. Raises ValueError on a bad field, TypeError on a
        payload that is not JSON-able.

        Without ``session`` the event commits in its own transaction.
        """
        if not kind or len(kind) > 64 or not actor or len(actor) > 255:
            raise ValueError("audit kind (1-64 chars) and actor (1-255 chars) are required")
        if question_id is not None and len(question_id) > 64:
            raise ValueError("question_id longer than 64 chars")
        if payload is not None and not isinstance(payload, dict):
            raise TypeError("payload must be a dict")
        payload_text = canonical_json(payload or {})
        if session is not None:
            return self._append(session.connection(), kind, actor, question_id, payload_text)
        with self.db.session(immediate=True) as own:
            return self._append(own.connection(), kind, actor, question_id, payload_text)

    def _append(self, conn: Connection, kind: str, actor: str, question_id: str | None,
                payload_text: str) -> AuditEvent:
        head_seq, prev_hash = self._lock_head(conn)
        seq = head_seq + 1
        ts = utc_now_ts()
        payload_hash = payload_digest(payload_text)
        digest = event_hash(self.key, seq, ts, actor, kind, question_id, payload_hash, prev_hash)
        row = dict(seq=seq, ts=ts, actor=actor, kind=kind, question_id=question_id, payload=payload_text,
                   payload_hash=payload_hash, prev_hash=prev_hash, hash=digest)
        conn.execute(insert(_T), [row])
        conn.execute(update(_H).where(_H.c.id == 1).values(seq=seq, hash=digest))
        return AuditEvent(**row)

    def _lock_head(self, conn: Connection) -> tuple[int, str]:
        """Lock the head row (created from the last event when missing) and return it."""
        stmt = select(_H.c.seq, _H.c.hash).where(_H.c.id == 1).with_for_update()
        head = conn.execute(stmt).first()
        if head is None:
            last = conn.execute(select(_T.c.seq, _T.c.hash).order_by(_T.c.seq.desc()).limit(1)).first()
            if last is not None:
                log.warning("audit head row missing; recreated from last event seq=%d", last.seq)
            values = dict(id=1, seq=last.seq if last else 0, hash=last.hash if last else ZERO_HASH)
            ins = (sqlite_insert if self.db.is_sqlite else pg_insert)(_H).values(**values)
            conn.execute(ins.on_conflict_do_nothing(index_elements=["id"]))
            head = conn.execute(stmt).first()
        return head.seq, head.hash

    def purge(self, retention_days: int, now: datetime | None = None) -> int:
        """Blank the payloads of events older than ``retention_days`` (payload_hash is kept, so
        the chain still verifies) and record ``audit.purged``. Returns the number of rows blanked.

        The event's ``through_seq`` bounds which payloads may be blank; ``verify`` flags any
        blank payload above the latest one.
        """
        if retention_days < 1:
            raise ValueError("retention_days must be >= 1")
        cutoff = format_ts((now or utc_now()) - timedelta(days=retention_days))
        with self.db.session(immediate=True) as session:
            conn = session.connection()
            self._lock_head(conn)
            older = conn.scalar(select(func.max(_T.c.seq)).where(_T.c.ts < cutoff)) or 0
            through = max(older, self._blank_allowed_through(conn))
            blanked = conn.execute(
                update(_T).where(_T.c.seq <= through, _T.c.ts < cutoff, _T.c.payload.is_not(None))
                .values(payload=None)).rowcount
            self.append(PURGE_KIND, actor="plume", session=session,
                        payload={"retention_days": retention_days, "cutoff": cutoff,
                                 "through_seq": through, "blanked": blanked})
        log.info("audit purge: blanked=%d through_seq=%d", blanked, through)
        return blanked

    def scrub(self, question_id: str, matches: Callable[[dict], bool], *, session) -> list[int]:
        """Blank the payloads of ``question_id``'s events for which ``matches(payload)`` holds
        (a value the agent masked later), in the caller's transaction, which must then append a
        ``SCRUB_KINDS`` event with the returned seqs as ``scrubbed_seqs``: those blanked, and
        those an earlier scrubbing event now blanked had listed."""
        conn = session.connection()
        rows = conn.execute(select(_T.c.seq, _T.c.kind, _T.c.payload).where(
            _T.c.question_id == question_id, _T.c.payload.is_not(None))).all()
        hits = [(seq, kind, json.loads(payload)) for seq, kind, payload in rows
                if matches(json.loads(payload))]
        if hits:
            conn.execute(update(_T).where(_T.c.seq.in_([h[0] for h in hits])).values(payload=None))
        return sorted({h[0] for h in hits}.union(*(p.get("scrubbed_seqs") or () for _, kind, p
                                                  in hits if kind in SCRUB_KINDS)))

    # -- reading --------------------------------------------------------------------------

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the newest event; (0, "0"*64) when the log is empty."""
        with self.db.engine.connect() as conn:
            row = conn.execute(select(_T.c.seq, _T.c.hash).order_by(_T.c.seq.desc()).limit(1)).first()
        return (row.seq, row.hash) if row else (0, ZERO_HASH)

    def _snapshot(self):
        """A connection whose reads all see one snapshot (SQLite's read transaction in WAL mode
        already does; PostgreSQL needs REPEATABLE READ)."""
        conn = self.db.engine.connect()
        if not self.db.is_sqlite:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        return conn

    def _row_ok(self, row) -> bool:
        """The row's own HMAC and, when present, its payload hash (chain links not checked)."""
        expected = event_hash(self.key, row.seq, row.ts, row.actor, row.kind, row.question_id,
                              row.payload_hash, row.prev_hash)
        return hmac.compare_digest(expected, row.hash) and (
            row.payload is None or payload_digest(row.payload) == row.payload_hash)

    def _blank_allowed_through(self, conn: Connection) -> int:
        """``through_seq`` of the newest authentic ``audit.purged`` event, else 0."""
        row = conn.execute(select(*_COLS).where(_T.c.kind == PURGE_KIND)
                           .order_by(_T.c.seq.desc()).limit(1)).first()
        if row is None or row.payload is None or not self._row_ok(row):
            return 0
        through = json.loads(row.payload).get("through_seq")
        return through if isinstance(through, int) else 0

    def _scrubbed(self, conn: Connection) -> dict[int, str | None]:
        """seq -> question id, for the payloads authentic scrubbing events blanked."""
        allowed: dict[int, str | None] = {}
        for row in conn.execute(select(*_COLS).where(_T.c.kind.in_(SCRUB_KINDS))):
            if row.payload is not None and self._row_ok(row):
                allowed |= {seq: row.question_id for seq in json.loads(row.payload).get(
                    "scrubbed_seqs") or () if isinstance(seq, int) and seq < row.seq}
        return allowed

    def verify(self, witnesses: Iterable[tuple[int, str]] | None = None,
               on_row: Callable[[int], None] | None = None) -> VerifyReport:
        """Walk the whole chain (streamed, constant memory) and report the first fault.

        ``witnesses``: published heads (seq, hash), e.g. from ``parse_witnesses``; a witness
        seq beyond the last event reports ``truncated``. ``on_row(seq)`` is called per event.
        """
        wanted: dict[int, set[str]] = {}
        for w_seq, w_hash in witnesses or ():
            if w_seq > 0:
                wanted.setdefault(w_seq, set()).add(w_hash)
        prev, expected_seq = ZERO_HASH, 1
        fault: tuple[int, str] | None = None

        with self._snapshot() as conn:
            head_row = conn.execute(select(_H.c.seq, _H.c.hash).where(_H.c.id == 1)).first()
            allowed_blank = self._blank_allowed_through(conn)
            scrubbed = self._scrubbed(conn)
            rows = conn.execution_options(yield_per=5000).execute(select(*_COLS).order_by(_T.c.seq))
            for seq, ts, actor, kind, qid, payload, payload_hash, prev_hash, stored in rows:
                if seq != expected_seq:
                    fault = (expected_seq, "seq_gap")
                    break
                if prev_hash != prev:
                    fault = (seq, "prev_hash_mismatch")
                    break
                expected = event_hash(self.key, seq, ts, actor, kind, qid, payload_hash, prev_hash)
                if not hmac.compare_digest(expected, stored):
                    fault = (seq, "hash_mismatch")
                    break
                if payload is None:
                    if seq > allowed_blank and scrubbed.get(seq, "") != qid:
                        fault = (seq, "payload_missing")
                        break
                elif payload_digest(payload) != payload_hash:
                    fault = (seq, "payload_mismatch")
                    break
                if seq in wanted and wanted[seq] != {stored}:
                    fault = (seq, "witness_mismatch")
                    break
                if on_row is not None:
                    on_row(seq)
                prev, expected_seq = stored, seq + 1
            rows.close()

        last_seq = expected_seq - 1  # also the number of events checked
        if fault is None:
            if any(s > last_seq for s in wanted):
                fault = (last_seq + 1, "truncated")
            elif head_row is None and last_seq > 0:
                fault = (last_seq, "head_mismatch")
            elif head_row is not None and head_row.seq != last_seq:
                fault = (min(head_row.seq, last_seq) + 1, "head_mismatch")
            elif head_row is not None and head_row.hash != prev:
                fault = (last_seq, "head_mismatch")
        report = VerifyReport(ok=fault is None, checked=last_seq,
                              first_bad_seq=fault[0] if fault else None, fault=fault[1] if fault else None,
                              head_seq=last_seq, head_hash=prev, witnesses=len(wanted))
        log.info("audit verify: ok=%s checked=%d fault=%s first_bad_seq=%s", report.ok, last_seq,
                 report.fault, report.first_bad_seq)
        return report

    def count_events(self, flt: ExportFilter) -> int:
        with self.db.engine.connect() as conn:
            return conn.scalar(flt.where(select(func.count()).select_from(_T)))

    def iter_events(self, flt: ExportFilter) -> Iterator[dict]:
        """Events matching ``flt`` in seq order, as dicts of FIELDS (payload as canonical text or
        None), streamed with a server-side cursor on PostgreSQL: constant memory."""
        with self._snapshot() as conn:
            rows = conn.execution_options(yield_per=2000).execute(flt.where(select(*_COLS)).order_by(_T.c.seq))
            for row in rows:
                yield dict(zip(FIELDS, row))

    def export(self, out: TextIO, flt: ExportFilter, fmt: str = "jsonl", *, actor: str,
               context: dict | None = None, on_row: Callable[[int], None] | None = None) -> int:
        """Write the events matching ``flt`` to ``out`` as JSON lines (payload as a JSON object)
        or CSV (header row; payload as canonical JSON text), then record ``audit.exported`` with
        the filters, format, count and ``context``, even when writing failed part-way.
        Returns the number of events written."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r} (jsonl or csv)")
        count, complete = 0, False
        writer = csv.writer(out) if fmt == "csv" else None
        try:
            if writer:
                writer.writerow(FIELDS)
            with closing(self.iter_events(flt)) as events:
                for event in events:
                    if writer:
                        writer.writerow([event[f] for f in FIELDS])
                    else:
                        if event["payload"] is not None:
                            event["payload"] = json.loads(event["payload"])
                        out.write(json.dumps(event, ensure_ascii=False) + "\n")
                    count += 1
                    if on_row is not None:
                        on_row(count)
            complete = True
        finally:
            self.append(EXPORT_KIND, actor=actor, payload={
                **(context or {}), "filters": flt.describe(), "format": fmt, "count": count,
                "complete": complete})
            log.info("audit export: count=%d complete=%s format=%s", count, complete, fmt)
        return count
