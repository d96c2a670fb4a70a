"""PostgreSQL side of the knowledge index: ``tsvector`` columns with GIN indexes.

Both engines index the same tokens: the Snowball stems of knowledge.analysis, put into tsvectors
with the ``simple`` configuration (which only splits them), so stemming, stop words and the
feminine-participle fix are the same as on SQLite. A fiche has two vectors: ``tsv`` (labels A
title, B description, C headings, theme and keywords: ~35 lexemes, 1.7 MB for the corpus, stored
inline) that finds and ranks the candidates, and ``body`` (its whole text, label D, 8.5 MB,
TOASTed) ranked for the best _RERANKED only (on every candidate: twice the latency, no better
recall@3 on the bench). Only the query's rarer stems (FINDING_DF) find candidates through the GIN
index; the _POOL best by plain ``ts_rank`` are ranked by the sum over the query's stems of IDF ×
``ts_rank`` with the caller's field weights (``ts_rank`` alone has no IDF: "demande" would weigh
as much as "naturalisation"); the expansions add one plain ``ts_rank``. The IDF comes from
``ts_stat`` over ``tsv``, read once per import generation (``load``).
"""

from __future__ import annotations

import math
import re
from typing import Mapping

from sqlalchemy import text
from sqlalchemy.engine import Connection

from knowledge.analysis import Query, index_text

FORMAT = "2"  # 1: tsvectors of the 'french' configuration over whole fiches (until 2026-12-04)
TABLES = ("kb_meta", "kb_fiches", "kb_passages", "kb_links")
INDEXES = ("kb_fiches_tsv", "kb_passages_tsv", "kb_passages_fiche")
_SAFE = re.compile(r"^[a-z0-9]+$")
_RERANKED = 20  # candidates whose body vector (TOASTed, the costly read) is ranked too
_POOL = 300  # candidates, by plain ts_rank of the finding stems, that get the IDF-weighted rank
FINDING_DF = 0.1  # a stem in more than this share of the fiches finds no candidates (it still ranks)


EXTRA_COLUMNS = ", tsv TSVECTOR"


def create(conn: Connection, suffix: str) -> None:
    conn.exec_driver_sql(f"ALTER TABLE kb_fiches{suffix} ADD COLUMN body TSVECTOR")


def insert(conn: Connection, suffix: str, fiches: list[dict], passages: list[dict]) -> None:
    conn.execute(text(
        f"INSERT INTO kb_fiches{suffix} (n, id, audience, title, description, url, date, theme, type, tsv, body)"
        " VALUES (:n, :id, :audience, :title, :description, :url, :date, :theme, :type,"
        " setweight(to_tsvector('simple', :s_title), 'A') || setweight(to_tsvector('simple', :s_description), 'B')"
        " || setweight(to_tsvector('simple', :s_headings), 'C'), setweight(to_tsvector('simple', :s_body), 'D'))"),
        [{**f, "s_title": index_text(f["title"]), "s_description": index_text(f["description"]),
          "s_headings": index_text(f["headings"]), "s_body": index_text(f["body"])} for f in fiches])
    conn.execute(text(
        f"INSERT INTO kb_passages{suffix} (n, fiche_n, ord, heading, kind, text, tsv)"
        " VALUES (:n, :fiche_n, :ord, :heading, :kind, :text,"
        " setweight(to_tsvector('simple', :s_heading), 'A') || setweight(to_tsvector('simple', :s_text), 'D'))"),
        [{**p, "s_heading": index_text(p["heading"]), "s_text": index_text(p["text"])} for p in passages])


def finish(conn: Connection, suffix: str) -> None:
    """Indexes, built once the rows are in (faster than maintaining them row by row)."""
    conn.exec_driver_sql(f"CREATE INDEX kb_fiches_tsv{suffix} ON kb_fiches{suffix} USING GIN (tsv)")
    conn.exec_driver_sql(f"CREATE INDEX kb_passages_tsv{suffix} ON kb_passages{suffix} USING GIN (tsv)")
    conn.exec_driver_sql(f"CREATE INDEX kb_passages_fiche{suffix} ON kb_passages{suffix} (fiche_n, ord)")
    conn.exec_driver_sql(f"ANALYZE kb_fiches{suffix}")


def after_rename(conn: Connection, suffix: str) -> None:
    """Give the renamed tables' indexes their live names (PostgreSQL DDL is transactional)."""
    for index in INDEXES:
        conn.exec_driver_sql(f"ALTER INDEX {index}{suffix} RENAME TO {index}")
    for table in TABLES:  # primary-key constraints carry the table's name
        conn.exec_driver_sql(f"ALTER INDEX IF EXISTS {table}{suffix}_pkey RENAME TO {table}_pkey")
    conn.exec_driver_sql(f"ALTER INDEX IF EXISTS kb_fiches{suffix}_id_key RENAME TO kb_fiches_id_key")


