"""``!audit`` commands in the security room and the witness job, with a recording Messenger."""

from __future__ import annotations

import gzip
import json
import uuid

import pytest
from sqlalchemy import text

import storage.audit as audit_module
from bot.config import parse_config
from handlers.access import AccessPolicy
from handlers.commands import CommandHandler
from handlers.events import Incoming
from handlers.messages.security import REFUSAL, WRONG_ROOM
from handlers.security import SecurityHandler
from handlers.verbs import SECURITY
from storage.async_store import AsyncStore
from storage.audit import AuditLog, parse_witnesses
from storage.store import Store
from tests.messenger import RecordingMessenger

SEC_ROOM = "!securite:exemple.fr"
RSSI = "@rssi:exemple.fr"


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


def wire(config, audit, messenger) -> tuple[SecurityHandler, CommandHandler]:
    store = AsyncStore(Store(audit.db, audit))
    security = SecurityHandler(config=config, store=store, messenger=messenger,
                               access=AccessPolicy(config))
    return security, CommandHandler(store=store, messenger=messenger, owners=[security])


async def command(args, *, sender=RSSI, room_id=SEC_ROOM, config, audit, messenger):
    """``!audit <args>`` typed by ``sender`` in ``room_id``, through the command dispatcher."""
    _, commands = wire(config, audit, messenger)
    event = Incoming("text", room_id, f"$cmd-{uuid.uuid4().hex[:8]}", sender,
                     body=" ".join(["!audit", *args]))
    await commands.on_command(event, AccessPolicy(config).role_of(room_id))


def notices(messenger) -> list[tuple[str, str, str | None]]:
    return [(n["room_id"], n["body"], n["html"]) for n in messenger.notices]


@pytest.mark.parametrize("sender, room_id, refusal, reason", [
    ("@agent.un:exemple.fr", SEC_ROOM, REFUSAL, "not_security_user"),
    ("@agent.un:exemple.fr", "!autre:exemple.fr", REFUSAL, "not_security_user"),
    (RSSI, "!autre:exemple.fr", WRONG_ROOM, "not_security_room"),
])
async def test_refusal_is_recorded_as_access_denied(config, sec_audit, messenger, sender, room_id, refusal, reason):
    await command(["export", "2026-01-01", "2026-12-31"], sender=sender, room_id=room_id, config=config,
                  audit=sec_audit, messenger=messenger)
    assert notices(messenger) == [(room_id, *refusal)] and messenger.files == []
    (denied,) = events(sec_audit)
    assert denied["kind"] == "access.denied" and denied["actor"] == sender
    assert denied["payload"] == {"command": "!audit", "subcommand": "export", "room_id": room_id, "reason": reason}


async def test_no_security_room_configured_refuses_everyone(sec_audit, messenger):
    cfg = parse_config({"matrix": {"homeserver": "https://m.exemple.fr", "user_id": "@plume:exemple.fr"},
                        "security": {"users": [RSSI]}})
    await command(["tete"], room_id=SEC_ROOM, config=cfg, audit=sec_audit, messenger=messenger)
    assert notices(messenger)[0][1] == WRONG_ROOM[0]
    assert [e["kind"] for e in events(sec_audit)] == ["access.denied"]


@pytest.mark.parametrize("word", ["verifier", "Vérifier"])
async def test_verifier_reports_an_intact_chain(config, sec_audit, messenger, word):
    for i in range(3):
        sec_audit.append("question.received", actor="@agent.un:exemple.fr", payload={"n": i})
    await command([word], config=config, audit=sec_audit, messenger=messenger)
    (room, body, _), = notices(messenger)
    assert room == SEC_ROOM
    assert "✅ Journal d'audit intègre : 3 événements vérifiés" in body and sec_audit.head()[1] in body


async def test_verifier_reports_the_first_bad_seq(config, sec_audit, messenger):
    for i in range(4):
        sec_audit.append("question.received", actor="@agent.un:exemple.fr", payload={"n": i})
    with sec_audit.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET payload = :p WHERE seq = 3"), {"p": '{"n":9}'})
    await command(["verifier"], config=config, audit=sec_audit, messenger=messenger)
    body = notices(messenger)[0][1]
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
    assert "2 événements" in notices(messenger)[-1][1]
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
    assert message in notices(messenger)[0][1] and messenger.files == []
    assert events(sec_audit, "audit.exported") == []


@pytest.mark.parametrize("word", ["tete", "tête"])
async def test_tete_posts_a_witness_that_verify_accepts(config, sec_audit, messenger, word):
    for i in range(2):
        sec_audit.append("question.received", actor="@agent.un:exemple.fr", payload={"n": i})
    head = sec_audit.head()
    await command([word], config=config, audit=sec_audit, messenger=messenger)
    (room, body, html), = notices(messenger)
    assert parse_witnesses(body.splitlines()) == [head] == parse_witnesses([html])
    (witness,) = events(sec_audit, "audit.witness")
    assert witness["actor"] == "plume"
    assert witness["payload"] == {"seq": head[0], "hash": head[1], "room_id": SEC_ROOM, "event_id": "$notice1",
                                  "requested_by": RSSI}
    assert sec_audit.verify(witnesses=parse_witnesses([body])).ok


async def test_scheduled_witness_job(config, sec_audit, messenger):
    security, _ = wire(config, sec_audit, messenger)
    event_id = await security.post_witness(SEC_ROOM)
    assert event_id == "$notice1"
    assert parse_witnesses([notices(messenger)[0][1]]) == [(0, "0" * 64)]
    assert events(sec_audit, "audit.witness")[0]["payload"]["requested_by"] is None


@pytest.mark.parametrize("args", [[], ["aide"], ["supprimer", "tout"]])
async def test_unknown_subcommand_gets_help(config, sec_audit, messenger, args):
    await command(args, config=config, audit=sec_audit, messenger=messenger)
    _, commands = wire(config, sec_audit, messenger)
    assert notices(messenger) == [(SEC_ROOM, *commands.verbs.help_for(SECURITY))]
    assert events(sec_audit) == []
