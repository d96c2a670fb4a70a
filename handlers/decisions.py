"""The agent's decisions on a draft: ✅ approve · ✏️ edit · 🔄 regenerate · 🗑️ discard, and the
tone regenerations ✂️ shorter · 📖 plain language · 🎩 more formal.

Each is one verb (``handlers.verbs``): the reaction on a draft and the text command (``!ok``,
``!modifier <texte>``, ``!regenerer [consigne]``, ``!regenerer plus court|simple|formel``,
``!rejeter [raison]``) run the same method.
A command acts on the draft (or confirmation prompt) it replies to, else on the room's newest
question. Replies end here too (an edit, a corrected text to send, or the reason of a discard).
A question is decided once; a second decision changes nothing and says so. Texts typed by the
agent are redacted before storage. While a question awaits the agent's ✅ before anything is
sent (``privacy.confirm_before_send``), the same verbs confirm, correct or drop it, and
``!masquer`` works at any open state (both in ``handlers.loop``).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

import structlog

from handlers.access import RoomRole
from handlers.base import Messenger
from handlers.events import Incoming, normalise_key
from handlers.loop import LoopHandler
from handlers.messages import agents as messages
from handlers.messages import sources as source_messages
from handlers.pending import PendingValues
from handlers.profile import without_signature
from handlers.questions import QuestionHandler
from handlers.verbs import AGENT, Call, VerbTable, verb
from redaction import rehydrate
from redaction.pool import RedactionPool
from storage.async_store import AsyncStore
from storage.models import AWAITING, Decision, Draft, Question

log = structlog.get_logger("plume.decisions")

_REASONS = {normalise_key(k): v for k, v in messages.DISCARD_REASONS.items()}
_DIRECT = RoomRole("direct")


@dataclass(frozen=True)
class DraftTarget:
    """What a decision verb acts on: the agent's question, its draft (None: none yet), who."""

    question: Question
    draft: Draft | None
    actor: str


