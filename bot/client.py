"""Plume's Matrix client: E2EE store, the sync loop, rooms (sending: ``bot.sending``).

Built on matrix-nio with its vodozemac store under ``matrix.store_path``. What shapes it
(DESIGN §1):
- nio's own sync-token storage is off; the bot saves its token in the database only once every
  event of a sync batch has been handled, and handlers de-duplicate by event id. A crash then
  replays events instead of losing them.
- Device keys are uploaded right after login, before any room is joined.
- Each event is handled in its own task: events of one room in order, rooms concurrently; the
  bounds are per resource: LLM calls (``drafting.limits``), redaction threads (``redaction.pool``).
- A failed sync is retried with capped exponential backoff and jitter (at most MAX_BACKOFF_S
  between attempts, so the bot is back within seconds of the homeserver); nio's own retries of a
  request stay short (``max_timeouts``) and a sync that hangs is abandoned at its deadline.
- Sending, with transaction ids that make re-sends idempotent, is ``bot.sending``.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Sequence

import structlog
from aiohttp import ClientConnectionError
from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LocalProtocolError,
    MegolmEvent,
    RoomGetStateResponse,
    RoomMessagesResponse,
    SyncResponse,
)

from bot.config import MatrixConfig
from bot.events import incoming_from_source
from bot.handling import HandlerRuns, Resume, retry_delay, sleep_unless
from bot.key_store import WalStore
from bot.ports import Router, SyncTokens, Trusts
from bot.sending import MatrixSending
from bot.session import login
from handlers import metrics
from handlers.events import Incoming

log = structlog.get_logger("plume.matrix")

BACKOFF_BASE_S, MAX_BACKOFF_S = 0.5, 3.0  # sync retries: 0.5, 1, 2, 3, 3 … s, each with jitter
LONG_POLL_MS = 10_000  # how long the homeserver may hold a sync open when nothing happens
# A sync that has not answered by then is abandoned and retried (a connection that hangs
# instead of failing, e.g. a partition); the first, full-state sync of a big account is slower.
SYNC_DEADLINE_S, FULL_SYNC_DEADLINE_S = LONG_POLL_MS / 1000 + 5, 120.0
STOP_GRACE_S = 6.0  # on stop, how long handlers under way may finish (the rest resume on restart)
MAX_BACKFILL = 1000  # events fetched per room to fill a gap in a limited timeline
SYNC_FILTER = {
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
    "room": {"timeline": {"limit": 100}, "ephemeral": {"not_types": ["*"]}},
}


class PlumeClient(MatrixSending):
    """Runs the sync loop; implements ``handlers.base.Messenger`` (``bot.sending``).

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
            config=AsyncClientConfig(store_sync_tokens=False, encryption_enabled=True, store=WalStore,
                                     max_limit_exceeded=5, max_timeouts=2, request_timeout=30),
        )
        self._invites_seen: set[str] = set()
        self._stopping = asyncio.Event()
        self._runs = HandlerRuns(sync_tokens=sync_tokens, stopping=self._stopping)
        self.ready = asyncio.Event()
        self.reconnected = asyncio.Event()  # set by the first good sync after failed ones
        self.last_sync: float | None = None  # time.monotonic() of the last successful sync

    # -- session -----------------------------------------------------------------------------

    async def login(self) -> None:
        """Log in (``bot.session.login``) and upload the device keys before any room is joined."""
        await login(self.nio, self.matrix)
        if self.nio.should_upload_keys:
            await self.nio.keys_upload()
        log.info("matrix.logged_in", device_id=self.nio.device_id)

    async def close(self) -> None:
        self._stopping.set()
        self._runs.cancel()
        await self.nio.close()

    def stop(self) -> None:
        self._stopping.set()

    # -- sync loop ---------------------------------------------------------------------------

    async def run(self, router: Router) -> None:
        """Sync until ``stop()``. A homeserver outage, a protocol error or an unavailable database
        is retried with capped exponential backoff and jitter (``retry_delay``), so the bot
        resumes within about MAX_BACKOFF_S of the homeserver's return; the token only moves past
        handled events."""
        since = self.sync_tokens.load()
        first_start = since is None
        full_state = True  # nio keeps no room state across restarts
        failures, failing_since = 0, 0.0
        while not self._stopping.is_set():
            try:
                resp = await self._sync_unless_stopped(since, full_state)
                if resp is None:
                    break
                if isinstance(resp, SyncResponse):
                    self.last_sync = time.monotonic()
                    if failures:
                        log.info("matrix.reconnected", failed_attempts=failures,
                                 down_s=round(self.last_sync - failing_since, 1))
                        failures = 0
                        self.reconnected.set()
                    await self._after_sync()
                    tasks = [] if first_start else await self._dispatch(resp, router, since)
                    tasks += self._handle_invites(resp, router)
                    self._runs.add_batch(resp.next_batch, tasks)
                    since, full_state, first_start = resp.next_batch, False, False
                    if not self.ready.is_set():
                        await self._join_configured_rooms()
                        self.ready.set()
                        log.info("matrix.ready")
                    continue
                error = type(resp).__name__
            except (ClientConnectionError, TimeoutError) as exc:
                error = type(exc).__name__
            except Exception as exc:  # nio or database fault: keep the bot alive, retry
                log.exception("matrix.sync_crashed")
                error = type(exc).__name__
            if not failures:
                failing_since = time.monotonic()
            failures += 1
            delay = retry_delay(failures, BACKOFF_BASE_S, MAX_BACKOFF_S)
            log.warning("matrix.sync_failed", error=error, retry_in_s=round(delay, 2))
            await sleep_unless(self._stopping, delay)
        await self._runs.finish(STOP_GRACE_S)

    async def _sync_unless_stopped(self, since: str | None, full_state: bool):
        """One sync (a long poll of up to LONG_POLL_MS), or None as soon as ``stop()`` is called.

        Raises TimeoutError when the homeserver has not answered within the sync's deadline.
        """
        sync = asyncio.ensure_future(self.nio.sync(
            timeout=0 if full_state else LONG_POLL_MS, sync_filter=SYNC_FILTER, since=since,
            full_state=full_state))
        stopped = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait((sync, stopped), return_when=asyncio.FIRST_COMPLETED,
                           timeout=FULL_SYNC_DEADLINE_S if full_state else SYNC_DEADLINE_S)
        stopped.cancel()
        if not sync.done():
            sync.cancel()
            await asyncio.gather(sync, return_exceptions=True)
            if self._stopping.is_set():
                return None
            raise TimeoutError("the homeserver did not answer the sync in time")
        return sync.result()

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
                    tasks.append(self._runs.spawn(
                        room_id, lambda r=room_id, e=event: self._await_room_key(r, e, router)))
                    continue
                incoming = incoming_from_source(room_id, event.source)
                if incoming is not None:
                    tasks.append(self._runs.spawn(room_id, lambda i=incoming: router.on_event(i)))
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
                metrics.DECRYPTION_FAILURES.inc()
                await router.on_undecryptable(Incoming("undecryptable", room_id, event.event_id,
                                                       event.sender))
                return
            if self._stopping.is_set():
                raise Resume("stopping while waiting for a room key")
            await sleep_unless(self._stopping, 1.0)

    def _handle_invites(self, resp: SyncResponse, router: Router) -> list[asyncio.Task]:
        tasks = []
        for room_id, info in resp.rooms.invite.items():
            if room_id in self._invites_seen:
                continue
            self._invites_seen.add(room_id)
            inviter = next((e.sender for e in info.invite_state
                            if isinstance(e, InviteMemberEvent) and e.state_key == self.user_id
                            and e.membership == "invite"), "")
            tasks.append(self._runs.spawn(room_id, lambda r=room_id, i=inviter: router.on_invite(r, i)))
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

    def has_room(self, room_id: str) -> bool:
        """Whether the bot is joined to ``room_id`` and its state has arrived through sync."""
        return room_id in self.nio.rooms

    async def leave(self, room_id: str) -> None:
        """Leave (or refuse) the room and forget it: nio drops its state, sends to it fail."""
        await self.nio.room_leave(room_id)
        await self.nio.room_forget(room_id)
        self._invites_seen.discard(room_id)

    async def members(self, room_id: str) -> list[str]:
        """Joined and invited members, the bot included, read from the room's current state on
        the homeserver (not from what sync told earlier)."""
        resp = await self.nio.room_get_state(room_id)
        if isinstance(resp, RoomGetStateResponse):
            return [e["state_key"] for e in resp.events if e.get("type") == "m.room.member"
                    and (e.get("content") or {}).get("membership") in ("join", "invite")]
        room = self.nio.rooms.get(room_id)
        return list(room.users) if room else []  # nio's users: joined and invited
