"""SQLite side of the knowledge index: FTS5, contentless, over Snowball stems.

The FTS5 columns hold the stems of knowledge.analysis (tokenizer ``unicode61 remove_diacritics 2``
only splits them), so the French stemming is the same at index and query time. Ranking is FTS5's
``bm25()`` with one weight per column; it is negated so that higher is better.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from knowledge.analysis import Query, index_text

_TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"
FORMAT = "1"  # kb_meta's "format" stamp; an index of another format is searched as empty
TABLES = ("kb_meta", "kb_fiches", "kb_passages", "kb_links", "kb_fiches_fts", "kb_passages_fts")


EXTRA_COLUMNS = ""  # the FTS5 tables hold the indexed text


def create(conn: Connection, suffix: str) -> None:
    conn.exec_driver_sql(f"CREATE INDEX kb_passages_fiche{suffix} ON kb_passages{suffix} (fiche_n, ord)")
    conn.exec_driver_sql(f"CREATE VIRTUAL TABLE kb_fiches_fts{suffix} USING fts5(title, description, headings,"
                         f" body, content='', {_TOKENIZE})")
    conn.exec_driver_sql(f"CREATE VIRTUAL TABLE kb_passages_fts{suffix} USING fts5(heading, body, content='',"
                         f" {_TOKENIZE})")


def insert(conn: Connection, suffix: str, fiches: list[dict], passages: list[dict]) -> None:
    conn.execute(text(f"INSERT INTO kb_fiches{suffix} (n, id, audience, title, description, url, date, theme,"
                      " type) VALUES (:n, :id, :audience, :title, :description, :url, :date, :theme, :type)"),
                 fiches)
    conn.execute(text(f"INSERT INTO kb_passages{suffix} (n, fiche_n, ord, heading, kind, text)"
                      " VALUES (:n, :fiche_n, :ord, :heading, :kind, :text)"), passages)
    conn.execute(text(f"INSERT INTO kb_fiches_fts{suffix} (rowid, title, description, headings, body)"
                      " VALUES (:n, :title, :description, :headings, :body)"),
                 [{"n": f["n"], "title": index_text(f["title"]), "description": index_text(f["description"]),
                   "headings": index_text(f["headings"]), "body": index_text(f["body"])} for f in fiches])
    conn.execute(text(f"INSERT INTO kb_passages_fts{suffix} (rowid, heading, body)"
                      " VALUES (:n, :heading, :body)"),
                 [{"n": p["n"], "heading": index_text(p["heading"]), "body": index_text(p["text"])}
                  for p in passages])


def finish(conn: Connection, suffix: str) -> None:
    """Nothing to build after the rows: FTS5 indexes as it goes."""


def after_rename(conn: Connection, suffix: str) -> None:
    """Give the renamed table's index its live name."""
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS kb_passages_fiche{suffix}")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS kb_passages_fiche ON kb_passages (fiche_n, ord)")


def _match(stems: list[str]) -> str:
    return " OR ".join(f'"{s}"' for s in stems)


def load(conn: Connection) -> None:
    """Nothing to keep in memory: FTS5 knows its own statistics."""


def search_fiches(conn: Connection, query: Query, weights: tuple[float, ...], limit: int,
                  extra_weight: float, stats: None = None) -> list[tuple[int, float, float]]:
    """(fiche n, own, extra) best first by own + ``extra_weight`` × extra: the BM25 of the query's
    own stems over the best one (0–1), the same for its expansions; ``weights`` for title,
    description, headings, body. ``stats`` (from ``load``) is None: FTS5's bm25() has its own IDF."""
    w = ", ".join(str(float(x)) for x in weights)
    scores: dict[int, list[float]] = {}
    for i, stems in enumerate((query.stems, query.extra_stems)):
        if not stems:
            continue
        rows = conn.execute(text(f"SELECT rowid, -bm25(kb_fiches_fts, {w}) AS score FROM kb_fiches_fts"
                                 " WHERE kb_fiches_fts MATCH :q ORDER BY score DESC LIMIT :limit"),
                            {"q": _match(stems), "limit": limit}).all()
        best = rows[0][1] if rows and rows[0][1] > 0 else 1.0
        for n, score in rows:
            scores.setdefault(n, [0.0, 0.0])[i] = max(score / best, 0.0)
    ranked = sorted(scores.items(), key=lambda item: -(item[1][0] + extra_weight * item[1][1]))
    return [(n, own, extra) for n, (own, extra) in ranked]


def search_passages(conn: Connection, query: Query, fiche_ns: list[int], limit: int) -> list[tuple[int, float]]:
    """(passage n, score) best first, among the passages of ``fiche_ns``."""
    marks = ", ".join(str(int(n)) for n in fiche_ns)
    rows = conn.execute(text("SELECT f.rowid, -bm25(kb_passages_fts, 3.0, 1.0) AS score FROM kb_passages_fts f"
                             f" JOIN kb_passages p ON p.n = f.rowid WHERE kb_passages_fts MATCH :q"
                             f" AND p.fiche_n IN ({marks}) ORDER BY score DESC LIMIT :limit"),
                        {"q": _match(query.stems + query.extra_stems), "limit": limit})
    return [(n, score) for n, score in rows]
