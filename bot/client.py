"""Plume's Matrix client: E2EE store, the sync loop and sending (the handlers' Messenger).

Built on matrix-nio with its vodozemac store under ``matrix.store_path``. What shapes it
(DESIGN §1):
- nio's own sync-token storage is off; the bot saves its token in the database only once every
  event of a sync batch has been handled, and handlers de-duplicate by event id. A crash then
  replays events instead of losing them.
- Device keys are uploaded right after login, before any room is joined.
- Each event is handled in its own task: events of one room in order, rooms concurrently, at most
  ``matrix.max_concurrent_questions`` at once.
"""

from __future__ import annotations

import asyncio
import io
import os
import time
from collections import deque
from pathlib import Path
from typing import Any, Awaitable, Callable, Protocol, Sequence

import structlog
from aiohttp import ClientConnectionError
from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LocalProtocolError,
    MegolmEvent,
    OlmUnverifiedDeviceError,
    RoomGetEventResponse,
    RoomGetStateResponse,
    RoomMessagesResponse,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
)
from nio.api import Api

from bot.config import MatrixConfig
from bot.events import incoming_from_source
from bot.session import login
from handlers.base import SendError
from handlers.events import Incoming

log = structlog.get_logger("plume.matrix")

MAX_BACKFILL = 1000  # events fetched per room to fill a gap in a limited timeline
SYNC_FILTER = {
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
    "room": {"timeline": {"limit": 100}, "ephemeral": {"not_types": ["*"]}},
}


class Router(Protocol):
    async def on_invite(self, room_id: str, inviter: str) -> None: ...

    async def on_event(self, event: Incoming) -> None: ...

    async def on_undecryptable(self, event: Incoming) -> None: ...


class SyncTokens(Protocol):
    """Where the sync token lives between runs (the composition root backs it with the store)."""

    def load(self) -> str | None: ...

    def save(self, token: str) -> None: ...


Trusts = Callable[[str], bool]  # user id -> may this user's devices receive the room keys?


