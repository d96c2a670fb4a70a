"""Security-room commands (``!audit …``) and the daily witness of the audit chain head.

Only ``config.security.users``, in ``config.security.room``, may use ``!audit``; anyone else gets
a French refusal, recorded as ``access.denied``. Subcommands:

- ``!audit verifier``: verify the chain and post the result;
- ``!audit export AAAA-MM-JJ AAAA-MM-JJ``: the events of those UTC days (both inclusive), as a
  gzip-compressed JSON lines file attachment (encrypted by the Messenger in encrypted rooms);
- ``!audit tete``: post the current head as a witness message (``post_witness``).

Blocking database work runs in a worker thread so the sync loop is not held up.
"""

from __future__ import annotations

import asyncio
import gzip
import html as html_lib
import io
import tempfile
from datetime import datetime, timezone

from redaction.normalize import fold
from storage.audit import FAULT_LABELS, WITNESS_KIND, WITNESS_TOKEN, AuditLog, ExportFilter

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Synapse's default max_upload_size

HELP = ("Commandes du salon de sécurité :\n"
        "• !audit verifier : vérifier l'intégrité du journal d'audit\n"
        "• !audit export AAAA-MM-JJ AAAA-MM-JJ : exporter les événements de ces jours (UTC, inclus)\n"
        "• !audit tete : publier la tête actuelle de la chaîne (témoin)")
REFUSAL = "Accès refusé : les commandes !audit sont réservées à l'équipe sécurité."
WRONG_ROOM = "Accès refusé : les commandes !audit ne s'utilisent que dans le salon de sécurité."
_SUBCOMMANDS = {"verifier", "export", "tete"}


def witness_message(head: tuple[int, str], now: datetime | None = None) -> tuple[str, str]:
    """(plain, html) French witness message for ``head`` = (seq, hash). Both carry the line
    ``PLUME-WITNESS seq=<seq> hash=<hash>`` read back by ``plume audit verify --witness``."""
    seq, digest = head
    when = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    token = f"{WITNESS_TOKEN} seq={seq} hash={digest}"
    advice = ("Conservez ce message : « plume audit verify --witness FICHIER » compare la chaîne "
              "aux témoins exportés et détecte une troncature.")
    plain = f"Témoin du journal d'audit ({when}) : séquence {seq}.\n{token}\n{advice}"
    html = (f"<p>Témoin du journal d'audit ({when}) : séquence <b>{seq}</b>.</p>"
            f"<p><code>{token}</code></p><p>{html_lib.escape(advice)}</p>")
    return plain, html


async def post_witness(audit: AuditLog, messenger, room_id: str, *, requested_by: str | None = None) -> str:
    """Post the current head to ``room_id`` as a witness and record ``audit.witness``.

    The scheduler calls it daily at ``security.witness_time``; ``!audit tete`` reuses it.
    Returns the event id of the witness message.
    """
    seq, digest = await asyncio.to_thread(audit.head)
    plain, html = witness_message((seq, digest))
    event_id = await messenger.send_notice(room_id, plain, html)
    await asyncio.to_thread(audit.append, WITNESS_KIND, actor="plume", payload={
        "seq": seq, "hash": digest, "room_id": room_id, "event_id": event_id, "requested_by": requested_by})
    return event_id


def _verify_text(report) -> str:
    if report.ok:
        return (f"✅ Journal d'audit intègre : {report.checked} événements vérifiés.\n"
                f"Tête : séquence {report.head_seq}, empreinte {report.head_hash}.\n"
                "Une troncature ne se voit qu'en comparant aux témoins publiés "
                "(plume audit verify --witness).")
    return (f"❌ Journal d'audit altéré : première séquence en défaut n° {report.first_bad_seq} — "
            f"{FAULT_LABELS[report.fault]} ({report.fault}).\n"
            f"{report.checked} événements vérifiés avant le défaut.")


def _build_export(audit: AuditLog, flt: ExportFilter, actor: str, room_id: str) -> tuple[bytes | None, int]:
    """Gzip-compressed JSON lines of ``flt``, spooled to a temporary file; (None, count) when the
    result exceeds MAX_UPLOAD_BYTES."""
    with tempfile.TemporaryFile() as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb") as gz:
            text = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
            count = audit.export(text, flt, "jsonl", actor=actor, context={"via": "matrix", "room_id": room_id})
            text.flush()
            text.detach()
        if raw.tell() > MAX_UPLOAD_BYTES:
            return None, count
        raw.seek(0)
        return raw.read(), count


async def _export(args: list[str], *, sender: str, room_id: str, audit: AuditLog, messenger) -> None:
    if len(args) != 2:
        await messenger.send_notice(room_id, "Usage : !audit export AAAA-MM-JJ AAAA-MM-JJ")
        return
    first, last = args
    try:
        flt = ExportFilter.build(since=first, until=last)
    except ValueError as exc:
        await messenger.send_notice(room_id, f"Export impossible : {exc}.")
        return
    data, count = await asyncio.to_thread(_build_export, audit, flt, sender, room_id)
    if data is None:
        await messenger.send_notice(room_id, f"Export trop volumineux pour une pièce jointe ({count} "
                                             "événements) : réduisez la période ou utilisez « plume audit export ».")
        return
    filename = f"plume-audit_{first}_{last}.jsonl.gz"
    await messenger.send_file(room_id, data, filename=filename, mimetype="application/gzip", body=filename)
    await messenger.send_notice(room_id, f"Export du {first} au {last} (UTC) : {count} événements, "
                                         "au format JSON lines compressé (gzip).")


async def handle_audit_command(args: list[str], *, sender: str, room_id: str, config, audit: AuditLog,
                               messenger) -> None:
    """Handle ``!audit <args…>`` from ``sender`` in ``room_id`` (args without ``!audit``)."""
    sub = fold(args[0]) if args else ""
    security = config.security
    if sender not in security.users or not security.room or room_id != security.room:
        reason = "not_security_user" if sender not in security.users else "not_security_room"
        await asyncio.to_thread(audit.append, "access.denied", actor=sender, payload={
            "command": "!audit", "subcommand": sub if sub in _SUBCOMMANDS else None,
            "room_id": room_id, "reason": reason})
        await messenger.send_notice(room_id, REFUSAL if reason == "not_security_user" else WRONG_ROOM)
        return
    if sub == "verifier":
        report = await asyncio.to_thread(audit.verify)
        await messenger.send_notice(room_id, _verify_text(report))
    elif sub == "export":
        await _export(args[1:], sender=sender, room_id=room_id, audit=audit, messenger=messenger)
    elif sub == "tete":
        await post_witness(audit, messenger, room_id, requested_by=sender)
    else:
        await messenger.send_notice(room_id, HELP)
