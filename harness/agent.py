"""A scripted Matrix user with end-to-end encryption: plays the public agents in the tests and in
``plume demo``.

``AgentClient`` wraps a real matrix-nio ``AsyncClient`` (vodozemac crypto, SQLite key store in
``store_dir``) and a background sync loop. It behaves like Element/Tchap where the bot can tell:
it creates encrypted DMs, trusts the devices of room members on first use, sends text, HTML,
replies, edits, encrypted attachments and reactions (encrypted or in clear), and records every
message-like event of its rooms, decrypted, as ``RecordedEvent``.

    agent = await AgentClient.create(hs.url, "@agent:plume.localhost", "pw", tmp_path / "agent")
    room_id = await agent.create_dm("@plume:plume.localhost")
    await agent.wait_joined(room_id, "@plume:plume.localhost")
    await agent.send_text(room_id, "Bonjour, ...")
    draft = await agent.wait_for(room_id, lambda r: r.msgtype == "m.notice")
    await agent.react(room_id, draft.event_id, "✅")
    await agent.close()

Room keys: before each encrypted send the agent syncs the member list, queries device keys,
verifies every member device not yet verified (trust on first use) and shares its Megolm session
with all of them, invited members included, so a peer that trusts the agent likewise can decrypt.
The session is kept for the next messages, like Element and Tchap: a new one only when nio
rotates it (100 messages, a week) or a new device joins. Events that
arrive before their room key are kept and decrypted again after every sync. matrix-nio only
answers key requests from its own user's devices, so cross-user key requests are not used.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    EncryptionError,
    JoinError,
    LocalProtocolError,
    LoginResponse,
    MegolmEvent,
    RoomCreateError,
    RoomPreset,
    SyncResponse,
)

from harness.records import AgentError, Predicate, RecordedEvent  # noqa: F401  (re-exported)
from harness.sending import AgentSending

log = logging.getLogger(__name__)

MEGOLM = "m.megolm.v1.aes-sha2"
ENCRYPTION_STATE = {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}}
SYNC_TIMEOUT_MS = 1000


class AgentClient(AgentSending):
    """A logged-in, syncing, E2EE-capable Matrix user. Build it with ``await AgentClient.create``."""

    def __init__(self, client: AsyncClient, *, auto_join: bool) -> None:
        self.client = client
        self.auto_join = auto_join
        self._records: dict[str, list[RecordedEvent]] = {}
        self._seen: set[str] = set()
        self._returned: set[str] = set()
        self._undecrypted: dict[str, list[MegolmEvent]] = {}
        self._joining: set[str] = set()
        self._waiters: list[asyncio.Event] = []
        self._sync_task: asyncio.Task[None] | None = None
        self.sync_errors = 0

    # -- life cycle ----------------------------------------------------------------------

    @classmethod
    async def create(cls, homeserver_url: str, user_id: str, password: str, store_dir: Path, *,
                     device_name: str = "plume-agent", auto_join: bool = True) -> AgentClient:
        """Log in with a new device, upload its keys, run a first sync and start syncing in the
        background.

        Args:
            homeserver_url: e.g. ``EmbeddedSynapse.url``.
            store_dir: directory for the nio crypto store (created if missing).
            auto_join: join every room the agent is invited to.
        Raises:
            AgentError: login failed.
        """
        store_dir = Path(store_dir)
        store_dir.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False)
        client = AsyncClient(homeserver_url, user_id, store_path=str(store_dir), config=config)
        resp = await client.login(password, device_name=device_name)
        if not isinstance(resp, LoginResponse):
            await client.close()
            raise AgentError(f"login {user_id}: {resp}")
        agent = cls(client, auto_join=auto_join)
        try:
            if client.should_upload_keys:
                await client.keys_upload()
            await agent._sync_once(timeout_ms=0, full_state=True)
        except BaseException:
            await client.close()
            raise
        agent._sync_task = asyncio.create_task(agent._sync_loop(), name=f"agent-sync {user_id}")
        return agent

    async def close(self) -> None:
        """Stop the sync loop and close the HTTP session (the device stays logged in)."""
        task, self._sync_task = self._sync_task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        await self.client.close()

    async def __aenter__(self) -> AgentClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def user_id(self) -> str:
        return self.client.user_id

    @property
    def device_id(self) -> str:
        return self.client.device_id

    # -- sync ----------------------------------------------------------------------------

    async def _sync_loop(self) -> None:
        while True:
            try:
                await self._sync_once(timeout_ms=SYNC_TIMEOUT_MS)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep syncing through transient errors
                self.sync_errors += 1
                log.warning("agent sync failed", extra={"error": type(exc).__name__})
                await asyncio.sleep(0.5)

    async def _sync_once(self, timeout_ms: int, full_state: bool = False) -> None:
        client = self.client
        resp = await client.sync(timeout=timeout_ms, full_state=full_state)
        if not isinstance(resp, SyncResponse):
            raise AgentError(f"sync: {resp}")
        await client.send_to_device_messages()
        if client.should_upload_keys:
            await client.keys_upload()
        await self._query_keys()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        for room_id, info in resp.rooms.join.items():
            for event in info.timeline.events:
                self._record(room_id, event)
        self._retry_undecrypted()
        if self.auto_join:
            for room_id in resp.rooms.invite:
                if room_id not in self._joining:
                    self._joining.add(room_id)
                    joined = await client.join(room_id)
                    if isinstance(joined, JoinError):
                        log.warning("agent join failed", extra={"room_id": room_id})
        self._notify()

    async def _query_keys(self) -> None:
        if self.client.should_query_keys:
            try:
                await self.client.keys_query()
            except LocalProtocolError:  # another task queried meanwhile
                pass

    def _record(self, room_id: str, event: Any) -> None:
        source = getattr(event, "source", None) or {}
        if isinstance(event, MegolmEvent):  # room key not (yet) here
            self._undecrypted.setdefault(room_id, []).append(event)
            return
        if "state_key" in source or "event_id" not in source or source["event_id"] in self._seen:
            return
        self._seen.add(source["event_id"])
        self._records.setdefault(room_id, []).append(RecordedEvent(
            room_id=room_id, event_id=source["event_id"], sender=source.get("sender", ""),
            type=source.get("type", ""), content=source.get("content") or {},
            encrypted=bool(getattr(event, "decrypted", False)),
            ts=source.get("origin_server_ts", 0),
        ))

    def _retry_undecrypted(self) -> None:
        for room_id, events in self._undecrypted.items():
            still = []
            for event in events:
                try:
                    self._record(room_id, self.client.decrypt_event(event))
                except EncryptionError:
                    still.append(event)
            events[:] = still

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            waiter.set()

    async def _wait_until(self, check: Callable[[], Any], timeout: float,
                          describe: Callable[[], str]) -> Any:
        """Re-evaluate ``check`` after every sync until it returns a truthy value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result:
                return result
            if self._sync_task is None or self._sync_task.done():
                raise AgentError("the agent's sync loop is not running")
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(describe())
            waiter = asyncio.Event()
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter.wait(), remaining)
            except TimeoutError:
                pass

    # -- received events -----------------------------------------------------------------

    def records(self, room_id: str) -> list[RecordedEvent]:
        """Every message-like event recorded in the room so far (own ones included), in the
        order they were received or decrypted."""
        return list(self._records.get(room_id, ()))

    async def wait_for(self, room_id: str, predicate: Predicate = lambda r: True,
                       timeout: float = 60.0) -> RecordedEvent:
        """Return the first event from another sender, not returned by an earlier ``wait_for``,
        that matches ``predicate``; wait for it up to ``timeout`` seconds.

        Raises:
            TimeoutError: nothing matched; the message lists what the room received.
        """
        def check() -> RecordedEvent | None:
            for rec in self._records.get(room_id, ()):
                if rec.sender != self.user_id and rec.event_id not in self._returned and predicate(rec):
                    self._returned.add(rec.event_id)
                    return rec
            return None

        def describe() -> str:
            lines = [f"  {r.summary()}" for r in self._records.get(room_id, ())]
            pending = len(self._undecrypted.get(room_id, ()))
            return (f"{self.user_id}: no matching event in {room_id} after {timeout:.0f} s; "
                    f"received {len(lines)} (+{pending} not decryptable):\n" + "\n".join(lines))

        return await self._wait_until(check, timeout, describe)

    async def wait_joined(self, room_id: str, user_id: str | None = None, timeout: float = 30.0) -> None:
        """Wait until ``user_id`` (default: this agent) is a joined member of the room, as seen
        by this agent's sync."""
        user_id = user_id or self.user_id

        def check() -> bool:
            room = self.client.rooms.get(room_id)
            if room is None or self.user_id not in room.users:
                return False
            user = room.users.get(user_id)
            return user is not None and not user.invited

        await self._wait_until(check, timeout, lambda: f"{user_id} has not joined {room_id}")

    async def join(self, room_id: str, timeout: float = 30.0) -> None:
        """Join a room (e.g. after an invite when ``auto_join`` is off) and wait for the sync."""
        resp = await self.client.join(room_id)
        if isinstance(resp, JoinError):
            raise AgentError(f"join {room_id}: {resp}")
        await self.wait_joined(room_id, timeout=timeout)

    # -- rooms ---------------------------------------------------------------------------

    async def create_room(self, invite: list[str], *, encrypted: bool = True, is_direct: bool = False,
                          name: str | None = None, timeout: float = 30.0) -> str:
        """Create a private room inviting ``invite``; return its id once the agent's sync has it.

        Preset ``trusted_private_chat`` (invitees get the creator's power level, as in a Tchap
        DM) when ``is_direct``, else ``private_chat``. ``encrypted`` adds the
        ``m.room.encryption`` (Megolm) initial state.
        """
        resp = await self.client.room_create(
            name=name, is_direct=is_direct, invite=list(invite),
            preset=RoomPreset.trusted_private_chat if is_direct else RoomPreset.private_chat,
            initial_state=[ENCRYPTION_STATE] if encrypted else [],
        )
        if isinstance(resp, RoomCreateError):
            raise AgentError(f"create room: {resp}")
        room_id = resp.room_id

        def ready() -> bool:
            room = self.client.rooms.get(room_id)
            return room is not None and room.encrypted == encrypted

        await self._wait_until(ready, timeout, lambda: f"room {room_id} did not appear in sync")
        return room_id

    async def create_dm(self, user_id: str, timeout: float = 30.0) -> str:
        """Create an encrypted direct chat with ``user_id`` (is_direct, trusted_private_chat) as
        Element/Tchap does; return the room id. The invitee still has to join."""
        return await self.create_room([user_id], encrypted=True, is_direct=True, timeout=timeout)


__all__ = ["AgentClient", "AgentError", "RecordedEvent", "ENCRYPTION_STATE", "MEGOLM"]
