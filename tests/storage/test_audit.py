"""Audit hash chain: appends, verification of every corruption kind, concurrency, purge.

Every test runs on SQLite and on PostgreSQL (``db`` fixture, tests/fixtures/db.py).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from storage.audit import (ZERO_HASH, AuditKeyMissing, AuditLog, audit_key_from_env, canonical_json,
                           event_hash, format_ts, payload_digest)

OTHER_KEY = b"not-the-real-key-but-long-enough-0123456789"
N = 10


def fill(audit: AuditLog, n: int = N) -> None:
    for i in range(1, n + 1):
        audit.append("question.received" if i % 2 else "decision.approved", actor=f"@agent.{i % 3}:exemple.fr",
                     question_id=f"q-{i}", payload={"entites": {"NOM": i}, "texte": f"Bonjour [NOM_1], n°{i} é"})


def sql(db, statement: str, **params):
    with db.engine.begin() as conn:
        return conn.execute(text(statement), params)


def rows(db) -> list[dict]:
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text("SELECT * FROM audit_event ORDER BY seq"))]


def rewrite(db, row: dict) -> None:
    """Overwrite every column of the row with ``row['seq']``."""
    cols = ", ".join(f"{k} = :{k}" for k in row if k != "seq")
    sql(db, f"UPDATE audit_event SET {cols} WHERE seq = :seq", **row)


def rechain(db, key: bytes, edit=None) -> None:
    """An attacker's rebuild: recompute every link with ``key`` (after ``edit(row)``), head included."""
    prev = ZERO_HASH
    for row in rows(db):
        if edit:
            edit(row)
        row["payload_hash"] = payload_digest(row["payload"])
        row["prev_hash"] = prev
        row["hash"] = prev = event_hash(key, row["seq"], row["ts"], row["actor"], row["kind"],
                                        row["question_id"], row["payload_hash"], prev)
        rewrite(db, row)
    sql(db, "UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1", s=row["seq"], h=prev)


def shift_up(db, from_seq: int) -> None:
    """Renumber rows >= from_seq to seq + 1 (two steps: unique checks are per row on PostgreSQL)."""
    sql(db, "UPDATE audit_event SET seq = -seq WHERE seq >= :s", s=from_seq)
    sql(db, "UPDATE audit_event SET seq = -seq + 1 WHERE seq < 0")


def forged_row(seq: int, prev: str, key: bytes = OTHER_KEY, **fields) -> dict:
    row = dict(seq=seq, ts="2026-01-01T00:00:00.000000+00:00", actor="@intrus:exemple.fr",
               kind="decision.approved", question_id="q-x", payload="{}", prev_hash=prev, **fields)
    row["payload_hash"] = payload_digest(row["payload"])
    row["hash"] = event_hash(key, row["seq"], row["ts"], row["actor"], row["kind"], row["question_id"],
                             row["payload_hash"], prev)
    return row


def insert(db, row: dict) -> None:
    sql(db, "INSERT INTO audit_event (seq, ts, actor, kind, question_id, payload, payload_hash, prev_hash, hash)"
            " VALUES (:seq, :ts, :actor, :kind, :question_id, :payload, :payload_hash, :prev_hash, :hash)", **row)


# -- key ---------------------------------------------------------------------------------------

def test_key_from_env(monkeypatch):
    monkeypatch.delenv("PLUME_AUDIT_KEY", raising=False)
    with pytest.raises(AuditKeyMissing, match="PLUME_AUDIT_KEY") as unset:
        audit_key_from_env()
    assert unset.value.kind == "unset"
    monkeypatch.setenv("PLUME_AUDIT_KEY", "court")
    with pytest.raises(AuditKeyMissing) as short:
        audit_key_from_env()
    assert short.value.kind == "too_short"
    monkeypatch.setenv("PLUME_AUDIT_KEY", "k" * 40)
    assert audit_key_from_env() == b"k" * 40


# -- appending ---------------------------------------------------------------------------------

