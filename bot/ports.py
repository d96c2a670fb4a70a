"""What the Matrix client needs from the rest of the bot, as protocols (``bot.client``)."""

from __future__ import annotations

from typing import Callable, Protocol

from handlers.events import Incoming


class Router(Protocol):
    async def on_invite(self, room_id: str, inviter: str) -> None: ...

    async def on_event(self, event: Incoming) -> None: ...

    async def on_undecryptable(self, event: Incoming) -> None: ...


class SyncTokens(Protocol):
    """Where the sync token lives between runs (the composition root backs it with the store)."""

    def load(self) -> str | None: ...

    def save(self, token: str) -> None: ...

    async def flush(self) -> None: ...


Trusts = Callable[[str], bool]  # user id -> may this user's devices receive the room keys?