class DecisionHandler:
    def __init__(self, *, store: AsyncStore, redactor: RedactionPool, messenger: Messenger,
                 pending: PendingValues, questions: QuestionHandler) -> None:
        self.store = store
        self.redactor = redactor
        self.messenger = messenger
        self.pending = pending
        self.questions = questions
        self.loop = LoopHandler(questions)
        self._buttons = VerbTable([self])

    # -- entry points ------------------------------------------------------------------------

    async def prepare(self, call: Call) -> DraftTarget | None:
        """A command's target: the draft it replies to, else the room's newest question; it must
        be the sender's own. Agents' rooms only."""
        event = call.event
        if call.role.kind != "direct":
            await self.messenger.send_notice(event.room_id,
                                             *messages.unknown_command(f"!{call.verb.words[0]}"))
            return None
        ref = await self.store.draft_for_event(event.reply_to) if event.reply_to else None
        prompt = (await self.store.prompt_for_event(event.reply_to)
                  if event.reply_to and ref is None else None)
        question = (ref.question if ref else prompt.question if prompt
                    else await self.store.latest_question(event.room_id))
        if question is None or question.agent != event.sender:
            await self.messenger.send_notice(event.room_id, *messages.NO_PENDING)
            return None
        draft = ref.draft if ref else await self.store.latest_draft(question.id)
        return DraftTarget(question, draft, event.sender)

    async def on_reaction(self, event: Incoming) -> None:
        """A reaction on a draft, on a discard-reason prompt or on a failure notice."""
        if not await self.store.claim_event(event.event_id, event.room_id):
            return
        ref = await self.store.draft_for_event(event.target)
        prompt = await self.store.prompt_for_event(event.target) if ref is None else None
        if ref is not None or prompt is not None:
            question = ref.question if ref else prompt.question
            bound = self._buttons.by_emoji(event.key or "")
            if question.agent != event.sender or bound is None:
                return
            if prompt is not None and not prompt.current:
                await self.messenger.send_notice(event.room_id, *messages.PROMPT_REPLACED,
                                                 reply_to=event.target)
                return
            await bound.method(DraftTarget(question, ref.draft if ref else None, event.sender),
                               Call(event, _DIRECT, bound.verb, via="reaction"))
            return
        if event.key in _REASONS:
            decision = await self.store.decision_for_prompt(event.target)
            if decision is not None and decision.actor == event.sender:
                await self._reason(decision, _REASONS[event.key], event)
            return
        if event.key == normalise_key(messages.REGENERATE):
            question = await self.store.question_for_retry(event.target)
            if question is not None and question.agent == event.sender:
                await self._regenerate(question, event.sender)

    async def on_reply(self, event: Incoming) -> bool:
        """A text reply to a draft (an edit), to a confirmation prompt (the corrected text to
        send) or to a discard prompt (a reason). False if none of them."""
        ref = await self.store.draft_for_event(event.reply_to)
        if ref is not None and ref.question.agent == event.sender:
            if await self.store.claim_event(event.event_id, event.room_id):
                await self._edit(ref.question, ref.draft, event.sender, event.body)
            return True
        prompt = await self.store.prompt_for_event(event.reply_to)
        if prompt is not None and prompt.question.agent == event.sender:
            if not await self.store.claim_event(event.event_id, event.room_id):
                return True
            if prompt.current:
                await self.loop.correct(prompt.question, event.sender, event.event_id, event.body)
            else:
                await self.messenger.send_notice(event.room_id, *messages.PROMPT_REPLACED,
                                                 reply_to=event.event_id)
            return True
        decision = await self.store.decision_for_prompt(event.reply_to)
        if decision is not None and decision.actor == event.sender:
            if await self.store.claim_event(event.event_id, event.room_id):
                await self._reason(decision, event.body.strip(), event)
            return True
        return False

    # -- verbs -------------------------------------------------------------------------------

    @verb("ok", AGENT, "approuver le brouillon", emoji=messages.APPROVE)
    async def approve(self, target: DraftTarget, call: Call) -> None:
        question, draft = target.question, target.draft
        if question.status == AWAITING:
            await self.loop.confirm(question, target.actor)
            return
        if draft is None:
            await self.messenger.send_notice(question.room_id, *messages.NO_PENDING)
            return
        if await self.questions.refuse_if_decided(question):
            return
        mapping = await self.pending.mapping_for(question)
        if await self.store.decide(question, draft, kind="approved", actor=target.actor) is None:
            await self.questions.refuse_if_decided(question)
            return
        text = rehydrate(draft.text, mapping or {})
        signature = await self.store.signature(question.agent)
        await self.messenger.send_notice(question.room_id,
                                         *messages.final_text("approved", text, signature),
                                         reply_to=draft.event_id)
        self.pending.forget(question.id)

    @verb("modifier", AGENT, "enregistrer votre version corrigée", usage="<texte>",
          emoji=messages.EDIT)
    async def edit(self, target: DraftTarget, call: Call) -> None:
        awaiting = target.question.status == AWAITING
        if call.via == "reaction":
            await self.messenger.send_notice(
                call.event.room_id, *(messages.ASK_CORRECTION if awaiting else messages.ASK_EDIT),
                reply_to=call.event.target)
        elif awaiting:
            await self.loop.correct(target.question, target.actor, call.event.event_id, call.args)
        else:
            await self._edit(target.question, target.draft, target.actor, call.args)

    @verb("regenerer", AGENT, "demander une nouvelle version", usage="[consigne]",
          emoji=messages.REGENERATE)
    async def regenerate(self, target: DraftTarget, call: Call) -> None:
        if target.question.status == AWAITING:
            await self.messenger.send_notice(target.question.room_id, *messages.NOTHING_SENT_YET)
            return
        await self._regenerate(target.question, target.actor, call.args or None)

    @verb("regenerer plus court", AGENT, "une version plus courte", usage="[consigne]",
          emoji=messages.TONE_EMOJIS["court"])
    async def shorter(self, target: DraftTarget, call: Call) -> None:
        await self._regenerate(target.question, target.actor, call.args or None, tone="court")

    @verb("regenerer plus simple", AGENT, "une version en langage simple, facile à lire et à "
          "comprendre par tous", usage="[consigne]", emoji=messages.TONE_EMOJIS["simple"])
    async def simpler(self, target: DraftTarget, call: Call) -> None:
        await self._regenerate(target.question, target.actor, call.args or None, tone="simple")

    @verb("regenerer plus formel", AGENT, "une version plus formelle", usage="[consigne]",
          emoji=messages.TONE_EMOJIS["formel"])
    async def more_formal(self, target: DraftTarget, call: Call) -> None:
        await self._regenerate(target.question, target.actor, call.args or None, tone="formel")

    @verb("rejeter", AGENT, "rejeter le brouillon", usage="[raison]", emoji=messages.DISCARD)
    async def discard(self, target: DraftTarget, call: Call) -> None:
        await self._discard(target.question, target.draft, target.actor, call.args or None)

    @verb("sources", AGENT, "voir les passages officiels sur lesquels repose le brouillon")
    async def sources(self, target: DraftTarget, call: Call) -> None:
        grounding = self.questions.grounding
        used = grounding.used(target.question.id)
        if used is None:  # not in memory since a restart: the same search again
            used = await grounding.find(target.question) or []
        await self.messenger.send_notice(target.question.room_id, *source_messages.used(used),
                                         reply_to=call.event.event_id)

    @verb("masquer", AGENT, "masquer en plus un mot resté en clair dans le texte envoyé au modèle",
          usage="<mot ou expression> [comme <type>]")
    async def mask(self, target: DraftTarget, call: Call) -> None:
        await self.loop.mask(target.question, target.actor, call.event.event_id, call.args)

    # -- decisions ---------------------------------------------------------------------------

    async def _edit(self, question: Question, draft: Draft | None, actor: str, text: str) -> None:
        text = text.strip()
        if not text:
            await self.messenger.send_notice(question.room_id, *messages.EDIT_NEEDS_TEXT)
            return
        if await self.questions.refuse_if_decided(question):
            return
        draft = draft or await self.store.latest_draft(question.id)
        signature = await self.store.signature(question.agent)
        text = without_signature(text, signature)  # the agent's own data stays out of storage
        final = await self._redacted(question, text)
        similarity = SequenceMatcher(None, draft.text, final).ratio() if draft else None
        if await self.store.decide(question, draft, kind="edited", actor=actor, final_text=final,
                                   similarity=similarity) is None:
            await self.questions.refuse_if_decided(question)
            return
        await self.messenger.send_notice(question.room_id,
                                         *messages.final_text("edited", text, signature),
                                         reply_to=draft.event_id if draft else None)
        self.pending.forget(question.id)

    async def _regenerate(self, question: Question, actor: str, instruction: str | None = None,
                          tone: str | None = None) -> None:
        if await self.questions.refuse_if_decided(question):
            return
        if instruction:
            instruction = await self._redacted(question, instruction)
        await self.questions.draft_and_post(question, await self.pending.mapping_for(question),
                                            actor=actor, instruction=instruction or None, tone=tone)

    async def _discard(self, question: Question, draft: Draft | None, actor: str,
                       reason: str | None = None) -> None:
        if await self.questions.refuse_if_decided(question):
            return
        draft = draft or await self.store.latest_draft(question.id)
        if reason:
            reason = await self._redacted(question, reason)
        decision = await self.store.decide(question, draft, kind="discarded", actor=actor,
                                           reason=reason or None)
        if decision is None:
            await self.questions.refuse_if_decided(question)
            return
        self.pending.forget(question.id)
        event_id = await self.messenger.send_notice(
            question.room_id, *messages.discard_prompt(reason or None),
            reply_to=draft.event_id if draft else None)
        if not reason:
            await self.store.set_reason_prompt(decision, event_id)
            for key in messages.DISCARD_REASONS:
                await self.messenger.send_reaction(question.room_id, event_id, key)

    async def _reason(self, decision: Decision, reason: str, event: Incoming) -> None:
        if not reason:
            return
        question = await self.store.get_question(decision.question_id)
        if await self.store.set_discard_reason(decision, await self._redacted(question, reason),
                                               event.sender):
            await self.messenger.send_notice(event.room_id, *messages.REASON_THANKS)

    async def _redacted(self, question: Question, text: str) -> str:
        """Text the agent typed, in placeholder form; the question's known values are masked too
        (a surname alone, say, that no recognizer would flag)."""
        return (await self.pending.redact(question, text)).text
