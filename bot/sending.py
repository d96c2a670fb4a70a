"""Sending to rooms (the handlers' ``Messenger``), as the half of ``PlumeClient`` that posts.

Every event goes out under a Matrix transaction id that stays the same across retries, so the
homeserver, which de-duplicates by device and transaction id, stores it once even when an answer
was lost. A caller that can name what it sends (``txn_id``, e.g. a draft version) gets the same
id again on a later re-delivery too; the bot's reactions are named by their event and key.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import uuid
from typing import Any, Callable

import structlog
from aiohttp import ClientConnectionError
from nio import (
    AsyncClient,
    LocalProtocolError,
    MegolmEvent,
    OlmUnverifiedDeviceError,
    RoomGetEventResponse,
    RoomSendResponse,
    UploadResponse,
)
from nio.api import Api

from bot.event_size import notice_parts
from handlers import metrics
from handlers.base import SendError
from handlers.messages import part_label

log = structlog.get_logger("plume.matrix")

SEND_ATTEMPTS = 3  # per event, one second apart, before SendError


def transaction_id(*parts: str) -> str:
    """A Matrix transaction id derived from ``parts`` (32 hex digits): the same parts, the same id."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class MatrixSending:
    """Implements ``handlers.base.Messenger`` on ``nio`` for the bot ``user_id``; ``trusts(user_id)``
    decides whose devices receive the room keys."""

    nio: AsyncClient
    user_id: str
    trusts: Callable[[str], bool]

    def _trust_room_devices(self, room_id: str) -> None:
        """Trust the devices of members ``trusts`` accepts on first use; blacklist the others'."""
        room = self.nio.rooms.get(room_id)
        if room is None or not self.nio.olm:
            return
        for user_id in room.users:
            allowed = user_id == self.user_id or self.trusts(user_id)
            for device in self.nio.device_store.active_user_devices(user_id):
                if device.device_id == self.nio.device_id or device.verified or device.blacklisted:
                    continue
                if allowed:
                    self.nio.verify_device(device)
                else:
                    self.nio.blacklist_device(device)

    async def _send(self, room_id: str, event_type: str, content: dict[str, Any],
                    txn_id: str | None = None) -> str:
        """Send one event (encrypted in encrypted rooms) under ``txn_id`` (a fresh one if None),
        the same id at every attempt. Raises SendError, ``permanent`` when it would be refused
        again (too large, or the bot is not in the room)."""
        txn_id = txn_id or uuid.uuid4().hex
        if room_id not in self.nio.rooms:
            raise SendError(f"not in room {room_id}", permanent=True)
        for _attempt in range(SEND_ATTEMPTS):
            if self.nio.should_query_keys:
                await self.nio.keys_query()
            self._trust_room_devices(room_id)
            try:
                resp = await self.nio.room_send(room_id, event_type, content, tx_id=txn_id)
            except OlmUnverifiedDeviceError:
                continue  # a device appeared meanwhile: trust it, try again
            except (ClientConnectionError, asyncio.TimeoutError, TimeoutError):
                await asyncio.sleep(1)
                continue
            if isinstance(resp, RoomSendResponse):
                return resp.event_id
            status = getattr(resp, "status_code", None)
            if status == "M_LIMIT_EXCEEDED":
                metrics.RATE_LIMITED.labels("matrix").inc()
            log.warning("matrix.send_refused", room_id=room_id, status=status)
            if status == "M_TOO_LARGE":  # it would be refused again
                raise SendError(f"{room_id} refused the event: {status}", permanent=True)
            await asyncio.sleep(1)
        raise SendError(f"could not send to {room_id}")

    async def send_notice(self, room_id: str, body: str, html: str | None = None, *,
                          reply_to: str | None = None, extra: dict[str, Any] | None = None,
                          txn_id: str | None = None) -> str:
        """Post an m.notice (in numbered parts when too large); returns the last part's event id.
        ``txn_id``: what names this notice, for a re-delivery to be de-duplicated."""
        content: dict[str, Any] = {"msgtype": "m.notice", "body": body}
        if html is not None:
            content |= {"format": "org.matrix.custom.html", "formatted_body": html}
        if reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        if extra:
            content |= extra
        ids = [await self._send(room_id, "m.room.message", part,
                                transaction_id(txn_id, str(n)) if txn_id else None)
               for n, part in enumerate(notice_parts(content, part_label))]
        return ids[-1]  # the part that ends the message: the buttons go there

    async def send_reaction(self, room_id: str, event_id: str, key: str) -> str:
        """An m.annotation on ``event_id``, encrypted in encrypted rooms as Element and Tchap do.

        nio sends reactions in clear, so in an encrypted room this encrypts the event itself.
        The transaction id is named by the event and the key: one such reaction per event.
        """
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        txn_id = transaction_id("reaction", room_id, event_id, key)
        room = self.nio.rooms.get(room_id)
        if room is None or not room.encrypted:
            return await self._send(room_id, "m.reaction", content, txn_id)
        # Any message sent first makes sure the megolm session is shared; then encrypt by hand.
        if self.nio.olm.should_share_group_session(room_id):
            self._trust_room_devices(room_id)
            await self.nio.share_group_session(room_id)
        etype, encrypted = self.nio.encrypt(room_id, "m.reaction", content)
        method, path, data = Api.room_send(self.nio.access_token, room_id, etype, encrypted, txn_id)
        resp = await self.nio._send(RoomSendResponse, method, path, data, (room_id,))
        if not isinstance(resp, RoomSendResponse):
            raise SendError(f"could not react in {room_id}")
        return resp.event_id

    async def send_file(self, room_id: str, data: bytes, *, filename: str, mimetype: str,
                        image: bool = False, body: str | None = None) -> str:
        room = self.nio.rooms.get(room_id)
        encrypted = bool(room and room.encrypted)
        resp, keys = await self.nio.upload(io.BytesIO(data), content_type=mimetype,
                                           filename=filename, encrypt=encrypted, filesize=len(data))
        if not isinstance(resp, UploadResponse):
            raise SendError(f"upload refused: {getattr(resp, 'message', resp)}")
        content: dict[str, Any] = {"msgtype": "m.image" if image else "m.file",
                                   "body": body or filename, "filename": filename,
                                   "info": {"mimetype": mimetype, "size": len(data)}}
        if encrypted:
            content["file"] = {"url": resp.content_uri, **keys}
        else:
            content["url"] = resp.content_uri
        return await self._send(room_id, "m.room.message", content)

    async def set_typing(self, room_id: str, typing: bool) -> None:
        try:
            await self.nio.room_typing(room_id, typing_state=typing, timeout=30_000)
        except (ClientConnectionError, asyncio.TimeoutError, LocalProtocolError):
            pass  # cosmetic

    async def fetch_content(self, room_id: str, event_id: str) -> dict[str, Any] | None:
        """The (decrypted) content of an event of the room, or None."""
        resp = await self.nio.room_get_event(room_id, event_id)
        if not isinstance(resp, RoomGetEventResponse):
            return None
        event = resp.event
        if isinstance(event, MegolmEvent):
            try:
                event = self.nio.decrypt_event(event)
            except Exception:
                return None
        return (event.source or {}).get("content")
