"""Text commands, for clients without reactions and for lead and security rooms.

Agents' rooms: ``!aide``, ``!ok``, ``!modifier <texte>``, ``!regenerer [consigne]``,
``!rejeter [raison]``. They act on the draft the command replies to, else on the room's newest
question. Staff commands (``!resume [AAAA-MM-JJ]`` for team leads, ``!audit …`` for security
staff) are accepted anywhere and check who asks and where: a refusal is audited.
"""

from __future__ import annotations

from typing import Awaitable, Callable

from bot.access import RoomRole
from bot.events import Incoming
from handlers import messages
from handlers.base import Messenger
from handlers.decisions import DecisionHandler
from handlers.security import HELP as SECURITY_HELP
from redaction.normalize import fold
from storage.store import Store

RoomCommand = Callable[[list[str], Incoming], Awaitable[None]]


def parse(body: str) -> tuple[str, str]:
    """``"!Régénérer  plus court"`` → ``("regenerer", "plus court")`` (accents and case folded)."""
    head, _, rest = body.strip().partition(" ")
    return fold(head[1:]), rest.strip()


class CommandHandler:
    def __init__(self, *, store: Store, messenger: Messenger, decisions: DecisionHandler,
                 staff_commands: dict[str, RoomCommand]) -> None:
        self.store = store
        self.messenger = messenger
        self.decisions = decisions
        self.staff_commands = staff_commands

    async def on_command(self, event: Incoming, role: RoomRole) -> None:
        if not self.store.claim_event(event.event_id, event.room_id):
            return
        name, rest = parse(event.body)
        if name == "aide":
            help_ = {"lead": messages.LEAD_HELP, "security": messages.notice(SECURITY_HELP)}
            await self.messenger.send_notice(event.room_id, *help_.get(role.kind, messages.HELP))
            return
        if name in self.staff_commands:
            await self.staff_commands[name](rest.split(), event)
            return
        if role.kind != "direct" or name not in ("ok", "modifier", "regenerer", "rejeter"):
            await self.messenger.send_notice(event.room_id, *messages.unknown_command(f"!{name}"))
            return
        ref = self.store.draft_for_event(event.reply_to) if event.reply_to else None
        question = ref.question if ref else self.store.latest_question(event.room_id)
        if question is None or question.agent != event.sender:
            await self.messenger.send_notice(event.room_id, *messages.NO_PENDING)
            return
        draft = ref.draft if ref else self.store.latest_draft(question.id)
        if name == "ok":
            if draft is None:
                await self.messenger.send_notice(event.room_id, *messages.NO_PENDING)
            else:
                await self.decisions.approve(question, draft, event.sender)
        elif name == "modifier":
            await self.decisions.edit(question, draft, event.sender, rest)
        elif name == "regenerer":
            await self.decisions.regenerate(question, event.sender, rest or None)
        else:
            await self.decisions.discard(question, draft, event.sender, rest or None)
