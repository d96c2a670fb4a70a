"""The store: the bot's persistence API. SQL stays here; handlers call these methods.

Every state change is written together with its audit event, in one transaction. All texts
passed in must already be in placeholder form (redacted): the store never sees real values.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from common.clock import utc_now
from storage import library, reporting
from storage.audit import WITNESS_KIND, AuditLog, ExportFilter, VerifyReport
from storage.db import Database
from storage.library import AnswerMatch
from storage.models import (DECIDED_STATUSES, OPEN_STATUSES, AgentProfile, BotState, Decision,  # noqa: F401
                            Draft, HandledEvent, Question, RetryPrompt)
from storage.revisions import RevisionStore
from storage.summary import Summary, chart_series, compute_summary



@dataclass(frozen=True)
class DraftRef:
    """A draft with its question, as found from a Matrix event id."""

    draft: Draft
    question: Question


class Store(RevisionStore):
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    # -- bot state ---------------------------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        with self.db.session() as s:
            row = s.get(BotState, key)
            return row.value if row else None

    def set_state(self, key: str, value: str) -> None:
        with self.db.session(immediate=True) as s:
            s.merge(BotState(key=key, value=value))

    def claim_event(self, event_id: str, room_id: str) -> bool:
        """Mark a Matrix event as handled. False when it already was (a repeated delivery)."""
        try:
            with self.db.session(immediate=True) as s:
                if s.get(HandledEvent, event_id) is not None:
                    return False
                s.add(HandledEvent(event_id=event_id, room_id=room_id))
            return True
        except IntegrityError:
            return False

    # -- questions and drafts -----------------------------------------------------------------

    def question_for_event(self, event_id: str) -> Question | None:
        with self.db.session() as s:
            return s.exec(select(Question).where(Question.event_id == event_id)).first()

    def get_question(self, question_id: str) -> Question | None:
        with self.db.session() as s:
            return s.get(Question, question_id)

    def open_question(self, *, event_id: str, room_id: str, agent: str, team: str | None,
                      redacted_text: str, entity_counts: dict[str, int],
                      blocked_types: list[str] | None = None) -> Question | None:
        """Record a pasted question, already redacted (audit: received, then redacted).

        With ``blocked_types`` the leak guard stopped it: no text is stored, the status is
        ``refused`` and the audit says ``question.blocked``. Returns None when a question already
        exists for ``event_id`` (the idempotency key).
        """
        question = Question(id=uuid.uuid4().hex, event_id=event_id, room_id=room_id, agent=agent,
                            team=team, redacted_text="" if blocked_types else redacted_text,
                            entity_counts=entity_counts,
                            status="refused" if blocked_types else "redacted")
        try:
            with self.db.session(immediate=True) as s:
                if s.exec(select(Question.id).where(Question.event_id == event_id)).first():
                    return None
                s.add(question)
                s.flush()
                self.audit.append("question.received", actor=agent, question_id=question.id,
                                  payload={"event_id": event_id, "room_id": room_id, "team": team},
                                  session=s)
                if blocked_types:
                    self.audit.append("question.blocked", actor="plume", question_id=question.id,
                                      payload={"remaining_entity_types": sorted(blocked_types),
                                               "entity_counts": entity_counts}, session=s)
                else:
                    self.audit.append("question.redacted", actor="plume", question_id=question.id,
                                      payload={"redacted_text": redacted_text,
                                               "entity_counts": entity_counts}, session=s)
        except IntegrityError:
            return None
        return question

    def add_draft(self, question: Question, *, text: str, backend: str, model: str,
                  latency_ms: int, instruction: str | None, actor: str, tone: str | None = None,
                  example: AnswerMatch | None = None, sources: tuple[str, ...] = ()) -> Draft:
        """Store the next draft version (1, 2 …); audit draft.generated or draft.regenerated.

        ``tone``: the tone asked (court | simple | formel); ``example``: the validated answer
        given to the model and offered to the agent (its id and similarity are audited);
        ``sources``: the ids of the official fiches the draft rests on (recorded, no text).
        """
        with self.db.session(immediate=True) as s:
            row = s.get(Question, question.id)
            last = s.exec(select(Draft.version).where(Draft.question_id == question.id)
                          .order_by(col(Draft.version).desc())).first()
            draft = Draft(question_id=question.id, version=(last or 0) + 1, text=text,
                          backend=backend, model=model, latency_ms=latency_ms,
                          instruction=instruction, tone=tone,
                          example_id=example.id if example else None)
            s.add(draft)
            row.status = "drafted"
            s.flush()
            kind = "draft.regenerated" if draft.version > 1 else "draft.generated"
            self.audit.append(kind, actor=actor if draft.version > 1 else "plume",
                              question_id=question.id,
                              payload={"version": draft.version, "backend": backend, "model": model,
                                       "latency_ms": latency_ms, "instruction": instruction,
                                       "tone": tone, "text": text, "sources": list(sources),
                                       **({"validated_answer_id": example.id,
                                           "validated_similarity": round(example.similarity, 4)}
                                          if example else {})}, session=s)
        return draft

    def set_retry_prompt(self, event_id: str, question: Question) -> None:
        """Remember the failure notice ``event_id`` on which a 🔄 retries ``question``."""
        with self.db.session(immediate=True) as s:
            s.merge(RetryPrompt(event_id=event_id, question_id=question.id))

    def question_for_retry(self, event_id: str) -> Question | None:
        with self.db.session() as s:
            row = s.get(RetryPrompt, event_id)
            return s.get(Question, row.question_id) if row else None

    def set_draft_event(self, draft: Draft, event_id: str) -> None:
        with self.db.session(immediate=True) as s:
            s.get(Draft, draft.id).event_id = event_id

    def draft_failed(self, question: Question, *, kind: str, actor: str) -> None:
        with self.db.session(immediate=True) as s:
            row = s.get(Question, question.id)
            if row.status not in DECIDED_STATUSES:
                row.status = "failed"
            self.audit.append("draft.failed", actor=actor, question_id=question.id,
                              payload={"error": kind}, session=s)

    def draft_for_event(self, event_id: str) -> DraftRef | None:
        """The draft posted as Matrix event ``event_id``, with its question."""
        with self.db.session() as s:
            draft = s.exec(select(Draft).where(Draft.event_id == event_id)).first()
            return DraftRef(draft, s.get(Question, draft.question_id)) if draft else None

    def undelivered_drafts(self, older_than: datetime) -> list[DraftRef]:
        """Newest drafts never posted (the homeserver refused them), created before ``older_than``."""
        with self.db.session() as s:
            rows = s.exec(select(Draft, Question).join(Question, Question.id == Draft.question_id)
                          .where(col(Draft.event_id).is_(None), Question.status == "drafted",
                                 col(Draft.created_at) < older_than)).all()
            newest: dict[str, DraftRef] = {}
            for draft, question in rows:
                if question.id not in newest or draft.version > newest[question.id].draft.version:
                    newest[question.id] = DraftRef(draft, question)
            return list(newest.values())

    def latest_draft(self, question_id: str) -> Draft | None:
        with self.db.session() as s:
            return s.exec(select(Draft).where(Draft.question_id == question_id)
                          .order_by(col(Draft.version).desc())).first()

    def latest_question(self, room_id: str) -> Question | None:
        """The newest question of a room that has a draft or a failure (the target of !ok …)."""
        with self.db.session() as s:
            return s.exec(select(Question).where(Question.room_id == room_id)
                          .where(col(Question.status).in_(OPEN_STATUSES + DECIDED_STATUSES))
                          .order_by(col(Question.created_at).desc())).first()

    # -- decisions ---------------------------------------------------------------------------

    def decision_for(self, question_id: str) -> Decision | None:
        with self.db.session() as s:
            return s.exec(select(Decision).where(Decision.question_id == question_id)).first()

    def decide(self, question: Question, draft: Draft | None, *, kind: str, actor: str,
               final_text: str | None = None, reason: str | None = None,
               similarity: float | None = None) -> Decision | None:
        """Record the agent's decision (approved | edited | discarded), once per question.

        Returns None, changing nothing, when the question was already decided.
        """
        decision = Decision(question_id=question.id, draft_id=draft.id if draft else None,
                            kind=kind, actor=actor, final_text=final_text, reason=reason,
                            similarity=similarity)
        try:
            with self.db.session(immediate=True) as s:
                if s.exec(select(Decision.id).where(Decision.question_id == question.id)).first():
                    return None
                row = s.get(Question, question.id)
                row.status = kind
                row.decided_at = utc_now()
                s.add(decision)
                payload = {"version": draft.version if draft else None}
                if final_text is not None:
                    payload["final_text"] = final_text
                if similarity is not None:
                    payload["similarity"] = round(similarity, 4)
                if reason is not None:
                    payload["reason"] = reason
                self.audit.append(f"decision.{kind}", actor=actor, question_id=question.id,
                                  payload=payload, session=s)
                answer = final_text if kind == "edited" else draft.text if draft else None
                if kind in ("approved", "edited") and answer:
                    library.add(s, row, kind=kind, answer=answer, is_sqlite=self.db.is_sqlite)
        except IntegrityError:
            return None
        return decision

    # -- validated answers (storage.library) and agents' signatures --------------------------

    def similar_answer(self, *, team: str | None, agent: str, question_text: str,
                       min_similarity: float | None = None) -> AnswerMatch | None:
        """The validated answer of the team (of the agent alone without a team) closest to
        ``question_text`` (placeholder form), at or above the similarity threshold."""
        kw = {} if min_similarity is None else {"min_similarity": min_similarity}
        with self.db.session() as s:
            return library.best_match(s, team=team, agent=agent, question_text=question_text,
                                      is_sqlite=self.db.is_sqlite, **kw)

    def validated_answer(self, answer_id: int, question_text: str) -> AnswerMatch | None:
        with self.db.session() as s:
            return library.get(s, answer_id, question_text)

    def signature(self, agent: str) -> str | None:
        with self.db.session() as s:
            row = s.get(AgentProfile, agent)
            return row.signature if row else None

    def set_signature(self, agent: str, signature: str | None) -> None:
        """Set or (None) delete the agent's signature. Audited without its text, so that a
        deletion leaves no copy in the append-only chain."""
        with self.db.session(immediate=True) as s:
            row = s.get(AgentProfile, agent)
            if signature is None:
                if row is None:
                    return
                s.delete(row)
            elif row is None:
                s.add(AgentProfile(user_id=agent, signature=signature))
            else:
                row.signature, row.updated_at = signature, utc_now()
            kind = "agent.signature_cleared" if signature is None else "agent.signature_set"
            self.audit.append(kind, actor=agent, payload={}, session=s)

    def set_reason_prompt(self, decision: Decision, event_id: str) -> None:
        with self.db.session(immediate=True) as s:
            s.get(Decision, decision.id).prompt_event_id = event_id

    def decision_for_prompt(self, event_id: str) -> Decision | None:
        with self.db.session() as s:
            return s.exec(select(Decision).where(Decision.prompt_event_id == event_id)).first()

    def set_discard_reason(self, decision: Decision, reason: str, actor: str) -> bool:
        """Attach the reason of a discard (redacted text). False if one was already given."""
        with self.db.session(immediate=True) as s:
            row = s.get(Decision, decision.id)
            if row.reason is not None:
                return False
            row.reason = reason
            self.audit.append("decision.reason", actor=actor, question_id=row.question_id,
                              payload={"reason": reason}, session=s)
        return True

    # -- rooms -------------------------------------------------------------------------------

    def room_left(self, room_id: str, *, actor: str, reason: str) -> int:
        """Audit that the bot left ``room_id`` (``room.left``; ``actor`` made it leave) with the
        number of its questions still without a decision, and return that number."""
        with self.db.session(immediate=True) as s:
            undecided = s.exec(select(func.count(Question.id)).where(
                Question.room_id == room_id, col(Question.status).in_(OPEN_STATUSES))).one()
            self.audit.append("room.left", actor=actor, session=s, payload={
                "reason": reason, "room_id": room_id, "undecided": undecided})
        return undecided

    def undecided_by_room(self, agent: str) -> dict[str, int]:
        """Room id → how many of ``agent``'s questions there are still without a decision."""
        with self.db.session() as s:
            rows = s.exec(select(Question.room_id, func.count(Question.id))
                          .where(Question.agent == agent, col(Question.status).in_(OPEN_STATUSES))
                          .group_by(Question.room_id)).all()
        return dict(rows)

    # -- access ------------------------------------------------------------------------------

    def access_denied(self, actor: str, reason: str, *, room_id: str | None = None,
                      **details) -> None:
        """Audit a refusal (``access.denied``); ``details`` join the payload."""
        self.audit.append("access.denied", actor=actor,
                          payload={"reason": reason, "room_id": room_id, **details})

    # -- summaries (figures: storage.summary; queries and claims: storage.reporting) ---------

    def summary(self, team: str, day: date, tz: ZoneInfo, *, per_agent: bool = False,
                now: datetime | None = None) -> Summary:
        return compute_summary(self.db, team, day, tz, per_agent=per_agent, now=now)

    def chart_series(self, team: str, day: date, tz: ZoneInfo) -> tuple[list[date], dict[str, list[int]]]:
        return chart_series(self.db, team, day, tz)

    def summary_sent(self, team: str, day: date) -> bool:
        return reporting.summary_sent(self.db, team, day)

    def claim_summary(self, team: str, day: date) -> bool:
        return reporting.claim_summary(self.db, team, day)

    def release_summary_claim(self, team: str, day: date) -> None:
        reporting.release_claim(self.db, team, day)

    def post_requests(self) -> list[tuple[str, date]]:
        return reporting.post_requests(self.db)

    def drop_post_request(self, team: str, day: date) -> None:
        reporting.drop_post_request(self.db, team, day)

    def summary_posted(self, team: str, day: date, event_id: str, *, actor: str = "plume",
                       daily: bool = False, via: str | None = None) -> None:
        """Audit ``summary.posted``; the daily send also marks (team, day) sent, together."""
        payload = {"team": team, "day": day.isoformat(), "event_id": event_id,
                   "on_demand": not daily, **({"via": via} if via else {})}
        with self.db.session(immediate=True) as s:
            if daily:
                reporting.mark_sent(s, team, day, event_id)
            self.audit.append("summary.posted", actor=actor, payload=payload, session=s)

    # -- audit chain (security room) ---------------------------------------------------------

    def audit_head(self) -> tuple[int, str]:
        return self.audit.head()

    def verify_audit(self) -> VerifyReport:
        return self.audit.verify()

    def export_audit(self, out: TextIO, flt: ExportFilter, *, actor: str, context: dict) -> int:
        """JSON lines of ``flt`` to ``out``, audited as ``audit.exported``; the row count."""
        return self.audit.export(out, flt, "jsonl", actor=actor, context=context)

    def witness_posted(self, head: tuple[int, str], *, room_id: str, event_id: str,
                       requested_by: str | None) -> None:
        self.audit.append(WITNESS_KIND, actor="plume", payload={
            "seq": head[0], "hash": head[1], "room_id": room_id, "event_id": event_id,
            "requested_by": requested_by})
