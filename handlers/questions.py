"""A pasted question: redact, guard, draft, post the draft with its buttons.

One question's life (DESIGN §1): received → redacted → drafted (v1, v2 …) → decided, or failed
with a retry offered. With the team's ``privacy.confirm_before_send`` the redacted text is shown
first and waits for the agent's ✅ (``handlers.loop``). The Matrix event id of the paste is the
idempotency key.
"""

from __future__ import annotations

from datetime import timedelta

import structlog

from common.clock import utc_now
from drafting import DraftError, Drafter
from handlers import metrics
from drafting.grounding import sources_footer
from handlers.base import Messenger, SendError
from handlers.config import HandlersConfig
from handlers.events import Incoming
from handlers.messages import agents as messages
from handlers.messages import notice
from handlers.messages import sources as source_messages
from handlers.pending import PendingValues
from handlers.sources import Grounding
from redaction import rehydrate
from redaction.pool import RedactionPool
from storage.async_store import AsyncStore
from storage.library import AnswerMatch
from storage.models import Draft, Question

log = structlog.get_logger("plume.questions")


class QuestionHandler:
    def __init__(self, *, config: HandlersConfig, store: AsyncStore, redactor: RedactionPool,
                 drafter: Drafter, messenger: Messenger, pending: PendingValues,
                 max_question_chars: int, grounding: Grounding | None = None) -> None:
        self.config = config
        self.max_question_chars = max_question_chars
        self.store = store
        self.redactor = redactor
        self.drafter = drafter
        self.messenger = messenger
        self.pending = pending
        self.grounding = grounding or Grounding(None)

    async def on_paste(self, event: Incoming, *, edited: bool = False) -> None:
        """Handle a pasted question (or the new text of an edited one)."""
        existing = await self.store.question_for_event(event.event_id)
        if existing is not None and existing.status != "redacted":
            return  # already handled before a restart; "redacted" means the draft never came
        text = event.body.strip()
        if not text or len(text) > self.max_question_chars:
            if await self.store.claim_event(event.event_id, event.room_id):
                limit = self.max_question_chars
                msg = messages.EMPTY_PASTE if not text else messages.too_long(len(text), limit)
                await self.messenger.send_notice(event.room_id, *msg, reply_to=event.event_id)
            return
        with metrics.REDACTION_LATENCY.time():
            redaction, leaks = await self.redactor.redact_checked(text)
        counts = redaction.counts()
        question = existing or await self.store.open_question(
            event_id=event.event_id, room_id=event.room_id, agent=event.sender,
            team=(team.name if (team := self.config.team_of(event.sender)) else None),
            redacted_text=redaction.text, entity_counts=counts, blocked_types=leaks or None)
        if question is None:
            return
        if existing is None:
            metrics.QUESTIONS.inc()
        log.info("question.redacted", question_id=question.id, entities=counts, blocked=bool(leaks))
        if leaks:
            metrics.DRAFTS.labels("blocked").inc()
            await self.messenger.send_notice(event.room_id, *notice(messages.leak_message(leaks)),
                                             reply_to=event.event_id)
            return
        self.pending.remember(question.id, redaction.mapping)
        intro = messages.QUESTION_EDITED if edited else None
        if self.confirm_first(question):
            await self.ask_confirmation(question, intro)
            return
        await self.draft_and_post(question, redaction.mapping, actor=event.sender, intro=intro)

    def confirm_first(self, question: Question) -> bool:
        """Whether the question's team has ``privacy.confirm_before_send`` on."""
        team = self.config.team_named(question.team) if question.team else None
        return bool(team and team.privacy.confirm_before_send)

    async def ask_confirmation(self, question: Question, notice_line: str | None = None) -> None:
        """Show the agent the exact text that would go to the model, with ✅ ✏️ 🗑️."""
        event_id = await self.messenger.send_notice(
            question.room_id, *messages.confirm_prompt(question.redacted_text,
                                                       question.entity_counts, notice_line),
            reply_to=question.event_id)
        await self.store.ask_confirmation(question, event_id)
        for key in messages.CONFIRM_BUTTONS:
            await self.messenger.send_reaction(question.room_id, event_id, key)

    async def refuse_if_decided(self, question: Question) -> bool:
        """Say so and return True when the question was already decided."""
        decision = await self.store.decision_for(question.id)
        if decision is None:
            return False
        await self.messenger.send_notice(question.room_id, *messages.already_decided(decision.kind))
        return True

    async def draft_and_post(self, question: Question, mapping: dict[str, str] | None, *,
                             actor: str, instruction: str | None = None,
                             intro: str | None = None, fresh: bool = False,
                             tone: str | None = None) -> None:
        """Ask the LLM for the next version and post it with its buttons, or say it failed.

        The agent sees the bot typing while the LLM drafts. ``mapping`` None: the real values
        are lost (restart); the draft keeps its placeholders. ``fresh``: a first draft of a
        corrected text (the previous draft is not sent along). ``tone``: a key of
        ``drafting.prompts.TONES``. A validated answer of the team close to the question goes to
        the model as an example and is offered under the draft.
        """
        previous = None if fresh else await self.store.latest_draft(question.id)
        example = await self._example(question, previous)
        await self.messenger.set_typing(question.room_id, True)
        try:
            found = await self.grounding.find(question)
            sources = found or []
            with metrics.LLM_IN_FLIGHT.track_inprogress(), metrics.LLM_LATENCY.time():
                result = await self.drafter.draft(
                    question.redacted_text, instruction=instruction,
                    previous=previous.text if previous else None,
                    tone=tone, example=example.text if example else None, sources=sources)
        except DraftError as exc:
            _count_slow_downs(exc.statuses)
            metrics.DRAFTS.labels("failed").inc()
            log.warning("draft.failed", question_id=question.id, error=exc.kind)
            await self._failed(question, exc.kind, messages.draft_failed(exc.kind), actor=actor)
            return
        finally:
            await self.messenger.set_typing(question.room_id, False)
        _count_slow_downs(result.statuses)
        metrics.DRAFTS.labels("generated").inc()
        known = mapping or {}
        checked = await self.grounding.check(result.text, sources)
        # What is stored is placeholder form, even if the model wrote a personal value itself
        # (the redactor's storage profile: the model only saw placeholders, see
        # redaction.engine); the sources footer (official titles and links) is added after.
        stored = (await self.pending.redact(question, checked.text, model_output=True)).text
        text = checked.text
        if sources:
            stored, text = (f"{t}\n\n{sources_footer(sources)}" for t in (stored, text))
        draft = await self.store.add_draft(question, text=stored, backend=result.backend,
                                           model=result.model, latency_ms=result.latency_ms,
                                           instruction=instruction, actor=actor, tone=tone,
                                           example=example,
                                           sources=tuple(dict.fromkeys(s.id for s in sources)))
        log.info("draft.generated", question_id=question.id, version=draft.version,
                 latency_ms=result.latency_ms, sources=len(sources), links_removed=len(checked.removed_urls),
                 unverified=len(checked.unverified))
        notes = [intro, messages.draft_notes(result.notes, result.template)]
        if "offline_fiche" in result.notes:
            notes.append(source_messages.OFFLINE_FICHE.format(title=result.template))
        if found == []:
            notes.append(source_messages.NO_SOURCE)
        notes.append(source_messages.checks(checked.removed_urls, checked.unverified))
        notice_line = " ".join(x for x in notes if x) or None
        await self._post(question, draft, rehydrate(text, known), notice_line, mapping)

    async def _example(self, question: Question, previous: Draft | None) -> AnswerMatch | None:
        """The validated answer for ``question``: the one of its earlier drafts, else (first
        draft) the closest of the library; None when there is none, the library is off
        (``validated_answers.enabled``) or it fails the leak guard."""
        settings = self.config.validated_answers
        if previous is not None:
            return (await self.store.validated_answer(previous.example_id, question.redacted_text)
                    if previous.example_id else None)
        if not settings.enabled:
            return None
        match = await self.store.similar_answer(team=question.team, agent=question.agent,
                                                question_text=question.redacted_text,
                                                min_similarity=settings.min_similarity)
        if match is None or await self.redactor.leaks(match.text):
            return None
        return match

    async def _post(self, question: Question, draft: Draft, shown: str, notice_line: str | None,
                    mapping: dict[str, str] | None) -> None:
        """Post a stored draft with its buttons. A refused send leaves it for ``redeliver``,
        unless the homeserver will never take it: then the question fails and the agent is told.

        The agent's signature is added here, locally; the validated answer offered gets this
        question's values only, where its placeholders match (another citizen's were never stored).
        """
        signature = await self.store.signature(question.agent)
        validated = None
        if draft.example_id and (example := await self.store.validated_answer(
                draft.example_id, question.redacted_text)):
            validated = (example.validated_at.astimezone(self.config.summary.zone).date(),
                         example.similarity, rehydrate(example.text, mapping or {}))
        body, html = messages.draft(draft.version, shown, question.entity_counts,
                                    question.redacted_text, notice_line, mapping is not None,
                                    signature=signature, validated=validated)
        try:  # named by its draft version: a re-delivery after a lost answer is not posted twice
            event_id = await self.messenger.send_notice(
                question.room_id, body, html, reply_to=question.event_id,
                txn_id=f"draft:{question.id}:v{draft.version}")
        except SendError as exc:
            metrics.DRAFTS.labels("undelivered").inc()
            log.warning("draft.undelivered", question_id=question.id, version=draft.version,
                        permanent=exc.permanent)
            if exc.permanent:
                await self._failed(question, "undeliverable",
                                   messages.draft_undeliverable(draft.version), actor="plume")
            return
        await self.store.set_draft_event(draft, event_id)
        for key in messages.DRAFT_BUTTONS:
            await self.messenger.send_reaction(question.room_id, event_id, key)

    async def _failed(self, question: Question, kind: str, message: tuple[str, str], *,
                      actor: str) -> None:
        """Record a failure, tell the agent and offer 🔄 on the notice."""
        await self.store.draft_failed(question, kind=kind, actor=actor)
        try:
            event_id = await self.messenger.send_notice(question.room_id, *message,
                                                        reply_to=question.event_id)
            await self.store.set_retry_prompt(event_id, question)
            await self.messenger.send_reaction(question.room_id, event_id, messages.REGENERATE)
        except SendError:
            log.warning("draft.failure_unsent", question_id=question.id, kind=kind)

    async def redeliver(self, *, min_age_s: float = 60) -> None:
        """Post again the drafts the homeserver refused (outage, rate limit): none is dropped."""
        cutoff = utc_now() - timedelta(seconds=min_age_s)
        for ref in await self.store.undelivered_drafts(cutoff):
            mapping = await self.pending.mapping_for(ref.question)
            await self._post(ref.question, ref.draft, rehydrate(ref.draft.text, mapping or {}),
                             None, mapping)


def _count_slow_downs(statuses: tuple[int | None, ...]) -> None:
    slow_downs = sum(1 for s in statuses if s in metrics.LLM_SLOW_DOWN_STATUSES)
    if slow_downs:
        metrics.RATE_LIMITED.labels("llm").inc(slow_downs)
