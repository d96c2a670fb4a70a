"""SQL of the validated-answer library (``storage.answers`` has the analysis and the threshold).

A library row is written with its decision (``add``, in the caller's transaction). ``best_match``
asks the full-text engine for candidates in the question's scope, then keeps the most similar one
at or above the threshold:
- SQLite: FTS5 table ``validated_answer_fts(stems)``, rowid = ``validated_answer.id``, ranked by
  ``bm25()``;
- PostgreSQL: the generated ``tsvector`` column ``validated_answer.tsv`` (``simple`` configuration
  over the Snowball stems, GIN index), ranked by ``ts_rank``.
Both index the same stems, so both find the same candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text
from sqlmodel import Session

from storage.answers import MIN_SIMILARITY, search_stems, similarity
from storage.db import as_utc
from storage.models import Question, ValidatedAnswer

CANDIDATES = 20  # rows the engine hands over for the similarity to decide


@dataclass(frozen=True)
class AnswerMatch:
    """A validated answer close to a question. ``text`` is placeholder form (another citizen's
    placeholders); ``validated_at`` aware UTC; ``similarity`` in 0..1."""

    id: int
    question_id: str
    kind: str
    text: str
    validated_at: datetime
    similarity: float


def add(session: Session, question: Question, *, kind: str, answer: str, is_sqlite: bool) -> None:
    """Add the final text of ``question``'s ``kind`` decision (approved | edited) to its library."""
    stems = search_stems(question.redacted_text)
    row = ValidatedAnswer(question_id=question.id, team=question.team, agent=question.agent,
                          kind=kind, answer_text=answer, search_text=stems)
    session.add(row)
    session.flush()
    if is_sqlite:
        session.execute(text("INSERT INTO validated_answer_fts (rowid, stems) VALUES (:id, :stems)"),
                        {"id": row.id, "stems": stems})


def best_match(session: Session, *, team: str | None, agent: str, question_text: str,
               is_sqlite: bool, min_similarity: float = MIN_SIMILARITY) -> AnswerMatch | None:
    """The most similar validated answer of the scope (the team's, or the agent's own when they
    are in no team) with a similarity ≥ ``min_similarity``, the newest on a tie; else None."""
    stems = search_stems(question_text)
    if not stems:
        return None
    scope = "v.team = :team" if team else "v.team IS NULL AND v.agent = :agent"
    columns = "v.id, v.question_id, v.kind, v.answer_text, v.search_text, v.validated_at"
    if is_sqlite:
        sql = (f"SELECT {columns} FROM validated_answer_fts f JOIN validated_answer v ON v.id = f.rowid"
               f" WHERE validated_answer_fts MATCH :q AND {scope}"
               " ORDER BY bm25(validated_answer_fts) LIMIT :k")
        query = " OR ".join(f'"{s}"' for s in stems.split())
    else:
        sql = (f"SELECT {columns} FROM validated_answer v, to_tsquery('simple', :q) q"
               f" WHERE v.tsv @@ q AND {scope} ORDER BY ts_rank(v.tsv, q) DESC LIMIT :k")
        query = " | ".join(stems.split())
    rows = session.execute(text(sql), {"q": query, "team": team, "agent": agent, "k": CANDIDATES})
    scored = [(similarity(stems, row.search_text), _utc(row.validated_at), row) for row in rows]
    scored = [entry for entry in scored if entry[0] >= min_similarity]
    if not scored:
        return None
    sim, at, row = max(scored, key=lambda e: (e[0], e[1]))
    return AnswerMatch(row.id, row.question_id, row.kind, row.answer_text, at, sim)


def get(session: Session, answer_id: int, question_text: str) -> AnswerMatch | None:
    """Validated answer ``answer_id`` with its similarity to ``question_text`` (None if gone)."""
    row = session.get(ValidatedAnswer, answer_id)
    if row is None:
        return None
    return AnswerMatch(row.id, row.question_id, row.kind, row.answer_text, _utc(row.validated_at),
                       similarity(search_stems(question_text), row.search_text))


def _utc(value: datetime | str) -> datetime:
    # A text() query on SQLite returns the stored ISO string, not a datetime.
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return as_utc(value).astimezone(timezone.utc)
