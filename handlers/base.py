"""What handlers need from the Matrix side, as a protocol (implemented by bot.client.PlumeClient)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Protocol

from common.clock import utc_now

if TYPE_CHECKING:
    from handlers.access import AccessPolicy
    from handlers.config import HandlersConfig
    from storage.async_store import AsyncStore


class SendError(RuntimeError):
    """The homeserver refused a send even after the bounded retries. ``permanent``: it will refuse
    it again (e.g. ``M_TOO_LARGE``), so sending it later is pointless."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Messenger(Protocol):
    """Sends to a room, encrypting when the room is encrypted. Returns the new event id.

    Raises ``SendError`` when the homeserver still refuses after bounded retries. ``txn_id``
    names what is sent (e.g. a draft version): sending it again under the same name (a
    re-delivery whose first answer was lost) yields the first event, not a second one.
    """

    async def send_notice(self, room_id: str, body: str, html: str | None = None, *,
                          reply_to: str | None = None, txn_id: str | None = None) -> str: ...

    async def send_file(self, room_id: str, data: bytes, *, filename: str, mimetype: str,
                        image: bool = False, body: str | None = None) -> str: ...

    async def send_reaction(self, room_id: str, event_id: str, key: str) -> str: ...

    async def set_typing(self, room_id: str, typing: bool) -> None: ...

    async def fetch_content(self, room_id: str, event_id: str) -> dict[str, Any] | None: ...


class StaffHandler:
    """Base of the lead and security room handlers: their collaborators, injected."""

    def __init__(self, *, config: HandlersConfig, store: AsyncStore, messenger: Messenger,
                 access: AccessPolicy, clock: Callable[[], datetime] = utc_now) -> None:
        self.config = config
        self.store = store
        self.messenger = messenger
        self.access = access
        self.clock = clock
