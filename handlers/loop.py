"""The agent in the loop: ``!masquer`` and a team's ``privacy.confirm_before_send``.

Redaction is never perfect, so the agent has the last word before anything leaves:

- ``!masquer <expression> [comme <type>]`` masks every further occurrence of the expression in
  the question's text (``redaction.masks``): a new placeholder, the stored text and drafts
  rewritten, earlier audit payloads holding the value scrubbed, then a new draft from the
  corrected text (or a new confirmation prompt). Audit: ``question.remasked``.
- with ``privacy.confirm_before_send`` on for the agent's team, the text to send is shown first
  (a prompt): ✅ sends it (``question.confirmed``), ✏️ or ``!modifier <texte>`` replaces it with
  the agent's corrected text, redacted again (``question.corrected``), 🗑️ drops the question.

The masked value itself is never stored: the revision row keeps the id of the agent's command
event, from which ``handlers.pending`` reads it back after a restart.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import structlog

from handlers.base import Messenger
from handlers.messages import agents as messages
from handlers.messages import notice
from handlers.pending import PendingValues
from handlers.questions import QuestionHandler
from redaction import Redactor, masks
from redaction.placeholders import PLACEHOLDER, parse
from storage.async_store import AsyncStore
from storage.models import AWAITING, Question

log = structlog.get_logger("plume.loop")


def placeholder_counts(text: str) -> dict[str, int]:
    """Occurrences of Plume placeholders in ``text``, per entity type."""
    return dict(Counter(p[0] for m in PLACEHOLDER.finditer(text) if (p := parse(m.group()))))


class LoopHandler:
    def __init__(self, questions: QuestionHandler) -> None:
        self.questions = questions
        self.store: AsyncStore = questions.store
        self.redactor: Redactor = questions.redactor
        self.messenger: Messenger = questions.messenger
        self.pending: PendingValues = questions.pending

    async def mask(self, question: Question, actor: str, event_id: str, args: str) -> None:
        """``!masquer``: see the module docstring."""
        if await self.questions.refuse_if_decided(question):
            return
        request = masks.parse_request(args)
        if request is None:
            await self.messenger.send_notice(question.room_id, *messages.MASK_USAGE)
            return
        known = await self.pending.mapping_for(question)  # None: values lost, placeholders stay
        mapping = known or {}
        entity_type = request.entity_type or masks.guess_entity_type(
            request.expression, await asyncio.to_thread(self.redactor.redact, request.expression))
        done = masks.apply(question.redacted_text, request.expression, entity_type, mapping)
        if done is None:
            await self.messenger.send_notice(question.room_id,
                                             *messages.mask_not_found(request.expression))
            return

        def rewrite(text: str) -> str:
            again = masks.apply(text, request.expression, entity_type, mapping, done.placeholder)
            return again.text if again else text

        def holds_value(payload: dict) -> bool:
            return any(masks.find(s, request.expression, mapping) for s in masks.strings(payload))

        counts = Counter(question.entity_counts)
        counts[entity_type] += done.occurrences
        revised = await self.store.revise(
            question, kind="mask", actor=actor, event_id=event_id, redacted_text=done.text,
            entity_counts=dict(counts), placeholder=done.placeholder, entity_type=entity_type,
            occurrences=done.occurrences, rewrite=rewrite, scrub=holds_value)
        if revised is None:
            await self.questions.refuse_if_decided(question)
            return
        log.info("question.remasked", question_id=question.id, placeholder=done.placeholder,
                 entity_type=entity_type, occurrences=done.occurrences)
        if known is not None:
            self.pending.remember(question.id, done.mapping, (done.placeholder, entity_type))
        await self._next(revised, actor, messages.masked_line(done.placeholder, done.occurrences))

    async def correct(self, question: Question, actor: str, event_id: str, text: str) -> None:
        """The agent's corrected text to send (prompt state): redacted again, guarded, stored."""
        text = text.strip()
        if await self.questions.refuse_if_decided(question):
            return
        if not text:
            await self.messenger.send_notice(question.room_id, *messages.EDIT_NEEDS_TEXT)
            return
        redaction = await self.pending.redact(question, text)
        leaks = self.redactor.leaks(redaction.text)
        if leaks:
            await self.messenger.send_notice(question.room_id,
                                             *notice(messages.leak_message(leaks)))
            return
        previous = question.redacted_text
        revised = await self.store.revise(
            question, kind="correction", actor=actor, event_id=event_id,
            redacted_text=redaction.text, entity_counts=placeholder_counts(redaction.text),
            scrub=lambda payload: previous in masks.strings(payload))
        if revised is None:
            await self.questions.refuse_if_decided(question)
            return
        log.info("question.corrected", question_id=question.id,
                 entities=placeholder_counts(redaction.text))
        self.pending.remember(question.id, redaction.mapping)
        await self._next(revised, actor, messages.CORRECTED_LINE)

    async def confirm(self, question: Question, actor: str) -> None:
        """✅ on the prompt: the text shown goes to the model."""
        confirmed = await self.store.confirm(question, actor)
        if confirmed is None:
            await self.questions.refuse_if_decided(question)
            return
        await self.questions.draft_and_post(confirmed, await self.pending.mapping_for(confirmed),
                                            actor=actor)

    async def _next(self, question: Question, actor: str, line: str) -> None:
        """After a revision: a new prompt when the team confirms first, else a fresh draft."""
        if question.status == AWAITING or self.questions.confirm_first(question):
            await self.questions.ask_confirmation(question, line)
        else:
            await self.questions.draft_and_post(
                question, await self.pending.mapping_for(question), actor=actor, fresh=True,
                intro=f"{line} {messages.REDRAFT_LINE}" if question.status == "drafted" else line)
