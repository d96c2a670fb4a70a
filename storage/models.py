"""SQLModel tables. Every text column holds placeholder form only (DESIGN §2).

Timestamps are timezone-aware UTC; SQLite hands them back naive, so read them through
``storage.db.as_utc``. Schema changes go through alembic (storage/migrations).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.clock import utc_now


def _ts(**kw) -> Column:
    return Column(DateTime(timezone=True), **kw)


AWAITING = "awaiting_confirmation"
OPEN_STATUSES = ("redacted", AWAITING, "drafted", "failed")
DECIDED_STATUSES = ("approved", "edited", "discarded")


class Question(SQLModel, table=True):
    """A pasted citizen question. ``event_id`` (the Matrix event) is its idempotency key.

    ``status``: redacted | awaiting_confirmation (a team's ``privacy.confirm_before_send``) |
    drafted | approved | edited | discarded | failed | refused (by the leak guard). A question is
    only ever stored once redacted: the raw text never reaches the database. ``redacted_text`` is
    the text sent (or to send) to the model, after the agent's masks and corrections.
    """

    id: str = Field(primary_key=True, max_length=64)
    event_id: str = Field(sa_column_kwargs={"unique": True}, max_length=255)
    room_id: str = Field(index=True, max_length=255)
    agent: str = Field(index=True, max_length=255)
    team: str | None = Field(default=None, index=True, max_length=255)
    redacted_text: str = Field(sa_column=Column(Text, nullable=False))
    entity_counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="redacted", index=True, max_length=32)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_ts(nullable=False, index=True))
    decided_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class QuestionRevision(SQLModel, table=True):
    """A change the agent made to a question's text before it goes (again) to the model.

    ``kind``: ``mask`` (``!masquer``; ``placeholder`` and ``entity_type`` set) or ``correction``
    (the agent's corrected text). ``event_id`` is the agent's Matrix event: the masked value or
    the corrected text lives there only, in the encrypted room, and is read back from it to
    rebuild the placeholder map after a restart. ``superseded_through``: the highest draft
    version made before this revision. No text and no value is stored here.
    """

    __tablename__ = "question_revision"
    __table_args__ = (UniqueConstraint("question_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(foreign_key="question.id", index=True, max_length=64)
    revision: int
    kind: str = Field(max_length=16)
    event_id: str = Field(max_length=255)
    placeholder: str | None = Field(default=None, max_length=64)
    entity_type: str | None = Field(default=None, max_length=64)
    occurrences: int = 0
    superseded_through: int = 0
    created_at: datetime = Field(default_factory=utc_now, sa_column=_ts(nullable=False))


class ConfirmPrompt(SQLModel, table=True):
    """A message showing the agent the text to send (``privacy.confirm_before_send``), for the
    question's ``revision`` then current: only the newest one takes ✅ ✏️ 🗑️ and replies."""

    __tablename__ = "confirm_prompt"

    event_id: str = Field(primary_key=True, max_length=255)
    question_id: str = Field(foreign_key="question.id", index=True, max_length=64)
    revision: int = 0


class Draft(SQLModel, table=True):
    """One version (1, 2 …) of the draft answer for a question, in placeholder form."""

    __table_args__ = (UniqueConstraint("question_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(foreign_key="question.id", index=True, max_length=64)
    version: int
    event_id: str | None = Field(default=None, index=True, max_length=255)
    text: str = Field(sa_column=Column(Text, nullable=False))
    backend: str = Field(max_length=32)
    model: str = Field(max_length=128)
    latency_ms: int = 0
    instruction: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    tone: str | None = Field(default=None, max_length=16)  # court | simple | formel
    example_id: int | None = None  # the validated_answer offered with this draft
    created_at: datetime = Field(default_factory=utc_now, sa_column=_ts(nullable=False))


class Decision(SQLModel, table=True):
    """The agent's decision on a question: approved | edited | discarded (one per question)."""

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(foreign_key="question.id", unique=True, max_length=64)
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    kind: str = Field(max_length=32)
    actor: str = Field(max_length=255)
    final_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    similarity: float | None = None
    prompt_event_id: str | None = Field(default=None, index=True, max_length=255)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_ts(nullable=False, index=True))


class AuditEvent(SQLModel, table=True):
    """One row of the append-only audit hash chain (DESIGN §3.3).

    ``ts`` is the ISO 8601 UTC string that was hashed, stored as text so it reads back unchanged.
    ``payload`` is canonical JSON (placeholder form), blanked by the retention purge.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_kind_ts", "kind", "ts"),)

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    ts: str = Field(max_length=40, index=True)
    actor: str = Field(max_length=255)
    kind: str = Field(max_length=64)
    question_id: str | None = Field(default=None, index=True, max_length=64)
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    payload_hash: str = Field(max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """Single row (id = 1) holding the chain head; locked by writers to serialise appends."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    hash: str = Field(default="0" * 64, max_length=64)


class HandledEvent(SQLModel, table=True):
    """Matrix events already handled, so that none is handled twice (at-least-once delivery)."""

    __tablename__ = "handled_event"

    event_id: str = Field(primary_key=True, max_length=255)
    room_id: str = Field(max_length=255)
    handled_at: datetime = Field(default_factory=utc_now, sa_column=_ts(nullable=False))


class BotState(SQLModel, table=True):
    """Small key/value state of the bot: the ``sync_token`` saved after handling."""

    __tablename__ = "bot_state"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))


class SummarySent(SQLModel, table=True):
    """A team's daily summary that was sent: unique per (team, day) so it is never sent twice."""

    __tablename__ = "summary_sent"
    __table_args__ = (UniqueConstraint("team", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(max_length=255)
    day: str = Field(max_length=10)
    sent_at: datetime = Field(default_factory=utc_now, sa_column=_ts(nullable=False))
    event_id: str | None = Field(default=None, max_length=255)


class RetryPrompt(SQLModel, table=True):
    """A draft-failure notice (Matrix event) on which the agent may react 🔄, and its question."""

    __tablename__ = "retry_prompt"

    event_id: str = Field(primary_key=True, max_length=255)
    question_id: str = Field(foreign_key="question.id", max_length=64)


class SummaryRequest(SQLModel, table=True):
    """A summary asked for with ``plume summary --post``, until the running bot posted it."""

    __tablename__ = "summary_request"
    __table_args__ = (UniqueConstraint("team", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(max_length=255)
    day: str = Field(max_length=10)
    requested_at: datetime = Field(default_factory=utc_now, sa_column=_ts(nullable=False))


class ValidatedAnswer(SQLModel, table=True):
    """The final text of an approved or edited question (placeholder form) in its team's library
    of validated answers (``storage.library``). ``search_text``: the question's stems
    (``storage.answers.search_stems``). PostgreSQL adds a generated ``tsv`` column, SQLite an FTS5
    table ``validated_answer_fts`` (migration 0003)."""

    __tablename__ = "validated_answer"

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(foreign_key="question.id", unique=True, max_length=64)
    team: str | None = Field(default=None, index=True, max_length=255)
    agent: str = Field(index=True, max_length=255)
    kind: str = Field(max_length=32)
    answer_text: str = Field(sa_column=Column(Text, nullable=False))
    search_text: str = Field(sa_column=Column(Text, nullable=False))
    validated_at: datetime = Field(default_factory=utc_now, sa_column=_ts(nullable=False))


class AgentProfile(SQLModel, table=True):
    """An agent's own settings: the signature added under their drafts, never sent to the model
    (the agent's own data, not a citizen's: not redacted, deleted by ``!signature effacer``)."""

    __tablename__ = "agent_profile"

    user_id: str = Field(primary_key=True, max_length=255)
    signature: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_ts(nullable=False))