def test_append_links_and_stores_canonical_payload(audit, audit_key):
    assert audit.head() == (0, ZERO_HASH)
    assert audit.verify().ok
    first = audit.append("question.received", actor="@a:exemple.fr", question_id="q1",
                         payload={"b": 1, "a": "é"})
    second = audit.append("access.denied", actor="plume")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == ZERO_HASH and second.prev_hash == first.hash
    assert audit.head() == (2, second.hash)

    stored = rows(audit.db)
    assert stored[0]["payload"] == '{"a":"é","b":1}'
    assert stored[1]["payload"] == "{}"
    assert stored[0]["payload_hash"] == payload_digest('{"a":"é","b":1}')
    # The stored ts string is what was hashed: recomputing from the row gives the stored hash.
    r = stored[0]
    assert r["hash"] == event_hash(audit_key, 1, r["ts"], r["actor"], r["kind"], r["question_id"],
                                   r["payload_hash"], ZERO_HASH)
    assert datetime.fromisoformat(r["ts"]).utcoffset() == timedelta(0)
    report = audit.verify()
    assert (report.ok, report.checked, report.head_seq, report.head_hash) == (True, 2, 2, second.hash)


def test_append_rejects_bad_fields(audit):
    with pytest.raises(ValueError):
        audit.append("", actor="plume")
    with pytest.raises(ValueError):
        audit.append("question.received", actor="plume", question_id="q" * 65)
    with pytest.raises(TypeError):
        audit.append("question.received", actor="plume", payload={"x": object()})
    assert audit.head()[0] == 0


def test_append_joins_the_callers_transaction(audit):
    audit.append("question.received", actor="plume")
    with pytest.raises(RuntimeError):
        with audit.db.session(immediate=True) as session:
            audit.append("decision.approved", actor="@a:exemple.fr", session=session)
            raise RuntimeError("the decision failed")
    assert audit.head()[0] == 1
    with audit.db.session(immediate=True) as session:
        event = audit.append("decision.approved", actor="@a:exemple.fr", session=session)
    assert event.seq == 2 and audit.head() == (2, event.hash)
    assert audit.verify().ok


def test_200_concurrent_appends_leave_a_valid_chain(audit):
    def one(i: int) -> int:
        if i % 2:
            return audit.append("question.received", actor="@a:exemple.fr", payload={"i": i}).seq
        with audit.db.session(immediate=True) as session:  # as the bot does: decision + event
            return audit.append("decision.approved", actor="@a:exemple.fr", payload={"i": i}, session=session).seq

    with ThreadPoolExecutor(max_workers=16) as pool:
        seqs = list(pool.map(one, range(200)))
    assert sorted(seqs) == list(range(1, 201))
    assert [r["seq"] for r in rows(audit.db)] == list(range(1, 201))
    assert sorted(json.loads(r["payload"])["i"] for r in rows(audit.db)) == list(range(200))
    report = audit.verify()
    assert report.ok and report.checked == 200 and report.head_seq == 200


def test_missing_head_row_is_recreated_and_reported(audit):
    fill(audit, 3)
    sql(audit.db, "DELETE FROM audit_head")
    report = audit.verify()
    assert (report.ok, report.fault, report.first_bad_seq) == (False, "head_mismatch", 3)
    assert audit.append("question.received", actor="plume").seq == 4
    assert audit.verify().ok


# -- corruptions -------------------------------------------------------------------------------

def edit_field(field, value):
    def corrupt(db):
        sql(db, f"UPDATE audit_event SET {field} = :v WHERE seq = 4", v=value)
    return corrupt


def edit_payload_and_its_hash(db):
    payload = canonical_json({"texte": "autre chose"})
    sql(db, "UPDATE audit_event SET payload = :p, payload_hash = :h WHERE seq = 4",
        p=payload, h=payload_digest(payload))


def delete_row(db):
    sql(db, "DELETE FROM audit_event WHERE seq = 5")


def delete_row_and_renumber(db):
    sql(db, "DELETE FROM audit_event WHERE seq = 5")
    sql(db, "UPDATE audit_event SET seq = -(seq - 1) WHERE seq > 5")
    sql(db, "UPDATE audit_event SET seq = -seq WHERE seq < 0")


def insert_row_in_the_middle(db):
    shift_up(db, 6)
    insert(db, forged_row(6, rows(db)[4]["hash"]))


def insert_row_at_the_end(db):
    last = rows(db)[-1]
    row = forged_row(N + 1, last["hash"])
    insert(db, row)
    sql(db, "UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1", s=row["seq"], h=row["hash"])


def reorder_rows(db):
    all_rows = rows(db)
    a, b = all_rows[2], all_rows[6]
    rewrite(db, {**b, "seq": 3})
    rewrite(db, {**a, "seq": 7})


def rebuild_without_key(db):
    def edit(row):
        if row["seq"] == 2:
            row["payload"] = canonical_json({"texte": "réécrit"})
    rechain(db, OTHER_KEY, edit)


