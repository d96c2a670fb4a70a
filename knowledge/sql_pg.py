"""PostgreSQL side of the knowledge index: ``tsvector`` columns with a GIN index, ``french`` config.

Text reaches PostgreSQL already folded (lower case, no diacritics: knowledge.fiches.fold), which is
what the ``unaccent`` dictionary would do, so no extension is needed; PostgreSQL's own Snowball
French stemmer (``french`` configuration) does the rest at index and query time. Field weights are
the tsvector labels A (title), B (description), C (headings), D (body), ranked by ``ts_rank``
with the caller's weights and no length normalisation (BM25-like results on the bench; options 1 and 2
lost a fifth of recall@3).
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

from knowledge.analysis import Query
from knowledge.fiches import fold

TABLES = ("kb_meta", "kb_fiches", "kb_passages", "kb_links")
INDEXES = ("kb_fiches_tsv", "kb_passages_tsv", "kb_passages_fiche")
_SAFE = re.compile(r"^[a-z0-9]+$")


EXTRA_COLUMNS = ", tsv TSVECTOR"


def create(conn: Connection, suffix: str) -> None:
    """Nothing beyond the shared tables: the indexes come once the rows are in (finish)."""


def insert(conn: Connection, suffix: str, fiches: list[dict], passages: list[dict]) -> None:
    conn.execute(text(
        f"INSERT INTO kb_fiches{suffix} (n, id, audience, title, description, url, date, theme, type, tsv)"
        " VALUES (:n, :id, :audience, :title, :description, :url, :date, :theme, :type,"
        " setweight(to_tsvector('french', :f_title), 'A') || setweight(to_tsvector('french', :f_description), 'B')"
        " || setweight(to_tsvector('french', :f_headings), 'C') || setweight(to_tsvector('french', :f_body), 'D'))"),
        [{**f, "f_title": fold(f["title"]), "f_description": fold(f["description"]),
          "f_headings": fold(f["headings"]), "f_body": fold(f["body"])} for f in fiches])
    conn.execute(text(
        f"INSERT INTO kb_passages{suffix} (n, fiche_n, ord, heading, kind, text, tsv)"
        " VALUES (:n, :fiche_n, :ord, :heading, :kind, :text,"
        " setweight(to_tsvector('french', :f_heading), 'A') || setweight(to_tsvector('french', :f_text), 'D'))"),
        [{**p, "f_heading": fold(p["heading"]), "f_text": fold(p["text"])} for p in passages])


def finish(conn: Connection, suffix: str) -> None:
    """Indexes, built once the rows are in (faster than maintaining them row by row)."""
    conn.exec_driver_sql(f"CREATE INDEX kb_fiches_tsv{suffix} ON kb_fiches{suffix} USING GIN (tsv)")
    conn.exec_driver_sql(f"CREATE INDEX kb_passages_tsv{suffix} ON kb_passages{suffix} USING GIN (tsv)")
    conn.exec_driver_sql(f"CREATE INDEX kb_passages_fiche{suffix} ON kb_passages{suffix} (fiche_n, ord)")


def after_rename(conn: Connection, suffix: str) -> None:
    """Give the renamed tables' indexes their live names (PostgreSQL DDL is transactional)."""
    for index in INDEXES:
        conn.exec_driver_sql(f"ALTER INDEX {index}{suffix} RENAME TO {index}")
    for table in TABLES:  # primary-key constraints carry the table's name
        conn.exec_driver_sql(f"ALTER INDEX IF EXISTS {table}{suffix}_pkey RENAME TO {table}_pkey")
    conn.exec_driver_sql(f"ALTER INDEX IF EXISTS kb_fiches{suffix}_id_key RENAME TO kb_fiches_id_key")


def _tsquery(ws) -> str:
    return " | ".join(w for w in dict.fromkeys(ws) if _SAFE.match(w))


def search_fiches(conn: Connection, query: Query, weights: tuple[float, ...], limit: int,
                  extra_weight: float) -> list[tuple[int, float]]:
    """(fiche n, score) best first: the rank of the query's own words over the best one, plus
    ``extra_weight`` × the same for its expansions; ``weights`` for title, description, headings,
    body. One pass over the matching rows (each tsvector is read once)."""
    top = max(weights)  # PostgreSQL wants weights in [0, 1]
    pg_weights = "{" + ",".join(str(float(x) / top) for x in reversed(weights)) + "}"  # {D,C,B,A}
    extra = [w for w in query.expanded if w not in query.words]
    rows = conn.execute(text(
        "SELECT n, coalesce(r1 / nullif(max(r1) OVER (), 0), 0)"
        " + :ew * coalesce(r2 / nullif(max(r2) OVER (), 0), 0) AS score FROM ("
        "  SELECT n, ts_rank(CAST(:w AS real[]), tsv, q1) AS r1, ts_rank(CAST(:w AS real[]), tsv, q2) AS r2"
        "  FROM kb_fiches, to_tsquery('french', :q1) q1, to_tsquery('french', :q2) q2"
        "  WHERE tsv @@ (q1 || q2)) ranked ORDER BY score DESC LIMIT :limit"),
        {"w": pg_weights, "q1": _tsquery(query.words), "q2": _tsquery(extra), "ew": extra_weight,
         "limit": limit})
    return [(n, float(score)) for n, score in rows]


def search_passages(conn: Connection, query: Query, fiche_ns: list[int], limit: int) -> list[tuple[int, float]]:
    rows = conn.execute(text(
        "SELECT n, ts_rank(tsv, q, 1) AS score FROM kb_passages, to_tsquery('french', :q) q"
        " WHERE tsv @@ q AND fiche_n = ANY(:fiches) ORDER BY score DESC LIMIT :limit"),
        {"q": _tsquery(query.expanded), "fiches": list(fiche_ns), "limit": limit})
    return [(n, float(score)) for n, score in rows]
