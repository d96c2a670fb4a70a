"""Routes invites and room events to the handlers, after the access checks."""

from __future__ import annotations

import structlog

from bot.client import PlumeClient
from handlers.access import AccessPolicy
from handlers.commands import CommandHandler
from handlers.decisions import DecisionHandler
from handlers.events import Incoming
from handlers.messages import Message
from handlers.messages import agents as messages
from handlers.questions import QuestionHandler
from storage.async_store import AsyncStore

log = structlog.get_logger("plume.router")


class EventRouter:
    def __init__(self, *, access: AccessPolicy, store: AsyncStore, client: PlumeClient,
                 questions: QuestionHandler, decisions: DecisionHandler,
                 commands: CommandHandler) -> None:
        self.access = access
        self.store = store
        self.client = client
        self.questions = questions
        self.decisions = decisions
        self.commands = commands

    async def on_invite(self, room_id: str, inviter: str) -> None:
        role = self.access.role_of(room_id)
        if role.kind != "direct":
            await self.client.join(room_id)
            return
        if not self.access.is_allowed(inviter):
            log.info("access.denied", reason="invite_from_stranger", room_id=room_id)
            await self.store.access_denied(inviter or "unknown", "invite_from_stranger", room_id=room_id)
            await self.client.leave(room_id)
            return
        if not await self.client.join(room_id):
            return
        if await self._refuse_group_room(room_id, inviter):
            return
        await self.client.send_notice(room_id, *self.commands.welcome())
        await self._tell_about_left_rooms(room_id, inviter)

    async def _leave_if_no_agent(self, event: Incoming) -> None:
        """Someone left a DM: when no allowed user remains (joined or invited, as the homeserver
        says now: the agent may have come back since), leave it too, audited as ``room.left``
        with the count of its questions still undecided. A replayed event audits nothing twice."""
        others = [u for u in await self.client.members(event.room_id) if u != self.client.user_id]
        if any(self.access.is_allowed(u) for u in others):
            return
        if await self.store.claim_event(event.event_id, event.room_id):
            undecided = await self.store.room_left(event.room_id, actor=event.sender,
                                                   reason="agent_left")
            log.info("room.left", reason="agent_left", room_id=event.room_id, undecided=undecided)
        await self.client.leave(event.room_id)

    async def _tell_about_left_rooms(self, room_id: str, agent: str) -> None:
        """In a new DM, tell the agent (once per room) about questions left undecided in DMs
        the bot has left since: their drafts cannot be reached there any more."""
        count = 0
        for old, undecided in (await self.store.undecided_by_room(agent)).items():
            if old != room_id and not self.client.has_room(old) and \
                    await self.store.claim_event(f"left-room-told:{old}", room_id):
                count += undecided
        if count:
            await self.client.send_notice(room_id, *messages.left_room_pending(count))

    async def _refuse_group_room(self, room_id: str, actor: str) -> bool:
        if len(await self.client.members(room_id)) <= 2:
            return False
        log.info("access.denied", reason="group_room", room_id=room_id)
        await self.store.access_denied(actor, "group_room", room_id=room_id)
        await self.client.send_notice(room_id, *messages.GROUP_ROOM_REFUSED)
        await self.client.leave(room_id)
        return True

    async def on_event(self, event: Incoming) -> None:
        role = self.access.role_of(event.room_id)
        if event.kind == "member_join":
            if role.kind == "direct":
                await self._refuse_group_room(event.room_id, event.sender)
            return
        if event.kind == "member_leave":
            if role.kind == "direct":
                await self._leave_if_no_agent(event)
            return
        if not self.access.is_allowed(event.sender):
            if await self.store.claim_event(event.event_id, event.room_id):
                await self.store.access_denied(event.sender, "message_from_stranger", room_id=event.room_id)
            return
        if event.kind == "text" and event.body.lstrip().startswith("!"):
            await self.commands.on_command(event, role)
        elif role.kind != "direct":
            return  # lead and security rooms: commands only
        elif event.kind == "reaction":
            await self.decisions.on_reaction(event)
        elif event.kind == "text":
            if not (event.reply_to and await self.decisions.on_reply(event)):
                await self.questions.on_paste(event)
        elif event.kind == "edit":
            await self._on_edit(event)
        elif event.kind == "file":
            await self._notice_once(event, messages.FILE_REFUSED)

    async def on_undecryptable(self, event: Incoming) -> None:
        await self._notice_once(event, messages.UNDECRYPTABLE)

    async def _on_edit(self, event: Incoming) -> None:
        if await self.store.question_for_event(event.target) is None:
            await self._notice_once(event, messages.EDIT_OF_NON_QUESTION)
            return
        await self.questions.on_paste(event, edited=True)

    async def _notice_once(self, event: Incoming, message: Message) -> None:
        if await self.store.claim_event(event.event_id, event.room_id):
            await self.client.send_notice(event.room_id, *message, reply_to=event.event_id)