def truncate_tail_and_head(db):
    keep = rows(db)[7 - 1]
    sql(db, "DELETE FROM audit_event WHERE seq > 7")
    sql(db, "UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1", s=keep["seq"], h=keep["hash"])


CORRUPTIONS = {
    # name: (corrupt(db), expected first bad seq, expected fault)
    "payload": (edit_field("payload", canonical_json({"texte": "modifié"})), 4, "payload_mismatch"),
    "payload_and_payload_hash": (edit_payload_and_its_hash, 4, "hash_mismatch"),
    "payload_blanked": (edit_field("payload", None), 4, "payload_missing"),
    "kind": (edit_field("kind", "decision.discarded"), 4, "hash_mismatch"),
    "actor": (edit_field("actor", "@autre:exemple.fr"), 4, "hash_mismatch"),
    "ts": (edit_field("ts", "2020-01-01T00:00:00.000000+00:00"), 4, "hash_mismatch"),
    "question_id": (edit_field("question_id", "q-99"), 4, "hash_mismatch"),
    "question_id_null": (edit_field("question_id", None), 4, "hash_mismatch"),
    "hash": (edit_field("hash", "f" * 64), 4, "hash_mismatch"),
    "prev_hash": (edit_field("prev_hash", "e" * 64), 4, "prev_hash_mismatch"),
    "deleted_row": (delete_row, 5, "seq_gap"),
    "deleted_row_renumbered": (delete_row_and_renumber, 5, "prev_hash_mismatch"),
    "inserted_row": (insert_row_in_the_middle, 6, "hash_mismatch"),
    "inserted_row_at_end": (insert_row_at_the_end, N + 1, "hash_mismatch"),
    "reordered_rows": (reorder_rows, 3, "prev_hash_mismatch"),
    "rebuilt_without_key": (rebuild_without_key, 1, "hash_mismatch"),
    "head_row_edited": (lambda db: sql(db, "UPDATE audit_head SET hash = :h", h="a" * 64), N, "head_mismatch"),
    "tail_truncated_head_kept": (lambda db: sql(db, "DELETE FROM audit_event WHERE seq > 7"), 8, "head_mismatch"),
}


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_verify_detects(audit, name):
    corrupt, bad_seq, fault = CORRUPTIONS[name]
    fill(audit)
    assert audit.verify().ok
    corrupt(audit.db)
    report = audit.verify()
    assert (report.ok, report.first_bad_seq, report.fault) == (False, bad_seq, fault)
    assert report.checked == bad_seq - 1 if fault != "head_mismatch" else report.checked >= bad_seq - 1


def test_truncated_tail_is_caught_by_a_witness(audit):
    fill(audit)
    witness = audit.head()
    truncate_tail_and_head(audit.db)
    # Head row rewritten too: without a witness the truncation cannot be seen ...
    assert audit.verify().ok
    # ... with the published witness it is.
    report = audit.verify(witnesses=[witness])
    assert (report.ok, report.first_bad_seq, report.fault) == (False, 8, "truncated")


def test_witness_checks_a_chain_rebuilt_with_the_key(audit, audit_key):
    fill(audit)
    witnesses = [(3, rows(audit.db)[2]["hash"]), audit.head()]
    assert audit.verify(witnesses=witnesses).ok

    def edit(row):
        if row["seq"] == 2:
            row["actor"] = "@autre:exemple.fr"
    rechain(audit.db, audit_key, edit)  # an insider holding the key
    assert audit.verify().ok
    report = audit.verify(witnesses=witnesses)
    assert (report.ok, report.first_bad_seq, report.fault) == (False, 3, "witness_mismatch")


# -- retention purge ---------------------------------------------------------------------------

def test_purge_blanks_old_payloads_and_chain_still_verifies(audit):
    fill(audit, 6)
    later = datetime.now(timezone.utc) + timedelta(days=400)
    assert audit.purge(365, now=later) == 6
    stored = rows(audit.db)
    assert [r["payload"] for r in stored[:6]] == [None] * 6
    assert all(len(r["payload_hash"]) == 64 for r in stored)
    purge_event = stored[6]
    assert purge_event["kind"] == "audit.purged" and purge_event["actor"] == "plume"
    assert json.loads(purge_event["payload"]) == {
        "retention_days": 365, "through_seq": 6, "blanked": 6, "cutoff": format_ts(later - timedelta(days=365))}
    assert audit.verify().ok

    fill(audit, 3)  # seq 8..10, recent
    # A later purge with a longer retention blanks nothing and keeps the earlier blanks allowed.
    assert audit.purge(365 * 5, now=later) == 0
    assert json.loads(rows(audit.db)[-1]["payload"])["through_seq"] == 6
    # A purge at the real date blanks nothing recent.
    assert audit.purge(365) == 0
    assert audit.verify().ok

    # Blanking a recent payload is not a purge: it is detected.
    sql(audit.db, "UPDATE audit_event SET payload = NULL WHERE seq = 9")
    report = audit.verify()
    assert (report.ok, report.first_bad_seq, report.fault) == (False, 9, "payload_missing")


