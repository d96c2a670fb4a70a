"""The agent's decisions on a draft: ✅ approve · ✏️ edit · 🔄 regenerate · 🗑️ discard.

Reactions, replies and text commands all end here. A question is decided once; a second
decision changes nothing and says so. Texts typed by the agent are redacted before storage.
"""

from __future__ import annotations

import asyncio
from difflib import SequenceMatcher

import structlog

from bot.events import Incoming, normalise_key
from handlers import messages
from handlers.base import Messenger
from handlers.pending import PendingValues
from handlers.questions import RETRY_KEY, QuestionHandler
from redaction import Redactor, rehydrate
from storage.models import Draft, Question
from storage.store import Store

log = structlog.get_logger("plume.decisions")

_KEYS = {normalise_key(k): k for k in messages.DRAFT_BUTTONS}
_REASONS = {normalise_key(k): v for k, v in messages.DISCARD_REASONS.items()}


class DecisionHandler:
    def __init__(self, *, store: Store, redactor: Redactor, messenger: Messenger,
                 pending: PendingValues, questions: QuestionHandler) -> None:
        self.store = store
        self.redactor = redactor
        self.messenger = messenger
        self.pending = pending
        self.questions = questions

    # -- entry points ------------------------------------------------------------------------

    async def on_reaction(self, event: Incoming) -> None:
        """A reaction on a draft, on a discard-reason prompt or on a failure notice."""
        if not self.store.claim_event(event.event_id, event.room_id):
            return
        ref = self.store.draft_for_event(event.target)
        if ref is not None:
            if ref.question.agent != event.sender:
                return
            button = _KEYS.get(event.key)
            if button == messages.APPROVE:
                await self.approve(ref.question, ref.draft, event.sender)
            elif button == messages.EDIT:
                await self.messenger.send_notice(event.room_id, *messages.ASK_EDIT,
                                                 reply_to=event.target)
            elif button == messages.REGENERATE:
                await self.regenerate(ref.question, event.sender)
            elif button == messages.DISCARD:
                await self.discard(ref.question, ref.draft, event.sender)
            return
        if event.key in _REASONS:
            decision = self.store.decision_for_prompt(event.target)
            if decision is not None and decision.actor == event.sender:
                await self._reason(decision, _REASONS[event.key], event)
            return
        question_id = self.store.get_state(RETRY_KEY.format(event_id=event.target))
        if question_id and event.key == normalise_key(messages.REGENERATE):
            question = self.store.get_question(question_id)
            if question is not None and question.agent == event.sender:
                await self.regenerate(question, event.sender)

    async def on_reply(self, event: Incoming) -> bool:
        """A text reply to a draft (an edit) or to a discard prompt (a reason). False if neither."""
        ref = self.store.draft_for_event(event.reply_to)
        if ref is not None and ref.question.agent == event.sender:
            if self.store.claim_event(event.event_id, event.room_id):
                await self.edit(ref.question, ref.draft, event.sender, event.body)
            return True
        decision = self.store.decision_for_prompt(event.reply_to)
        if decision is not None and decision.actor == event.sender:
            if self.store.claim_event(event.event_id, event.room_id):
                await self._reason(decision, event.body.strip(), event)
            return True
        return False

    # -- decisions ---------------------------------------------------------------------------

    async def approve(self, question: Question, draft: Draft, actor: str) -> None:
        if await self._refuse_if_decided(question):
            return
        mapping = await self.pending.mapping_for(question)
        decision = self.store.decide(question, draft, kind="approved", actor=actor)
        if decision is None:
            return await self._refuse_if_decided(question)
        text = rehydrate(draft.text, mapping or {})
        await self.messenger.send_notice(question.room_id, *messages.final_text("approved", text),
                                         reply_to=draft.event_id)
        self.pending.forget(question.id)

    async def edit(self, question: Question, draft: Draft | None, actor: str, text: str) -> None:
        text = text.strip()
        if not text:
            await self.messenger.send_notice(question.room_id, *messages.EDIT_NEEDS_TEXT)
            return
        if await self._refuse_if_decided(question):
            return
        draft = draft or self.store.latest_draft(question.id)
        final = await self._redacted(question, text)
        similarity = SequenceMatcher(None, draft.text, final).ratio() if draft else None
        if self.store.decide(question, draft, kind="edited", actor=actor, final_text=final,
                             similarity=similarity) is None:
            return await self._refuse_if_decided(question)
        await self.messenger.send_notice(question.room_id, *messages.final_text("edited", text),
                                         reply_to=draft.event_id if draft else None)
        self.pending.forget(question.id)

    async def regenerate(self, question: Question, actor: str, instruction: str | None = None) -> None:
        if await self._refuse_if_decided(question):
            return
        if instruction:
            instruction = await self._redacted(question, instruction)
        await self.questions.draft_and_post(question, await self.pending.mapping_for(question),
                                            actor=actor, instruction=instruction or None)

    async def discard(self, question: Question, draft: Draft | None, actor: str,
                      reason: str | None = None) -> None:
        if await self._refuse_if_decided(question):
            return
        draft = draft or self.store.latest_draft(question.id)
        if reason:
            reason = await self._redacted(question, reason)
        decision = self.store.decide(question, draft, kind="discarded", actor=actor,
                                     reason=reason or None)
        if decision is None:
            return await self._refuse_if_decided(question)
        self.pending.forget(question.id)
        event_id = await self.messenger.send_notice(
            question.room_id, *messages.discard_prompt(reason or None),
            reply_to=draft.event_id if draft else None)
        if not reason:
            self.store.set_reason_prompt(decision, event_id)
            for key in messages.DISCARD_REASONS:
                await self.messenger.send_reaction(question.room_id, event_id, key)

    async def _reason(self, decision, reason: str, event: Incoming) -> None:
        if not reason:
            return
        question = self.store.get_question(decision.question_id)
        if self.store.set_discard_reason(decision, await self._redacted(question, reason),
                                         event.sender):
            await self.messenger.send_notice(event.room_id, *messages.REASON_THANKS)

    async def _redacted(self, question: Question, text: str) -> str:
        """Text the agent typed, in placeholder form; the question's known values are masked too
        (a surname alone, say, that no recognizer would flag)."""
        mapping = await self.pending.mapping_for(question)
        return (await asyncio.to_thread(self.redactor.redact, text, mapping)).text

    async def _refuse_if_decided(self, question: Question) -> bool:
        decision = self.store.decision_for(question.id)
        if decision is None:
            return False
        await self.messenger.send_notice(question.room_id, *messages.already_decided(decision.kind))
        return True
