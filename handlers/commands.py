"""Text commands: ``!<verb> …`` in any room, dispatched through the verb table.

Agents' rooms: the decision verbs (``handlers.decisions``); lead rooms: ``!resume``
(``handlers.summaries``); the security room: ``!audit …`` (``handlers.security``); everywhere:
``!aide``, written from the verbs of the room's audience. Staff verbs are accepted anywhere and
check who asks and where (a refusal is audited); unknown words get a French hint.
"""

from __future__ import annotations

from common.text import fold
from handlers.access import RoomRole
from handlers.base import Messenger
from handlers.events import Incoming
from handlers.messages import Message
from handlers.messages import agents, leads, security
from handlers.verbs import (AGENT, ANY, AUDIENCE_OF_ROOM, LEAD, SECURITY, Call, Verb, VerbOwner,
                            VerbTable, verb)
from storage.async_store import AsyncStore


def parse(body: str) -> tuple[str, str]:
    """``"!Régénérer  plus court"`` → ``("regenerer", "plus court")`` (accents and case folded).
    Any whitespace ends the first word; the rest keeps its line breaks (a multi-line signature)."""
    head, *rest = body.strip().split(None, 1)
    return fold(head[1:]), (rest[0].strip() if rest else "")


class CommandHandler:
    """Dispatches commands to the verbs of ``owners`` (and its own ``!aide``)."""

    def __init__(self, *, store: AsyncStore, messenger: Messenger, owners: list[VerbOwner]) -> None:
        self.store = store
        self.messenger = messenger
        self.verbs = VerbTable([*owners, self],
                               intros={AGENT: agents.AGENT_INTRO, LEAD: leads.LEAD_INTRO,
                                       SECURITY: security.SECURITY_INTRO},
                               outros={AGENT: agents.AGENT_OUTRO})

    def welcome(self) -> Message:
        """The first message in a new agent's room: a greeting and the agents' help."""
        return self.verbs.help_for(AGENT, intro=f"{agents.WELCOME_HEAD}\n{agents.AGENT_INTRO}")

    async def on_command(self, event: Incoming, role: RoomRole) -> None:
        if not await self.store.claim_event(event.event_id, event.room_id):
            return
        name, rest = parse(event.body)
        # "!regenerer plus court, sans formule": the verb's words, punctuation after them ignored
        bound = self.verbs.find([name, *(fold(w).rstrip(",;:.") for w in rest.split()[:2])])
        if bound is not None:
            parts = rest.split(None, len(bound.verb.words) - 1)
            args = parts[-1].strip() if len(parts) == len(bound.verb.words) else ""
            await bound.run(Call(event, role, bound.verb, args))
            return
        group = self.verbs.group(name)
        if not group:
            await self.messenger.send_notice(event.room_id, *agents.unknown_command(f"!{name}"))
            return
        # ``!audit`` alone or with an unknown word: the group's help, once its checks pass.
        audience = group[0].verb.audience
        call = Call(event, role, Verb((name,), audience, ""), rest)
        if await group[0].owner.prepare(call) is not None:
            await self.messenger.send_notice(event.room_id, *self.verbs.help_for(audience))

    async def prepare(self, call: Call) -> Call:
        return call

    @verb("aide", ANY, "cette aide")
    async def help(self, call: Call, _call: Call) -> None:
        audience = AUDIENCE_OF_ROOM[call.role.kind]
        await self.messenger.send_notice(call.event.room_id, *self.verbs.help_for(audience))
