"""Security-room verbs (``!audit …``) and the daily witness of the audit chain head.

Only ``security.users``, in ``security.room``, may use ``!audit``; anyone else gets a French
refusal, recorded as ``access.denied``. ``!audit export AAAA-MM-JJ AAAA-MM-JJ`` sends the events of
those UTC days (both inclusive) as a gzip-compressed JSON lines attachment (encrypted by the
Messenger in encrypted rooms). Database work runs off the event loop, through the store.
"""

from __future__ import annotations

import gzip
import io
import tempfile
from datetime import timezone

from handlers.base import StaffHandler
from handlers.messages import security as messages
from handlers.verbs import SECURITY, Call, verb
from storage.audit import ExportFilter, ExportFilterError

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Synapse's default max_upload_size


class SecurityHandler(StaffHandler):
    """``!audit …`` for security staff in the security room, and the witness job."""

    async def post_witness(self, room_id: str, *, requested_by: str | None = None) -> str:
        """Post the current head to ``room_id`` as a witness and record ``audit.witness``.

        The scheduler calls it daily at ``security.witness_time``; ``!audit tete`` too.
        Returns the event id of the witness message.
        """
        head = await self.store.audit_head()
        now = self.clock().astimezone(timezone.utc)
        event_id = await self.messenger.send_notice(room_id, *messages.witness_message(head, now))
        await self.store.witness_posted(head, room_id=room_id, event_id=event_id,
                                        requested_by=requested_by)
        return event_id

    async def prepare(self, call: Call) -> str | None:
        """The security room's id when the sender is security staff writing there, else None
        (refused, audited)."""
        sender, room_id = call.event.sender, call.event.room_id
        room = self.config.security.room
        if self.access.is_security(sender) and room and room_id == room:
            return room_id
        reason = "not_security_room" if self.access.is_security(sender) else "not_security_user"
        sub = call.verb.words[1] if len(call.verb.words) > 1 else None
        await self.store.access_denied(sender, reason, room_id=room_id, command="!audit",
                                       subcommand=sub)
        refusal = messages.REFUSAL if reason == "not_security_user" else messages.WRONG_ROOM
        await self.messenger.send_notice(room_id, *refusal)
        return None

    @verb("audit verifier", SECURITY, "vérifier l'intégrité du journal d'audit")
    async def verify(self, room_id: str, call: Call) -> None:
        report = await self.store.verify_audit()
        await self.messenger.send_notice(room_id, *messages.verify_result(report))

    @verb("audit export", SECURITY, "exporter les événements de ces jours (UTC, inclus)",
          usage="AAAA-MM-JJ AAAA-MM-JJ")
    async def export(self, room_id: str, call: Call) -> None:
        if len(call.words) != 2:
            await self.messenger.send_notice(room_id, *messages.EXPORT_USAGE)
            return
        first, last = call.words
        try:
            flt = ExportFilter.build(since=first, until=last)
        except ExportFilterError as exc:
            await self.messenger.send_notice(room_id, *messages.export_impossible(
                messages.filter_error(exc)))
            return
        data, count = await self._gzip_export(flt, call.event.sender, room_id)
        if data is None:
            await self.messenger.send_notice(room_id, *messages.export_too_large(count))
            return
        filename = f"plume-audit_{first}_{last}.jsonl.gz"
        await self.messenger.send_file(room_id, data, filename=filename, mimetype="application/gzip",
                                       body=filename)
        await self.messenger.send_notice(room_id, *messages.export_done(first, last, count))

    @verb("audit tete", SECURITY, "publier la tête actuelle de la chaîne (témoin)")
    async def head(self, room_id: str, call: Call) -> None:
        await self.post_witness(room_id, requested_by=call.event.sender)

    async def _gzip_export(self, flt: ExportFilter, actor: str, room_id: str) -> tuple[bytes | None, int]:
        """Gzip-compressed JSON lines of ``flt``, spooled to a temporary file; (None, count) when
        the result exceeds MAX_UPLOAD_BYTES."""
        with tempfile.TemporaryFile() as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb") as gz:
                text = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
                count = await self.store.export_audit(text, flt, actor=actor,
                                                      context={"via": "matrix", "room_id": room_id})
                text.flush()
                text.detach()
            if raw.tell() > MAX_UPLOAD_BYTES:
                return None, count
            raw.seek(0)
            return raw.read(), count
