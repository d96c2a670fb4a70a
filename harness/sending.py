"""The scripted agent's sending side: trust on first use, Megolm sharing, text, HTML, replies,
edits, encrypted attachments and reactions (mixed into ``harness.agent.AgentClient``)."""

from __future__ import annotations

import io
from typing import Any
from uuid import uuid4

from nio import Api, DownloadError, RoomSendError, UploadResponse
from nio.crypto.attachments import decrypt_attachment

from harness.records import AgentError, RecordedEvent


class AgentSending:
    """Needs ``self.client`` (nio AsyncClient), ``self.user_id`` and ``self._query_keys()``."""

    def trust_room_devices(self, room_id: str) -> int:
        """Verify (trust on first use) every known device of every member, invited members
        included. Returns the number of devices newly verified.

        Devices already verified are skipped: nio's default key store reports every
        ``verify_device`` call as a change, and a change discards the room's outbound Megolm
        session, so the agent would share a new room key before every message. Skipping them
        keeps one session per room, rotated by nio's own limits (100 messages or a week) or when
        a new device appears, as Element and Tchap do.
        """
        client = self.client
        room = client.rooms[room_id]
        count = 0
        for user_id in room.users:
            for device in client.device_store.active_user_devices(user_id):
                if device.id != client.device_id and not client.olm.is_device_verified(device) \
                        and client.verify_device(device):
                    count += 1
        return count

    async def _prepare_encrypted(self, room_id: str) -> None:
        """Member list, device keys, trust and a shared Megolm session, before an encrypted send."""
        client = self.client
        room = client.rooms.get(room_id)
        if room is None:
            raise AgentError(f"{self.user_id} is not in room {room_id}")
        if not room.encrypted:
            return
        if not room.members_synced:
            await client.joined_members(room_id)
        await self._query_keys()
        self.trust_room_devices(room_id)
        if client.olm.should_share_group_session(room_id):
            pending = client.sharing_session.get(room_id)
            if pending is not None:
                await pending.wait()
            else:
                await client.share_group_session(room_id, ignore_unverified_devices=True)

    async def send_event(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        """Send any room event (encrypted in an encrypted room, except ``m.reaction`` which nio
        always sends in clear: use ``react``). Returns the event id."""
        await self._prepare_encrypted(room_id)
        resp = await self.client.room_send(room_id, event_type, content, ignore_unverified_devices=True)
        if isinstance(resp, RoomSendError):
            raise AgentError(f"send {event_type} to {room_id}: {resp}")
        return resp.event_id

    async def send_text(self, room_id: str, body: str, *, html: str | None = None,
                        reply_to: str | None = None, msgtype: str = "m.text") -> str:
        """Send a text message; ``html`` adds ``format: org.matrix.custom.html`` and
        ``formatted_body``; ``reply_to`` adds ``m.relates_to.m.in_reply_to``. Returns the event id."""
        content: dict[str, Any] = {"msgtype": msgtype, "body": body}
        if html is not None:
            content.update(format="org.matrix.custom.html", formatted_body=html)
        if reply_to is not None:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        return await self.send_event(room_id, "m.room.message", content)

    async def send_edit(self, room_id: str, original_event_id: str, new_body: str, *,
                        html: str | None = None) -> str:
        """Edit an earlier message (``m.replace``; the new text in ``m.new_content``, the
        ``* ``-prefixed fallback in ``body``). Returns the event id of the edit."""
        new_content: dict[str, Any] = {"msgtype": "m.text", "body": new_body}
        if html is not None:
            new_content.update(format="org.matrix.custom.html", formatted_body=html)
        content = {
            "msgtype": "m.text", "body": f"* {new_body}",
            "m.new_content": new_content,
            "m.relates_to": {"rel_type": "m.replace", "event_id": original_event_id},
        }
        return await self.send_event(room_id, "m.room.message", content)

    async def send_file(self, room_id: str, data: bytes, filename: str, mimetype: str, *,
                        image: bool = False) -> str:
        """Upload ``data`` and send it as ``m.file`` (or ``m.image``). In an encrypted room the
        file is encrypted (AES-CTR, as Element does) and the event carries the ``file`` object
        (url, key, iv, hashes, v); in clear rooms it carries ``url``. Returns the event id."""
        encrypted = self.client.rooms[room_id].encrypted
        resp, keys = await self.client.upload(io.BytesIO(data), content_type=mimetype, filename=filename,
                                              encrypt=encrypted, filesize=len(data))
        if not isinstance(resp, UploadResponse):
            raise AgentError(f"upload {filename!r}: {resp}")
        content: dict[str, Any] = {
            "msgtype": "m.image" if image else "m.file", "body": filename, "filename": filename,
            "info": {"mimetype": mimetype, "size": len(data)},
        }
        if encrypted:
            content["file"] = {**keys, "url": resp.content_uri, "mimetype": mimetype}
        else:
            content["url"] = resp.content_uri
        return await self.send_event(room_id, "m.room.message", content)

    async def download(self, record: RecordedEvent) -> bytes:
        """Fetch the attachment of an ``m.file``/``m.image`` event, decrypting it if needed.

        Raises:
            AgentError: no attachment, or the download failed.
            nio.EncryptionError: the ciphertext does not match its hash.
        """
        file_info = record.content.get("file")
        url = file_info["url"] if file_info else record.content.get("url")
        if not url:
            raise AgentError(f"event {record.event_id} carries no attachment")
        resp = await self.client.download(mxc=url)
        if isinstance(resp, DownloadError):
            raise AgentError(f"download {url}: {resp}")
        if not file_info:
            return resp.body
        return decrypt_attachment(resp.body, file_info["key"]["k"], file_info["hashes"]["sha256"],
                                  file_info["iv"])

    async def react(self, room_id: str, event_id: str, key: str, *, encrypted: bool = True) -> str:
        """React to ``event_id`` with ``key`` (``m.reaction``, ``rel_type: m.annotation``).

        ``encrypted=True`` sends it through the room's Megolm session, as Element and Tchap do
        (``m.room.encrypted``, with ``m.relates_to`` copied to the clear envelope so the server
        can aggregate). ``encrypted=False`` sends it in clear, as nio's ``room_send`` does for
        reactions. Returns the event id.
        """
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        room = self.client.rooms.get(room_id)
        if not (encrypted and room is not None and room.encrypted):
            return await self.send_event(room_id, "m.reaction", content)
        await self._prepare_encrypted(room_id)
        event_type, wire_content = self.client.encrypt(room_id, "m.reaction", content)
        method, path, data = Api.room_send(self.client.access_token, room_id, event_type, wire_content,
                                           uuid4())
        http = await self.client.send(method, path, data)
        body = await http.json()
        if http.status != 200:
            raise AgentError(f"send encrypted reaction to {room_id}: HTTP {http.status} {body}")
        return body["event_id"]