class PlumeClient:
    """Implements ``handlers.base.Messenger`` and runs the sync loop.

    ``sync_tokens`` loads and saves the sync token; ``trusts(user_id)`` decides whose devices
    are trusted on first use; ``rooms_to_join`` are joined after the first sync.
    """

    def __init__(self, matrix: MatrixConfig, *, sync_tokens: SyncTokens, trusts: Trusts,
                 rooms_to_join: Sequence[str] = ()) -> None:
        self.matrix = matrix
        self.sync_tokens = sync_tokens
        self.trusts = trusts
        self.rooms_to_join = list(rooms_to_join)
        self.user_id = matrix.user_id
        store_path = Path(matrix.store_path)
        store_path.mkdir(parents=True, exist_ok=True)
        self.nio = AsyncClient(
            matrix.homeserver, matrix.user_id, store_path=str(store_path),
            config=AsyncClientConfig(store_sync_tokens=False, encryption_enabled=True,
                                     max_limit_exceeded=5, max_timeouts=2, request_timeout=30),
        )
        self._room_locks: dict[str, asyncio.Lock] = {}
        self._slots = asyncio.Semaphore(matrix.max_concurrent_questions)
        self._batches: deque[tuple[str, list[asyncio.Task]]] = deque()
        self._invites_seen: set[str] = set()
        self._stopping = asyncio.Event()
        self.ready = asyncio.Event()

    # -- session -----------------------------------------------------------------------------

    async def login(self) -> None:
        """Log in (``bot.session.login``) and upload the device keys before any room is joined."""
        await login(self.nio, self.matrix)
        if self.nio.should_upload_keys:
            await self.nio.keys_upload()
        log.info("matrix.logged_in", device_id=self.nio.device_id)

    async def close(self) -> None:
        self._stopping.set()
        for _, tasks in list(self._batches):
            for task in tasks:
                task.cancel()
        await self.nio.close()

    def stop(self) -> None:
        self._stopping.set()

    # -- sync loop ---------------------------------------------------------------------------

    async def run(self, router: Router) -> None:
        """Sync until ``stop()``; survives homeserver outages with capped exponential backoff."""
        since = self.sync_tokens.load()
        first_start = since is None
        full_state = True  # nio keeps no room state across restarts
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                resp = await self.nio.sync(timeout=0 if full_state else 10_000,
                                           sync_filter=SYNC_FILTER, since=since,
                                           full_state=full_state)
            except (ClientConnectionError, asyncio.TimeoutError, TimeoutError):
                resp = None
            if not isinstance(resp, SyncResponse):
                log.warning("matrix.sync_failed", retry_in_s=backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            backoff = 1.0
            await self._after_sync()
            tasks = [] if first_start else await self._dispatch(resp, router, since)
            tasks += self._handle_invites(resp, router)
            self._batches.append((resp.next_batch, tasks))
            self._save_token()
            since, full_state, first_start = resp.next_batch, False, False
            if not self.ready.is_set():
                await self._join_configured_rooms()
                self.ready.set()
                log.info("matrix.ready")
        await asyncio.gather(*(t for _, ts in self._batches for t in ts), return_exceptions=True)
        self._save_token()

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    async def _after_sync(self) -> None:
        """The E2EE housekeeping that nio's sync_forever would do."""
        nio = self.nio
        if nio.should_upload_keys:
            await nio.keys_upload()
        if nio.should_query_keys:
            await nio.keys_query()
        if nio.should_claim_keys:
            await nio.keys_claim(nio.get_users_for_key_claiming())
        await nio.send_to_device_messages()

    def _save_token(self) -> None:
        """Save the newest token whose batch, and every batch before it, is fully handled."""
        token = None
        while self._batches and all(t.done() for t in self._batches[0][1]):
            token = self._batches.popleft()[0]
        if token:
            self.sync_tokens.save(token)

    def _spawn(self, room_id: str, coro: Awaitable[None]) -> asyncio.Task:
        lock = self._room_locks.setdefault(room_id, asyncio.Lock())

        async def guarded() -> None:
            async with lock, self._slots:
                try:
                    await coro
                except Exception:
                    log.exception("handler.crashed", room_id=room_id)

        task = asyncio.create_task(guarded())
        task.add_done_callback(lambda _t: self._save_token())
        return task

    async def _dispatch(self, resp: SyncResponse, router: Router, since: str) -> list[asyncio.Task]:
        tasks = []
        for room_id, info in resp.rooms.join.items():
            events = info.timeline.events
            if info.timeline.limited:
                events = await self._backfill(room_id, info.timeline.prev_batch, since) + events
            for event in events:
                sender = getattr(event, "sender", None)
                if sender == self.user_id:
                    continue
                if isinstance(event, MegolmEvent):
                    tasks.append(self._spawn(room_id, self._await_room_key(room_id, event, router)))
                    continue
                incoming = incoming_from_source(room_id, event.source)
                if incoming is not None:
                    tasks.append(self._spawn(room_id, router.on_event(incoming)))
        return tasks

    async def _backfill(self, room_id: str, token: str | None, since: str) -> list:
        """The events a limited timeline left out since our token, oldest first (bounded)."""
        events: list = []
        while token and len(events) < MAX_BACKFILL:
            resp = await self.nio.room_messages(room_id, start=token, end=since, limit=100)
            if not isinstance(resp, RoomMessagesResponse) or not resp.chunk:
                break
            events.extend(resp.chunk)
            token = resp.end if resp.end != token else None
        if events:
            log.info("matrix.backfilled", room_id=room_id, events=len(events))
        return events[::-1]

    async def _await_room_key(self, room_id: str, event: MegolmEvent, router: Router) -> None:
        """Wait (bounded) for the room key of an undecryptable event, then handle it or say so."""
        try:
            await self.nio.request_room_key(event)
        except (LocalProtocolError, ClientConnectionError):
            pass
        deadline = time.monotonic() + self.matrix.undecryptable_wait_s
        while True:
            try:
                decrypted = self.nio.decrypt_event(event)
            except Exception:  # nio raises EncryptionError / OlmError variants
                decrypted = None
            if decrypted is not None:
                incoming = incoming_from_source(room_id, decrypted.source)
                if incoming is not None:
                    await router.on_event(incoming)
                return
            if time.monotonic() >= deadline:
                await router.on_undecryptable(Incoming("undecryptable", room_id, event.event_id,
                                                       event.sender))
                return
            await self._sleep(1.0)

    def _handle_invites(self, resp: SyncResponse, router: Router) -> list[asyncio.Task]:
        tasks = []
        for room_id, info in resp.rooms.invite.items():
            if room_id in self._invites_seen:
                continue
            self._invites_seen.add(room_id)
            inviter = next((e.sender for e in info.invite_state
                            if isinstance(e, InviteMemberEvent) and e.state_key == self.user_id
                            and e.membership == "invite"), "")
            tasks.append(self._spawn(room_id, router.on_invite(room_id, inviter)))
        return tasks

    async def _join_configured_rooms(self) -> None:
        for room_id in self.rooms_to_join:
            if room_id not in self.nio.rooms:
                resp = await self.nio.join(room_id)
                log.info("matrix.join_configured", room_id=room_id, ok=hasattr(resp, "room_id"))

    # -- rooms -------------------------------------------------------------------------------

    async def join(self, room_id: str) -> bool:
        resp = await self.nio.join(room_id)
        if not hasattr(resp, "room_id"):
            return False
        # Wait for the room's state (members, encryption) to arrive through sync.
        for _ in range(100):
            if room_id in self.nio.rooms:
                break
            await asyncio.sleep(0.1)
        await self.nio.joined_members(room_id)
        return True

    async def leave(self, room_id: str) -> None:
        await self.nio.room_leave(room_id)
        self._invites_seen.discard(room_id)

    async def member_count(self, room_id: str) -> int:
        """Joined plus invited members, the bot included, read from the room's current state."""
        resp = await self.nio.room_get_state(room_id)
        if isinstance(resp, RoomGetStateResponse):
            return sum(1 for e in resp.events if e.get("type") == "m.room.member"
                       and (e.get("content") or {}).get("membership") in ("join", "invite"))
        room = self.nio.rooms.get(room_id)
        return (room.joined_count + room.invited_count) if room else 0

    async def set_typing(self, room_id: str, typing: bool) -> None:
        try:
            await self.nio.room_typing(room_id, typing_state=typing, timeout=30_000)
        except (ClientConnectionError, asyncio.TimeoutError, LocalProtocolError):
            pass  # cosmetic

    # -- sending (Messenger) -----------------------------------------------------------------

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

    async def _send(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        for _attempt in range(3):
            if self.nio.should_query_keys:
                await self.nio.keys_query()
            self._trust_room_devices(room_id)
            try:
                resp = await self.nio.room_send(room_id, event_type, content)
            except OlmUnverifiedDeviceError:
                continue  # a device appeared meanwhile: trust it, try again
            except (ClientConnectionError, asyncio.TimeoutError, TimeoutError):
                await asyncio.sleep(1)
                continue
            if isinstance(resp, RoomSendResponse):
                return resp.event_id
            log.warning("matrix.send_refused", room_id=room_id, status=getattr(resp, "status_code", None))
            await asyncio.sleep(1)
        raise SendError(f"could not send to {room_id}")

    async def send_notice(self, room_id: str, body: str, html: str | None = None, *,
                          reply_to: str | None = None, extra: dict[str, Any] | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.notice", "body": body}
        if html is not None:
            content |= {"format": "org.matrix.custom.html", "formatted_body": html}
        if reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        if extra:
            content |= extra
        return await self._send(room_id, "m.room.message", content)

    async def send_reaction(self, room_id: str, event_id: str, key: str) -> str:
        """An m.annotation on ``event_id``, encrypted in encrypted rooms as Element and Tchap do.

        nio sends reactions in clear, so in an encrypted room this encrypts the event itself.
        """
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        room = self.nio.rooms.get(room_id)
        if room is None or not room.encrypted:
            return await self._send(room_id, "m.reaction", content)
        # Any message sent first makes sure the megolm session is shared; then encrypt by hand.
        if self.nio.olm.should_share_group_session(room_id):
            self._trust_room_devices(room_id)
            await self.nio.share_group_session(room_id)
        etype, encrypted = self.nio.encrypt(room_id, "m.reaction", content)
        method, path, data = Api.room_send(self.nio.access_token, room_id, etype, encrypted,
                                           os.urandom(12).hex())
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

