"""``!audit`` commands in the security room and the witness job, with a recording Messenger."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import text

import storage.audit as audit_module
from bot.config import parse_config
from handlers.security import HELP, REFUSAL, WRONG_ROOM, handle_audit_command, post_witness
from storage.audit import AuditLog, parse_witnesses

SEC_ROOM = "!securite:exemple.fr"
RSSI = "@rssi:exemple.fr"


class RecordingMessenger:
    def __init__(self) -> None:
        self.notices: list[tuple[str, str, str | None]] = []
        self.files: list[dict] = []

    async def send_notice(self, room_id, body, html=None, *, reply_to=None):
        self.notices.append((room_id, body, html))
        return f"$notice{len(self.notices)}"

    async def send_file(self, room_id, data, *, filename, mimetype, image=False, body=None):
        self.files.append(dict(room_id=room_id, data=data, filename=filename, mimetype=mimetype))
        return f"$file{len(self.files)}"


@pytest.fixture
def config():
    return parse_config({
        "matrix": {"homeserver": "https://matrix.exemple.fr", "user_id": "@plume:exemple.fr"},
        "security": {"room": SEC_ROOM, "users": [RSSI]},
    })


@pytest.fixture
def messenger():
    return RecordingMessenger()


@pytest.fixture
def sec_audit(sqlite_db, audit_key):
    return AuditLog(sqlite_db, audit_key)


def events(audit, kind=None) -> list[dict]:
    query = "SELECT seq, actor, kind, payload FROM audit_event" + (" WHERE kind = :k" if kind else "") + " ORDER BY seq"
    with audit.db.engine.connect() as conn:
        return [{**dict(r._mapping), "payload": json.loads(r.payload)} for r in conn.execute(text(query), {"k": kind})]


async def command(args, *, sender=RSSI, room_id=SEC_ROOM, config, audit, messenger):
    await handle_audit_command(args, sender=sender, room_id=room_id, config=config, audit=audit, messenger=messenger)


@pytest.mark.parametrize("sender, room_id, refusal, reason", [
    ("@agent.un:exemple.fr", SEC_ROOM, REFUSAL, "not_security_user"),
    ("@agent.un:exemple.fr", "!autre:exemple.fr", REFUSAL, "not_security_user"),
    (RSSI, "!autre:exemple.fr", WRONG_ROOM, "not_security_room"),
])
async def test_refusal_is_recorded_as_access_denied(config, sec_audit, messenger, sender, room_id, refusal, reason):
    await command(["export", "2026-01-01", "2026-12-31"], sender=sender, room_id=room_id, config=config,
                  audit=sec_audit, messenger=messenger)
    assert messenger.notices == [(room_id, refusal, None)] and messenger.files == []
    (denied,) = events(sec_audit)
    assert denied["kind"] == "access.denied" and denied["actor"] == sender
    assert denied["payload"] == {"command": "!audit", "subcommand": "export", "room_id": room_id, "reason": reason}


async def test_no_security_room_configured_refuses_everyone(sec_audit, messenger):
    cfg = parse_config({"matrix": {"homeserver": "https://m.exemple.fr", "user_id": "@plume:exemple.fr"},
                        "security": {"users": [RSSI]}})
    await command(["tete"], room_id=SEC_ROOM, config=cfg, audit=sec_audit, messenger=messenger)
    assert messenger.notices[0][1] == WRONG_ROOM
    assert [e["kind"] for e in events(sec_audit)] == ["access.denied"]


@pytest.mark.parametrize("word", ["verifier", "Vérifier"])
async def test_verifier_reports_an_intact_chain(config, sec_audit, messenger, word):
    for i in range(3):
        sec_audit.append("question.received", actor="@agent.un:exemple.fr", payload={"n": i})
    await command([word], config=config, audit=sec_audit, messenger=messenger)
    (room, body, _), = messenger.notices
    assert room == SEC_ROOM
    assert "✅ Journal d'audit intègre : 3 événements vérifiés" in body and sec_audit.head()[1] in body


async def test_verifier_reports_the_first_bad_seq(config, sec_audit, messenger):
    for i in range(4):
        sec_audit.append("question.received", actor="@agent.un:exemple.fr", payload={"n": i})
    with sec_audit.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET payload = :p WHERE seq = 3"), {"p": '{"n":9}'})
    await command(["verifier"], config=config, audit=sec_audit, messenger=messenger)
    body = messenger.notices[0][1]
    assert "❌" in body and "n° 3" in body and "payload_mismatch" in body


async def test_export_uploads_the_days_as_gzip_jsonl(config, sec_audit, messenger, monkeypatch):
    stamps = iter(["2026-02-28T23:00:00.000000+00:00", "2026-03-01T10:00:00.000000+00:00",
                   "2026-03-02T23:59:59.999999+00:00", "2026-03-03T00:00:00.000000+00:00"])
    with monkeypatch.context() as patch:
        patch.setattr(audit_module, "utc_now_ts", lambda: next(stamps))
        for i in range(4):
            sec_audit.append("decision.approved", actor="@agent.un:exemple.fr", payload={"n": i})

    await command(["export", "2026-03-01", "2026-03-02"], config=config, audit=sec_audit, messenger=messenger)
    (upload,) = messenger.files
    assert upload["room_id"] == SEC_ROOM and upload["mimetype"] == "application/gzip"
    assert upload["filename"] == "plume-audit_2026-03-01_2026-03-02.jsonl.gz"
    lines = [json.loads(line) for line in gzip.decompress(upload["data"]).decode("utf-8").splitlines()]
    assert [(e["seq"], e["payload"]) for e in lines] == [(2, {"n": 1}), (3, {"n": 2})]
    assert "2 événements" in messenger.notices[-1][1]
    (exported,) = events(sec_audit, "audit.exported")
    assert exported["actor"] == RSSI
    assert exported["payload"]["filters"] == {"since": "2026-03-01", "until": "2026-03-02", "kinds": [], "actors": []}
    assert exported["payload"]["count"] == 2 and exported["payload"]["via"] == "matrix"
    assert sec_audit.verify().ok


@pytest.mark.parametrize("args, message", [
    (["export"], "Usage : !audit export"),
    (["export", "2026-03-01"], "Usage : !audit export"),
    (["export", "01/03/2026", "2026-03-02"], "date invalide"),
])
async def test_export_with_bad_dates_explains(config, sec_audit, messenger, args, message):
    await command(args, config=config, audit=sec_audit, messenger=messenger)
    assert message in messenger.notices[0][1] and messenger.files == []
    assert events(sec_audit, "audit.exported") == []


@pytest.mark.parametrize("word", ["tete", "tête"])
async def test_tete_posts_a_witness_that_verify_accepts(config, sec_audit, messenger, word):
    for i in range(2):
        sec_audit.append("question.received", actor="@agent.un:exemple.fr", payload={"n": i})
    head = sec_audit.head()
    await command([word], config=config, audit=sec_audit, messenger=messenger)
    (room, body, html), = messenger.notices
    assert parse_witnesses(body.splitlines()) == [head] == parse_witnesses([html])
    (witness,) = events(sec_audit, "audit.witness")
    assert witness["actor"] == "plume"
    assert witness["payload"] == {"seq": head[0], "hash": head[1], "room_id": SEC_ROOM, "event_id": "$notice1",
                                  "requested_by": RSSI}
    assert sec_audit.verify(witnesses=parse_witnesses([body])).ok


async def test_scheduled_witness_job(sec_audit, messenger):
    event_id = await post_witness(sec_audit, messenger, SEC_ROOM)
    assert event_id == "$notice1"
    assert parse_witnesses([messenger.notices[0][1]]) == [(0, "0" * 64)]
    assert events(sec_audit, "audit.witness")[0]["payload"]["requested_by"] is None


@pytest.mark.parametrize("args", [[], ["aide"], ["supprimer", "tout"]])
async def test_unknown_subcommand_gets_help(config, sec_audit, messenger, args):
    await command(args, config=config, audit=sec_audit, messenger=messenger)
    assert messenger.notices == [(SEC_ROOM, HELP, None)]
    assert events(sec_audit) == []