def _tsquery(stems) -> str:
    return " | ".join(s for s in dict.fromkeys(stems) if _SAFE.match(s))


def _weighted(column: str, stems: list[str], idf: Mapping[str, float], params: dict, tag: str) -> str:
    """SQL for Σ idf(stem) × ts_rank(:w, column, stem), its parameters added to ``params``."""
    terms = []
    for i, stem_ in enumerate(s for s in stems if _SAFE.match(s)):
        params[f"{tag}{i}"], params[f"{tag}i{i}"] = stem_, idf.get(stem_, idf[""])
        terms.append(f"ts_rank(CAST(:w AS real[]), {column}, CAST(:{tag}{i} AS tsquery)) * :{tag}i{i}")
    return " + ".join(terms) or "0"


def load(conn: Connection) -> dict[str, float]:
    """The IDF of every stem of the short vectors (ts_stat: ~30 ms for the whole corpus); the key
    "" holds the IDF of a stem they do not have (body only: ranks, finds nothing)."""
    total = conn.execute(text("SELECT count(*) FROM kb_fiches")).scalar_one() or 1
    idf = {word: math.log(total / ndoc) for word, ndoc in conn.execute(
        text("SELECT word, ndoc FROM ts_stat('SELECT tsv FROM kb_fiches')"))}
    return idf | {"": math.log(total)}


def search_fiches(conn: Connection, query: Query, weights: tuple[float, ...], limit: int,
                  extra_weight: float, idf: Mapping[str, float]) -> list[tuple[int, float, float]]:
    """(fiche n, own, extra) best first by own + ``extra_weight`` × extra: the IDF-weighted rank
    of the query's own stems over the best one (0–1), the same for its expansions; ``weights`` for title, description,
    headings, body. The GIN index finds the fiches whose short vector matches; the _RERANKED best
    of them also get their body's rank."""
    stems = [s for s in dict.fromkeys(query.stems + query.extra_stems) if s in idf and _SAFE.match(s)]
    finding = [s for s in stems if idf[s] >= -math.log(FINDING_DF)] or sorted(stems, key=lambda s: -idf[s])[:2]
    top = max(weights)  # PostgreSQL wants weights in [0, 1]
    params: dict = {"w": "{" + ",".join(str(float(x) / top) for x in reversed(weights)) + "}",  # {D,C,B,A}
                    "q": _tsquery(finding), "ew": extra_weight,
                    "rerank": _RERANKED, "limit": limit, "pool": _POOL}
    if not params["q"]:
        return []
    own = _weighted("tsv", query.stems, idf, params, "a")
    own_body = _weighted("body", query.stems, idf, params, "a")
    params["x"] = _tsquery(query.extra_stems)  # the expansions: one ts_rank, no IDF (they weigh little)
    extra = "ts_rank(CAST(:w AS real[]), tsv, CAST(:x AS tsquery))" if params["x"] else "0"
    extra_body = extra.replace("tsv", "body")
    rows = conn.execute(text(
        "WITH found AS (SELECT n, tsv FROM kb_fiches WHERE tsv @@ CAST(:q AS tsquery)"
        " ORDER BY ts_rank(CAST(:w AS real[]), tsv, CAST(:q AS tsquery)) DESC LIMIT :pool),"
        " short AS (SELECT n, " + own + " AS r1, " + extra + " AS r2 FROM found),"
        " best AS (SELECT n, r1, r2, row_number() OVER (ORDER BY r1 + :ew * r2 DESC) AS place FROM short"
        " ORDER BY place LIMIT :limit),"
        " full_ AS (SELECT b.n, b.r1 + CASE WHEN place <= :rerank THEN " + own_body + " ELSE 0 END AS r1,"
        " b.r2 + CASE WHEN place <= :rerank THEN " + extra_body + " ELSE 0 END AS r2"
        " FROM best b JOIN kb_fiches f ON f.n = b.n)"
        " SELECT n, own, extra FROM (SELECT n, coalesce(r1 / nullif(max(r1) OVER (), 0), 0) AS own,"
        " coalesce(r2 / nullif(max(r2) OVER (), 0), 0) AS extra FROM full_) ranked"
        " ORDER BY own + :ew * extra DESC"), params)
    return [(n, float(own), float(extra)) for n, own, extra in rows]


def search_passages(conn: Connection, query: Query, fiche_ns: list[int], limit: int) -> list[tuple[int, float]]:
    rows = conn.execute(text(
        "SELECT n, ts_rank(tsv, q, 1) AS score FROM kb_passages, CAST(:q AS tsquery) q"
        " WHERE tsv @@ q AND fiche_n = ANY(:fiches) ORDER BY score DESC LIMIT :limit"),
        {"q": _tsquery(query.stems + query.extra_stems), "fiches": list(fiche_ns), "limit": limit})
    return [(n, float(score)) for n, score in rows]
