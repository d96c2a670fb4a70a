"""The store's part for the agent in the loop: confirmation prompts, masks and corrections of a
question's text (``storage.store.Store`` inherits it; the same rules: one transaction per state
change with its audit event, texts in placeholder form only).

Audit kinds: ``question.confirmation_requested`` {revision, prompt_event_id},
``question.confirmed`` {revision, redacted_text}, ``question.remasked`` and
``question.corrected`` {revision, event_id, redacted_text, entity_counts, superseded_versions,
scrubbed_seqs, + placeholder, entity_type, occurrences for a mask}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlmodel import Session, col, select

from storage.models import AWAITING, OPEN_STATUSES, ConfirmPrompt, Draft, Question, QuestionRevision


@dataclass(frozen=True)
class PromptRef:
    """A confirmation prompt's question; ``current``: the newest prompt of a question still
    awaiting confirmation (older ones are replaced)."""

    question: Question
    current: bool


class RevisionStore:
    """Mixed into ``Store``: uses its ``db`` and ``audit``."""

    def ask_confirmation(self, question: Question, prompt_event_id: str) -> None:
        """The agent was shown the text to send (message ``prompt_event_id``)."""
        with self.db.session(immediate=True) as s:
            revision = _revision(s, question.id)
            s.get(Question, question.id).status = AWAITING
            s.add(ConfirmPrompt(event_id=prompt_event_id, question_id=question.id,
                                revision=revision))
            self.audit.append("question.confirmation_requested", actor="plume",
                              question_id=question.id, session=s,
                              payload={"revision": revision, "prompt_event_id": prompt_event_id})

    def prompt_for_event(self, event_id: str) -> PromptRef | None:
        with self.db.session() as s:
            prompt = s.get(ConfirmPrompt, event_id)
            if prompt is None:
                return None
            question = s.get(Question, prompt.question_id)
            current = question.status == AWAITING and prompt.revision == _revision(s, question.id)
            return PromptRef(question, current)

    def confirm(self, question: Question, actor: str) -> Question | None:
        """✅ on the text to send; None, changing nothing, unless it was awaiting confirmation."""
        with self.db.session(immediate=True) as s:
            row = s.get(Question, question.id)
            if row.status != AWAITING:
                return None
            row.status = "redacted"
            self.audit.append("question.confirmed", actor=actor, question_id=row.id, session=s,
                              payload={"revision": _revision(s, row.id),
                                       "redacted_text": row.redacted_text})
            return row

    def revisions(self, question_id: str) -> list[QuestionRevision]:
        with self.db.session() as s:
            return list(s.exec(select(QuestionRevision)
                               .where(QuestionRevision.question_id == question_id)
                               .order_by(col(QuestionRevision.revision))).all())

    def revise(self, question: Question, *, kind: str, actor: str, event_id: str,
               redacted_text: str, entity_counts: dict[str, int],
               placeholder: str | None = None, entity_type: str | None = None,
               occurrences: int = 0, rewrite: Callable[[str], str] | None = None,
               scrub: Callable[[dict], bool] | None = None) -> Question | None:
        """Record a mask (``kind="mask"``, audit question.remasked) or a correction
        (``"correction"``, question.corrected) of an open question's text, and return the
        question as changed; None, changing nothing, when it is decided or refused.

        In the same transaction: ``rewrite`` is applied to the question's draft rows (text,
        instruction); the payloads of its earlier audit events for which ``scrub(payload)``
        holds are blanked (``AuditLog.scrub``). ``superseded_versions``: the drafts made since
        the previous revision, from the text this one replaces.
        """
        with self.db.session(immediate=True) as s:
            row = s.get(Question, question.id)
            if row.status not in OPEN_STATUSES:
                return None
            last = s.exec(select(QuestionRevision).where(QuestionRevision.question_id == row.id)
                          .order_by(col(QuestionRevision.revision).desc())).first()
            drafts = s.exec(select(Draft).where(Draft.question_id == row.id)).all()
            through = max((d.version for d in drafts), default=0)
            for draft in drafts if rewrite else ():
                draft.text = rewrite(draft.text)
                draft.instruction = rewrite(draft.instruction) if draft.instruction else None
            revision = QuestionRevision(
                question_id=row.id, revision=(last.revision if last else 0) + 1, kind=kind,
                event_id=event_id, placeholder=placeholder, entity_type=entity_type,
                occurrences=occurrences, superseded_through=through)
            s.add(revision)
            row.redacted_text = redacted_text
            row.entity_counts = entity_counts
            s.flush()
            since = last.superseded_through if last else 0
            payload = {"revision": revision.revision, "event_id": event_id,
                       "redacted_text": redacted_text, "entity_counts": entity_counts,
                       "superseded_versions": list(range(since + 1, through + 1)),
                       "scrubbed_seqs": self.audit.scrub(row.id, scrub, session=s) if scrub else []}
            if kind == "mask":
                payload |= {"placeholder": placeholder, "entity_type": entity_type,
                            "occurrences": occurrences}
            self.audit.append("question.remasked" if kind == "mask" else "question.corrected",
                              actor=actor, question_id=row.id, payload=payload, session=s)
            return row


def _revision(s: Session, question_id: str) -> int:
    """The question's current revision: 0 for the first redaction, +1 per mask or correction."""
    return s.exec(select(QuestionRevision.revision)
                  .where(QuestionRevision.question_id == question_id)
                  .order_by(col(QuestionRevision.revision).desc())).first() or 0
