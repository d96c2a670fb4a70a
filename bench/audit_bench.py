"""Audit chain benchmark: appends per second and time to verify N events, SQLite and PostgreSQL.

    .venv/bin/python bench/audit_bench.py [--events 1000000] [--appends 2000] [--threads 8]
                                          [--backends sqlite,postgres] [--pg-url URL]

Per backend, on a fresh database: ``--appends`` sequential appends (one transaction each, as the
bot does), the same number from ``--threads`` threads, a bulk load of a valid chain up to
``--events`` events, ``AuditLog.verify()`` over all of them, a full JSON-lines export to
/dev/null, and the peak Python memory (tracemalloc) of exports of N/100 and N/10 events (equal
peaks mean constant memory; the bound is the cursor's 2,000-row batch). Baselines in the same process: the pure hashing cost of verifying
N events without a database, and PostgreSQL / SQLite ratios.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import psycopg
from psycopg import sql
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from storage.audit import (FIELDS, ZERO_HASH, AuditLog, ExportFilter, canonical_json, event_hash, format_ts,
                           payload_digest)
from storage.db import Database
from storage.models import AuditEvent

KEY = b"bench-audit-key-0123456789abcdef0123456789"
KINDS = ["question.received", "question.redacted", "draft.generated", "decision.approved"]
BATCH = 10_000


def synthetic_chain(first_seq: int, prev: str, last_seq: int):
    """Valid chain rows first_seq..last_seq (one event every ~30 s from 2025-01-01, UTC)."""
    for seq in range(first_seq, last_seq + 1):
        ts = synthetic_ts(seq)
        kind, actor, qid = KINDS[seq % 4], f"@agent.{seq % 50}:exemple.fr", f"q-{seq // 4}"
        payload = canonical_json({"entites": {"NOM": 1, "TELEPHONE": seq % 3}, "version": 1})
        ph = payload_digest(payload)
        digest = event_hash(KEY, seq, ts, actor, kind, qid, ph, prev)
        yield (seq, ts, actor, kind, qid, payload, ph, prev, digest)
        prev = digest


def bulk_load(db: Database, events: int) -> float:
    """Extend the chain to ``events`` events with synthetic rows; returns seconds."""
    audit = AuditLog(db, KEY)
    head_seq, head_hash = audit.head()
    rows = synthetic_chain(head_seq + 1, head_hash, events)
    t0 = time.perf_counter()
    if db.is_sqlite:
        table = AuditEvent.__table__
        with db.engine.begin() as conn:
            batch = []
            for row in rows:
                batch.append(dict(zip(FIELDS, row)))
                if len(batch) == BATCH:
                    conn.execute(insert(table), batch)
                    batch = []
            if batch:
                conn.execute(insert(table), batch)
    else:
        raw = db.engine.raw_connection()
        try:
            with raw.driver_connection.cursor() as cur:
                with cur.copy(f"COPY audit_event ({', '.join(FIELDS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            raw.driver_connection.commit()
        finally:
            raw.close()
    seq, digest = audit.head()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": seq, "h": digest})
    return time.perf_counter() - t0


def appends_per_second(audit: AuditLog, count: int, threads: int) -> float:
    def one(i: int) -> None:
        audit.append(KINDS[i % 4], actor="@agent.bench:exemple.fr", question_id=f"q-{i}",
                     payload={"entites": {"NOM": 1}, "version": 1})

    t0 = time.perf_counter()
    if threads == 1:
        for i in range(count):
            one(i)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(one, range(count)))
    return count / (time.perf_counter() - t0)


def synthetic_ts(seq: int) -> str:
    return format_ts(datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=30 * seq))


def export_peak_kib(audit: AuditLog, first_seq: int, count: int) -> tuple[int, float]:
    """(events exported, peak traced KiB) for an export of the synthetic seqs first_seq.. (by ts)."""
    flt = ExportFilter.build(since=synthetic_ts(first_seq), until=synthetic_ts(first_seq + count - 1))
    with open(os.devnull, "w", encoding="utf-8") as sink:
        tracemalloc.start()
        exported = audit.export(sink, flt, "jsonl", actor="plume", context={"via": "bench"})
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return exported, peak / 1024


def hashing_baseline(events: int) -> float:
    """Seconds to recompute N payload hashes and HMACs, no database (the floor for verify)."""
    rows = list(synthetic_chain(1, ZERO_HASH, min(events, 200_000)))
    t0 = time.perf_counter()
    for seq, ts, actor, kind, qid, payload, ph, prev, digest in rows:
        payload_digest(payload)
        event_hash(KEY, seq, ts, actor, kind, qid, ph, prev)
    return (time.perf_counter() - t0) * events / len(rows)


def run_backend(name: str, db: Database, args) -> dict:
    db.migrate()
    audit = AuditLog(db, KEY)
    res = {"appends_per_s": appends_per_second(audit, args.appends, 1),
           f"appends_per_s_{args.threads}_threads": appends_per_second(audit, args.appends, args.threads)}
    first_synthetic = audit.head()[0] + 1
    res["bulk_load_s"] = bulk_load(db, args.events)
    t0 = time.perf_counter()
    report = audit.verify()
    res["verify_s"] = time.perf_counter() - t0
    assert report.ok and report.checked == args.events, report
    res["verify_events_per_s"] = report.checked / res["verify_s"]
    t0 = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        exported = audit.export(sink, ExportFilter(), "jsonl", actor="plume", context={"via": "bench"})
    res["export_s"] = time.perf_counter() - t0
    res["export_events_per_s"] = exported / res["export_s"]
    for fraction in (100, 10):
        count, peak = export_peak_kib(audit, first_synthetic, args.events // fraction)
        res[f"export_peak_kib_{count}_events"] = peak
    print(f"  {name}: done", file=sys.stderr)
    return res


def pg_database(admin_url: str):
    name = f"plume_bench_{uuid.uuid4().hex[:8]}"
    conninfo = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)

    def drop():
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    return Database(url.render_as_string(hide_password=False)), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--pg-url", default=os.environ.get("PLUME_TEST_PG_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    args.events = max(args.events, 2 * args.appends + 100)

    results: dict[str, dict] = {}
    baseline = hashing_baseline(args.events)
    for name in args.backends.split(","):
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                db = Database(f"sqlite:///{tmp}/bench.db")
                try:
                    results[name] = run_backend(name, db, args)
                finally:
                    db.dispose()
        else:
            db, drop = pg_database(args.pg_url)
            try:
                results[name] = run_backend(name, db, args)
            finally:
                db.dispose()
                drop()

    print(f"audit bench: {args.events} events, {args.appends} appends, cpu count {os.cpu_count()}")
    print(f"baseline (no database): hashing for verify of {args.events} events: {baseline:.2f} s")
    for name, res in results.items():
        print(f"[{name}]")
        for key, value in res.items():
            print(f"  {key:<40} {value:>12.1f}")
        print(f"  {'verify_s / hashing baseline':<40} {res['verify_s'] / baseline:>12.2f}")
    if {"sqlite", "postgres"} <= results.keys():
        pg, lite = results["postgres"], results["sqlite"]
        print("[postgres / sqlite]")
        for key in pg:
            print(f"  {key:<40} {pg[key] / lite[key]:>12.2f}")


if __name__ == "__main__":
    main()
