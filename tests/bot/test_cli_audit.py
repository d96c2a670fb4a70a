"""``plume audit verify`` and ``plume audit export`` through the real command line (typer)."""

from __future__ import annotations

import csv
from datetime import datetime, timezone
import io
import json

import pytest
import yaml
from sqlalchemy import text
from typer.testing import CliRunner

import storage.audit as audit_module
from bot.cli import app
from handlers.messages.security import witness_message
from storage.audit import AuditLog

runner = CliRunner()

# Synthetic events on three UTC days: (ts, kind, actor)
EVENTS = [
    ("2026-03-01T08:00:00.000000+00:00", "question.received", "@agent.un:exemple.fr"),
    ("2026-03-01T23:59:59.999999+00:00", "decision.approved", "@agent.un:exemple.fr"),
    ("2026-03-02T00:00:00.000000+00:00", "question.received", "@agent.deux:exemple.fr"),
    ("2026-03-02T12:30:00.000000+00:00", "decision.discarded", "@agent.deux:exemple.fr"),
    ("2026-03-03T09:00:00.000000+00:00", "access.denied", "@intrus:exemple.fr"),
]


@pytest.fixture
def config_file(tmp_path, audit):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "matrix": {"homeserver": "https://matrix.exemple.fr", "user_id": "@plume:exemple.fr"},
        "storage": {"url": audit.db.url},
    }), encoding="utf-8")
    return path


@pytest.fixture
def dated_events(audit, monkeypatch):
    stamps = iter(ts for ts, _, _ in EVENTS)
    with monkeypatch.context() as patch:
        patch.setattr(audit_module, "utc_now_ts", lambda: next(stamps))
        for i, (_, kind, actor) in enumerate(EVENTS, start=1):
            audit.append(kind, actor=actor, question_id=f"q-{i}", payload={"n": i, "texte": "[NOM_1] é"})
    return audit


def cli(*args):
    return runner.invoke(app, ["audit", *map(str, args)])


def exported_events(audit: AuditLog) -> list[dict]:
    with audit.db.engine.connect() as conn:
        rows = conn.execute(text("SELECT actor, payload FROM audit_event WHERE kind = 'audit.exported' ORDER BY seq"))
        return [{"actor": a, **json.loads(p)} for a, p in rows]


def test_verify_ok_and_broken(dated_events, config_file):
    result = cli("verify", "-c", config_file)
    assert result.exit_code == 0, result.output
    assert "OK : 5 événements vérifiés" in result.stdout and f"hash={dated_events.head()[1]}" in result.stdout

    with dated_events.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET kind = 'decision.approved' WHERE seq = 4"))
    result = cli("verify", "-c", config_file)
    assert result.exit_code == 1
    assert "première séquence en défaut 4 (hash_mismatch)" in result.stdout


def test_verify_without_key_refuses(audit, config_file, monkeypatch):
    monkeypatch.delenv("PLUME_AUDIT_KEY")
    result = cli("verify", "-c", config_file)
    assert result.exit_code == 1
    assert "PLUME_AUDIT_KEY" in result.stderr


@pytest.mark.parametrize("witness_format", ["room_message", "jsonl"])
def test_verify_with_witness_reports_truncation(dated_events, config_file, tmp_path, witness_format):
    audit = dated_events
    head = audit.head()
    witness = tmp_path / "temoins.txt"
    if witness_format == "room_message":
        plain, _ = witness_message(head, datetime.now(timezone.utc))
        witness.write_text("export du salon sécurité\n" + plain + "\nautre message\n", encoding="utf-8")
    else:
        witness.write_text(json.dumps({"seq": head[0], "hash": head[1]}) + "\n", encoding="utf-8")
    assert cli("verify", "-c", config_file, "--witness", witness).exit_code == 0

    with audit.db.engine.begin() as conn:  # truncate the tail and rewrite the head row to match
        kept = conn.execute(text("SELECT seq, hash FROM audit_event WHERE seq = 3")).one()
        conn.execute(text("DELETE FROM audit_event WHERE seq > 3"))
        conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": kept.seq, "h": kept.hash})
    assert cli("verify", "-c", config_file).exit_code == 0  # invisible without the witness
    result = cli("verify", "-c", config_file, "--witness", witness)
    assert result.exit_code == 1
    assert "première séquence en défaut 4 (truncated)" in result.stdout


