"""The answers a team already validated (approved or edited final texts, placeholder form), as a
searchable library: a new question close to an old one gets the old answer as an example.

    AnswerLibrary(engine, clean=None)     tables ``kb_answers`` (+ ``kb_answers_fts`` on SQLite, a
                                          tsvector and GIN index on PostgreSQL), created on first use;
                                          a fiche import never touches them. ``clean`` as in KnowledgeBase.
    .add(answer_id, team, question, answer, validated_at)   idempotent on ``answer_id``
    .similar(team, question) -> ValidatedAnswer | None
        full-text candidates of the same team, then the Dice coefficient of the content stems of the
        two questions (2·|A∩B| / (|A|+|B|)); the best one at or above MIN_SIMILARITY.
    ValidatedAnswer(id, team, question, answer, validated_at, similarity)

Only placeholder-form text is ever given to it (the handlers store nothing else).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine

from knowledge.analysis import STOP_WORDS, index_text, stems, words
from knowledge.fiches import fold

MIN_SIMILARITY = 0.5
_CANDIDATES = 20


@dataclass(frozen=True)
class ValidatedAnswer:
    id: str
    team: str
    question: str
    answer: str
    validated_at: str
    similarity: float


class AnswerLibrary:
    def __init__(self, engine: Engine, clean: Callable[[str], str] | None = None) -> None:
        self.engine = engine
        self.clean = clean or (lambda value: value)
        self._sqlite = engine.dialect.name == "sqlite"
        self._ready = False

    def _ensure(self, conn) -> None:
        if self._ready:
            return
        tsv = "" if self._sqlite else ", tsv TSVECTOR"
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS kb_answers (n INTEGER PRIMARY KEY, id TEXT NOT NULL"
                             " UNIQUE, team TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,"
                             f" validated_at TEXT NOT NULL{tsv})")
        if self._sqlite:
            conn.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS kb_answers_fts USING fts5(question,"
                                 " content='', tokenize='unicode61 remove_diacritics 2')")
        else:
            conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS kb_answers_tsv ON kb_answers USING GIN (tsv)")
        self._ready = True

    def add(self, answer_id: str, team: str, question: str, answer: str, validated_at: str) -> None:
        question = self.clean(question)
        with self.engine.begin() as conn:
            self._ensure(conn)
            if conn.execute(text("SELECT 1 FROM kb_answers WHERE id = :id"), {"id": answer_id}).first():
                return
            n = conn.execute(text("SELECT coalesce(max(n), 0) + 1 FROM kb_answers")).scalar_one()
            row = {"n": n, "id": answer_id, "team": team, "question": question, "answer": answer,
                   "validated_at": validated_at}
            if self._sqlite:
                conn.execute(text("INSERT INTO kb_answers (n, id, team, question, answer, validated_at)"
                                  " VALUES (:n, :id, :team, :question, :answer, :validated_at)"), row)
                conn.execute(text("INSERT INTO kb_answers_fts (rowid, question) VALUES (:n, :q)"),
                             {"n": n, "q": index_text(question)})
            else:
                conn.execute(text("INSERT INTO kb_answers (n, id, team, question, answer, validated_at, tsv)"
                                  " VALUES (:n, :id, :team, :question, :answer, :validated_at,"
                                  " to_tsvector('french', :folded))"), {**row, "folded": fold(question)})

    def similar(self, team: str, question: str) -> ValidatedAnswer | None:
        wanted = set(stems(self.clean(question)))
        if not wanted:
            return None
        with self.engine.begin() as conn:
            self._ensure(conn)
            if self._sqlite:
                rows = conn.execute(text(
                    "SELECT a.* FROM kb_answers_fts f JOIN kb_answers a ON a.n = f.rowid"
                    " WHERE kb_answers_fts MATCH :q AND a.team = :team ORDER BY bm25(kb_answers_fts) LIMIT :k"),
                    {"q": " OR ".join(f'"{s}"' for s in wanted), "team": team, "k": _CANDIDATES}).all()
            else:
                terms = " | ".join(w for w in dict.fromkeys(words(self.clean(question))) if w not in STOP_WORDS)
                rows = conn.execute(text(
                    "SELECT * FROM kb_answers, to_tsquery('french', :q) q WHERE tsv @@ q AND team = :team"
                    " ORDER BY ts_rank(tsv, q) DESC LIMIT :k"), {"q": terms, "team": team, "k": _CANDIDATES}).all()
        best: ValidatedAnswer | None = None
        for row in rows:
            theirs = set(stems(row.question))
            similarity = 2 * len(wanted & theirs) / (len(wanted) + len(theirs))
            if similarity >= MIN_SIMILARITY and (best is None or similarity > best.similarity):
                best = ValidatedAnswer(row.id, row.team, row.question, row.answer, row.validated_at,
                                       round(similarity, 3))
        return best