def test_forged_purge_event_does_not_excuse_blanked_payloads(audit):
    fill(audit, 5)
    audit.purge(30)  # blanks nothing: through_seq 0
    sql(audit.db, "UPDATE audit_event SET payload = NULL WHERE seq = 2")
    forged = canonical_json({"blanked": 5, "cutoff": "x", "retention_days": 30, "through_seq": 5})
    sql(audit.db, "UPDATE audit_event SET payload = :p, payload_hash = :h WHERE kind = 'audit.purged'",
        p=forged, h=payload_digest(forged))
    report = audit.verify()
    assert (report.ok, report.first_bad_seq, report.fault) == (False, 2, "payload_missing")


# -- scrubbing a value the agent masked later (question.remasked) -------------------------------

def _remask(audit: AuditLog, question_id: str, word: str) -> list[int]:
    with audit.db.session(immediate=True) as s:
        seqs = audit.scrub(question_id, lambda payload: word in json.dumps(payload, ensure_ascii=False),
                           session=s)
        audit.append("question.remasked", actor="@agent:exemple.fr", question_id=question_id,
                     payload={"placeholder": "[LIEU_1]", "scrubbed_seqs": seqs}, session=s)
    return seqs


def test_scrub_blanks_the_question_payloads_holding_the_value_and_chain_verifies(audit):
    audit.append("question.redacted", actor="plume", question_id="q-1",
                 payload={"redacted_text": "J'habite Tréminis."})
    audit.append("draft.generated", actor="plume", question_id="q-1",
                 payload={"text": "Bonjour,", "version": 1})
    audit.append("question.redacted", actor="plume", question_id="q-2",
                 payload={"redacted_text": "Tréminis aussi"})
    assert _remask(audit, "q-1", "Tréminis") == [1]
    stored = rows(audit.db)
    assert stored[0]["payload"] is None and stored[0]["payload_hash"]
    assert stored[1]["payload"] is not None and "Tréminis" in stored[2]["payload"]  # other question
    assert audit.verify().ok


def test_blank_payload_not_listed_by_a_scrub_is_still_reported(audit):
    fill(audit, 4)
    _remask(audit, "q-1", "Bonjour")
    assert audit.verify().ok
    sql(audit.db, "UPDATE audit_event SET payload = NULL WHERE seq = 3")
    report = audit.verify()
    assert (report.ok, report.first_bad_seq, report.fault) == (False, 3, "payload_missing")


def test_scrub_allows_only_the_listed_seqs_of_the_same_question(audit):
    fill(audit, 4)
    audit.append("question.remasked", actor="@agent:exemple.fr", question_id="q-2",
                 payload={"scrubbed_seqs": [1, 2]})
    sql(audit.db, "UPDATE audit_event SET payload = NULL WHERE seq = 2")
    assert audit.verify().ok
    sql(audit.db, "UPDATE audit_event SET payload = NULL WHERE seq = 1")  # listed, but for q-1
    report = audit.verify()
    assert (report.first_bad_seq, report.fault) == (1, "payload_missing")


def test_a_scrub_that_blanks_an_earlier_scrub_keeps_its_allowance(audit):
    audit.append("question.redacted", actor="plume", question_id="q-1",
                 payload={"redacted_text": "Tréminis et Mens"})
    assert _remask(audit, "q-1", "Tréminis") == [1]
    audit.append("question.corrected", actor="@agent:exemple.fr", question_id="q-1",
                 payload={"redacted_text": "[LIEU_1] et Mens"})
    assert _remask(audit, "q-1", "Mens") == [3]  # the corrected text (seq 1 is blank already)
    with audit.db.session(immediate=True) as s:  # a scrub that blanks the earlier scrub itself
        seqs = audit.scrub("q-1", lambda p: p.get("placeholder") == "[LIEU_1]", session=s)
        audit.append("question.corrected", actor="@agent:exemple.fr", question_id="q-1",
                     payload={"scrubbed_seqs": seqs}, session=s)
    assert seqs == [1, 2, 3, 4]
    assert audit.verify().ok