def test_verify_rejects_a_witness_file_without_witness(audit, config_file, tmp_path):
    empty = tmp_path / "vide.txt"
    empty.write_text("rien ici\n", encoding="utf-8")
    result = cli("verify", "-c", config_file, "--witness", empty)
    assert result.exit_code == 1 and "aucun témoin" in result.stderr


@pytest.mark.parametrize("args, expected_seqs", [
    ([], [1, 2, 3, 4, 5]),
    (["--since", "2026-03-02"], [3, 4, 5]),
    (["--until", "2026-03-01"], [1, 2]),  # the whole day, up to 23:59:59.999999
    (["--since", "2026-03-01T12:00:00+01:00", "--until", "2026-03-02T12:30:00Z"], [2, 3, 4]),
    (["--kind", "question.received", "--kind", "access.denied"], [1, 3, 5]),
    (["--actor", "@agent.deux:exemple.fr", "--since", "2026-03-02", "--until", "2026-03-02"], [3, 4]),
])
def test_export_filters_jsonl(dated_events, config_file, args, expected_seqs):
    result = cli("export", "-c", config_file, *args)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["seq"] for e in lines] == expected_seqs
    assert all(e["payload"] == {"n": e["seq"], "texte": "[NOM_1] é"} for e in lines)
    assert set(lines[0]) == set(audit_module.FIELDS)
    # The export is itself audited, with the filters used, and the chain still verifies.
    (recorded,) = exported_events(dated_events)
    assert recorded["count"] == len(expected_seqs) and recorded["complete"] and recorded["via"] == "cli"
    assert recorded["filters"]["kinds"] == [a for k, a in zip(args, args[1:]) if k == "--kind"]
    assert recorded["filters"]["since"] == next((a for k, a in zip(args, args[1:]) if k == "--since"), None)
    assert dated_events.verify().ok


def test_piped_export_skips_the_progress_count(dated_events, config_file, monkeypatch):
    """Without a terminal there is no progress bar, so no COUNT query over the whole log."""
    def no_count(self, flt):
        raise AssertionError("count_events called without a progress bar")

    monkeypatch.setattr(AuditLog, "count_events", no_count)
    result = cli("export", "-c", config_file)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == len(EVENTS)


def test_export_csv(dated_events, config_file):
    result = cli("export", "-c", config_file, "--format", "csv", "--kind", "decision.discarded")
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["seq"] for r in table] == ["4"]
    assert json.loads(table[0]["payload"]) == {"n": 4, "texte": "[NOM_1] é"}
    with dated_events.db.engine.connect() as conn:
        assert table[0]["hash"] == conn.scalar(text("SELECT hash FROM audit_event WHERE seq = 4"))
    assert exported_events(dated_events)[0]["format"] == "csv"


def test_export_of_purged_events_has_null_payload(dated_events, config_file):
    dated_events.purge(1)
    result = cli("export", "-c", config_file, "--kind", "question.received")
    exported = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["seq"], e["payload"]) for e in exported] == [(1, None), (3, None)]
    assert all(len(e["payload_hash"]) == 64 for e in exported)


@pytest.mark.parametrize("args, message", [
    (["--since", "2026-02-30"], "date invalide"),
    (["--since", "2026-03-03", "--until", "2026-03-01"], "intervalle vide"),
    (["--format", "xml"], "format inconnu"),
])
def test_export_bad_arguments(audit, config_file, args, message):
    result = cli("export", "-c", config_file, *args)
    assert result.exit_code == 1 and message in result.stderr
    assert exported_events(audit) == []


@pytest.mark.parametrize("command", [["verify"], ["export"]])
def test_missing_database_is_an_error_and_is_not_created(tmp_path, audit_key, command):
    missing = tmp_path / "typo" / "plume.db"
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"matrix": {"homeserver": "https://m.example.fr",
                                               "user_id": "@plume:example.fr"},
                                    "storage": {"url": f"sqlite:///{missing}"}}))
    result = cli(*command, "-c", str(path))
    assert result.exit_code == 1
    assert "aucun journal d'audit" in result.output
    assert not missing.exists() and not missing.parent.exists()
