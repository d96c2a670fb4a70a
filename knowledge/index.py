"""The knowledge base: import the fiches into the database, search them.

    KnowledgeBase(engine, embed=None, clean=None, ranker=None)
        ``engine`` an SQLAlchemy Engine (SQLite: FTS5, knowledge.sql_sqlite; PostgreSQL: tsvector +
        GIN, knowledge.sql_pg), the tables ``kb_*`` are knowledge's own. ``embed(word) -> vector``
        (any sequence of floats, e.g. spaCy's word vectors: knowledge.vectors) gives the semantic
        signal (knowledge.semantic); without it, search is lexical only.
        ``clean(text) -> text`` runs on every query first: the composition root passes one that
        removes the redaction placeholders (``[NOM_1]``…), which knowledge does not know.
    .replace(fiches, progress=None) -> ImportCounts
        builds ``kb_*__new`` tables in batches, then drops the live tables and renames the new ones
        in one transaction: searches see the old version until then, the new one after; a failed
        import leaves the old version in place. ``progress(n)`` is called per fiche written.
    .search(text, k=5) -> list[SourceHit]      best first. Score: the dot product of each candidate's
        features (knowledge.rerank: the engine's rank of the question's stems and of its synonyms,
        the cosine of word vectors, title cover and title match, an in-link prior, the fiche's
        type…) with the weights of ``ranker`` (default: those of knowledge/data/rerank.json,
        knowledge.rerank.Ranker.load); ≥ 0, comparable within one query only.
    .candidates(text) -> (ns, features, facts)   what search ranks (training/rerank reads it too).
        ``SourceHit.confident``: the query holds at least
        CONFIDENT_TITLE_MATCH of the IDF mass of the fiche's title, and the title (description:
        half) at least CONFIDENT_COVER of the query's, or CONFIDENT_WORDS of the title's words
        (independent of the corpus size).
    .passages(text, fiche_ids, limit=4) -> list[PassageHit]   the passages of those fiches that
        best match ``text`` (the fiche's introduction when none matches).
    .fiche(id) -> SourceHit | None,  .known_url(url) -> bool,  .count() -> int (0 before any import)
    An index imported in another format than the engine's (``sql_*.FORMAT``, stored in kb_meta)
    searches as empty until ``plume sources import`` runs again.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Connection, Engine

from common.sqlite import write_transaction
from knowledge import sql_pg, sql_sqlite
from knowledge.analysis import Query, Speller, Variants, stems, words
from knowledge.fiches import Fiche
from knowledge.rerank import FEATURES, Ranker, features
from knowledge.semantic import SemanticIndex

Embed = Callable[[str], Sequence[float]]
_NEW = "__new"
_NONE: frozenset[str] = frozenset()
_BATCH = 200
FIELD_WEIGHTS = (10.0, 4.0, 2.0, 1.0)  # title, description, headings, body
EXPANSION_WEIGHT = 0.1  # the synonyms' share when the engine picks its best _CANDIDATES
_CANDIDATES = 150
CONFIDENT_TITLE_MATCH = 0.35  # bench: 87 of 91 real and 1 of 18 off-topic questions have a confident
CONFIDENT_COVER = 0.32        # fiche in their top 3, but only 29 of 50 blind ones (bench/SOURCES.md)
CONFIDENT_WORDS = 3           # title words in the question that make up for a low cover (long stories)
TITLED_MAX = 150        # a question word in more titles than this brings no candidates of its own


@dataclass(frozen=True)
class SourceHit:
    id: str
    title: str
    url: str
    date: str
    score: float
    description: str = ""
    audience: str = "particuliers"
    cover: float = 0.0  # share of the query's IDF mass found in the title (description: half)
    title_match: float = 0.0  # share of the title's IDF mass found in the query
    title_words: int = 0  # distinct stems of the title found in the query (expansions included)

    @property
    def confident(self) -> bool:
        return self.title_match >= CONFIDENT_TITLE_MATCH and (self.cover >= CONFIDENT_COVER
                                                               or self.title_words >= CONFIDENT_WORDS)

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "url": self.url, "date": self.date,
                "score": round(self.score, 4)}


@dataclass(frozen=True)
class PassageHit:
    fiche_id: str
    title: str
    url: str
    date: str
    heading: str
    kind: str
    text: str
    score: float


@dataclass(frozen=True)
class ImportCounts:
    fiches: int
    passages: int
    links: int
    seconds: float


class KnowledgeBase:
    def __init__(self, engine: Engine, embed: Embed | None = None,
                 clean: Callable[[str], str] | None = None, ranker: Ranker | None = None) -> None:
        self.engine = engine
        self._ranker = ranker or Ranker.load()
        self.embed = embed
        self.clean = clean or (lambda text: text)
        self._sql = sql_sqlite if engine.dialect.name == "sqlite" else sql_pg
        self._generation: str | None = None
        self._meta: dict[int, SourceHit] = {}
        self._links: dict[int, float] = {}  # log(1 + in-links) / log(1 + most in-links)
        self._information: dict[int, float] = {}  # 1.0 for a "Fiche d'information"
        self._question_answer: dict[int, float] = {}  # 1.0 for a "Fiche Question-réponse"
        self._headings: dict[int, frozenset[str]] = {}  # the stems of the fiche's section headings
        self._titles: SemanticIndex | None = None  # word vectors of the titles alone
        self._short: dict[int, tuple[frozenset[str], frozenset[str]]] = {}  # title, description stems
        self._idf: dict[str, float] = {}
        self._by_title: dict[str, list[int]] = {}
        self._semantic: SemanticIndex | None = None
        self._speller: Speller | None = None
        self._variants: Variants | None = None
        self._title_mass: dict[int, float] = {}
        self._stats = None  # the engine's own, from its load()

    # ---------------------------------------------------------------- import
    def replace(self, fiches: Iterable[Fiche], progress: Callable[[int], None] | None = None) -> ImportCounts:
        started = time.monotonic()
        counts = {"fiches": 0, "passages": 0, "links": 0}
        cited: Counter[str] = Counter()
        vocabulary: Counter[str] = Counter()
        with write_transaction(self.engine) as conn:
            self._drop(conn, _NEW)  # leftovers of an interrupted import
            self._create(conn, _NEW)
        batch: list[Fiche] = []
        for fiche in fiches:
            batch.append(fiche)
            cited.update(fiche.cites)
            vocabulary.update(words(" ".join([fiche.title, fiche.description, fiche.headings, fiche.body])))
            if len(batch) >= _BATCH:
                self._write(batch, counts, progress)
                batch = []
        if batch:
            self._write(batch, counts, progress)
        generation = f"{time.time_ns()}"
        with write_transaction(self.engine) as conn:
            if cited:
                conn.execute(text(f"UPDATE kb_fiches{_NEW} SET inlinks = :c WHERE id = :id"),
                             [{"id": i, "c": c} for i, c in cited.items()])
            conn.execute(text(f"INSERT INTO kb_meta{_NEW} (key, value) VALUES (:k, :v)"),
                         [{"k": "generation", "v": generation}, {"k": "counts", "v": json.dumps(counts)},
                          {"k": "format", "v": self._sql.FORMAT},
                          {"k": "vocabulary", "v": json.dumps([w for w, c in vocabulary.most_common() if c >= 2])},
                          {"k": "rare", "v": json.dumps([w for w, c in vocabulary.items() if c == 1])}])
            self._sql.finish(conn, _NEW)
            self._drop(conn, "")
            for table in self._sql.TABLES:
                conn.exec_driver_sql(f"ALTER TABLE {table}{_NEW} RENAME TO {table}")
            self._sql.after_rename(conn, _NEW)
        return ImportCounts(**counts, seconds=round(time.monotonic() - started, 1))

    def _create(self, conn: Connection, suffix: str) -> None:
        """The tables both engines share (``extra``: the engine's own columns), then the engine's."""
        extra = self._sql.EXTRA_COLUMNS
        for statement in (
            f"CREATE TABLE kb_meta{suffix} (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            f"CREATE TABLE kb_fiches{suffix} (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
            " audience TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL, url TEXT NOT NULL,"
            f" date TEXT NOT NULL, theme TEXT NOT NULL, type TEXT NOT NULL, inlinks INTEGER NOT NULL DEFAULT 0{extra})",
            f"CREATE TABLE kb_passages{suffix} (n INTEGER PRIMARY KEY, fiche_n INTEGER NOT NULL,"
            f" ord INTEGER NOT NULL, heading TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL{extra})",
            f"CREATE TABLE kb_links{suffix} (url TEXT PRIMARY KEY, fiche_n INTEGER NOT NULL)",
        ):
            conn.exec_driver_sql(statement)
        self._sql.create(conn, suffix)

    def _drop(self, conn: Connection, suffix: str) -> None:
        for table in self._sql.TABLES:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}{suffix}")

    def _write(self, batch: list[Fiche], counts: dict, progress) -> None:
        fiche_rows, passage_rows, link_rows = [], [], {}
        for fiche in batch:
            counts["fiches"] += 1
            n = counts["fiches"]
            fiche_rows.append({"n": n, "id": fiche.id, "audience": fiche.audience, "title": fiche.title,
                               "description": fiche.description, "url": fiche.url, "date": fiche.date,
                               "theme": fiche.theme, "type": fiche.type,
                               "headings": " ".join([fiche.theme, fiche.headings, *fiche.keywords]),
                               "body": fiche.body})
            for ord_, passage in enumerate(fiche.passages):
                counts["passages"] += 1
                passage_rows.append({"n": counts["passages"], "fiche_n": n, "ord": ord_,
                                     "heading": passage.heading, "kind": passage.kind, "text": passage.text})
            for url in fiche.links:
                link_rows.setdefault(url, n)
        with write_transaction(self.engine) as conn:
            self._sql.insert(conn, _NEW, fiche_rows, passage_rows)
            known = {url for (url,) in conn.execute(
                text(f"SELECT url FROM kb_links{_NEW} WHERE url IN :urls").bindparams(
                    _expanding("urls")), {"urls": list(link_rows)})} if link_rows else set()
            fresh = [{"url": u, "fiche_n": n} for u, n in link_rows.items() if u not in known]
            if fresh:
                conn.execute(text(f"INSERT INTO kb_links{_NEW} (url, fiche_n) VALUES (:url, :fiche_n)"), fresh)
            counts["links"] += len(fresh)
        if progress:
            progress(len(batch))

    # ---------------------------------------------------------------- search
    def count(self) -> int:
        if not inspect(self.engine).has_table("kb_fiches"):
            return 0
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM kb_fiches")).scalar_one()

    def search(self, query_text: str, k: int = 5) -> list[SourceHit]:
        if k <= 0:
            return []
        ns, matrix, facts = self.candidates(query_text)
        if not ns:
            return []
        scores = self._ranker.score(matrix)
        order = sorted(range(len(ns)), key=lambda i: -scores[i])[:k]
        return [_with_score(self._meta[ns[i]], float(scores[i]), *facts[ns[i]]) for i in order]

    def candidates(self, query_text: str) -> tuple[list[int], np.ndarray, dict[int, tuple[float, float, int]]]:
        """The question's candidate fiches (n), their feature matrix (knowledge.rerank.FEATURES
        columns) and {n: (cover, title match, title words)}; ([], empty, {}) when nothing to search."""
        with self.engine.connect() as conn:
            if not self._load(conn):
                return [], np.zeros((0, len(FEATURES))), {}
            query = Query(self.clean(query_text), self._speller, self._variants)
            if not query:
                return [], np.zeros((0, len(FEATURES))), {}
            lexical = self._sql.search_fiches(conn, query, FIELD_WEIGHTS, _CANDIDATES, EXPANSION_WEIGHT,
                                              self._stats)
        signals: dict[str, dict[int, float]] = {name: {} for name in FEATURES}
        for rank, (n, own, extra) in enumerate(lexical):
            signals["lexical"][n], signals["expansion"][n] = own, extra
            signals["lexical_rank"][n] = 1.0 / (1 + rank)
        ns = list(signals["lexical"])
        for stem_ in query.stems:  # every fiche whose title has a rare word of the question competes
            titled = self._by_title.get(stem_, ())
            if len(titled) <= TITLED_MAX:
                for n in titled:
                    if n not in signals["lexical"] and n not in signals["titled"]:
                        signals["titled"][n] = 1.0
                        ns.append(n)
        semantic = self._semantic.search(query.expanded, _CANDIDATES) if self._semantic else []
        for rank, (n, similarity) in enumerate(semantic):
            signals["semantic"][n], signals["semantic_rank"][n] = max(similarity, 0.0), 1.0 / (1 + rank)
            if n not in signals["lexical"] and n not in signals["titled"]:
                ns.append(n)
        if self._titles:
            signals["title_semantic"] = {n: max(c, 0.0) for n, c in self._titles.similarities(query.expanded).items()}
        weights = {s: self._idf.get(s, self._max_idf) for s in query.stems}
        total = sum(weights.values()) or 1.0
        weights |= {s: 0.5 * self._idf.get(s, self._max_idf) for s in query.extra_stems}
        facts: dict[int, tuple[float, float, int]] = {}
        for n in ns:
            title, description = self._short[n]
            shared = title.intersection(weights)
            cover = (sum(weights[s] for s in shared)
                     + 0.5 * sum(weights[s] for s in description.intersection(weights) if s not in title))
            facts[n] = (min(cover / total, 1.0), sum(self._idf[s] for s in shared) / self._title_mass[n], len(shared))
            signals["cover"][n], signals["title_match"][n] = facts[n][0], facts[n][1]
            signals["title_words"][n] = min(len(shared), 4) / 4
            signals["links"][n], signals["information"][n] = self._links[n], self._information[n]
            signals["question_answer"][n] = self._question_answer[n]
            signals["description_cover"][n] = sum(weights[s] for s in description.intersection(query.stems)) / total
            signals["headings_cover"][n] = sum(weights[s] for s in self._headings.get(n, _NONE)
                                               .intersection(query.stems)) / total
        return ns, features(ns, signals), facts

    def _load(self, conn: Connection) -> bool:
        """Load fiche metadata (and the semantic index) when the live generation changed. False when empty."""
        if self._generation is None and not inspect(conn).has_table("kb_meta"):
            return False  # once imported, kb_meta always exists (the swap renames it in place)
        stamps = dict(conn.execute(text(
            "SELECT key, value FROM kb_meta WHERE key IN ('generation', 'format')")).all())
        if stamps.get("format", "1") != self._sql.FORMAT:
            return False  # imported by an older Plume in another index format: searched as empty until re-imported
        generation = stamps.get("generation")
        if generation == self._generation:
            return True
        meta, links, information = {}, {}, {}
        rows = conn.execute(text("SELECT n, id, title, url, date, description, audience, theme, type, inlinks"
                                 " FROM kb_fiches")).all()
        most = math.log1p(max((row.inlinks for row in rows), default=0)) or 1.0
        for row in rows:
            meta[row.n] = SourceHit(row.id, row.title, row.url, row.date, 0.0, row.description, row.audience)
            links[row.n] = math.log1p(row.inlinks) / most
            information[row.n] = float(row.type.startswith("Fiche d'information"))
        self._meta, self._links, self._information = meta, links, information
        self._question_answer = {row.n: float(row.type.startswith("Fiche Question-réponse")) for row in rows}
        headings: dict[int, set[str]] = {}
        if self._ranker.uses("headings_cover"):  # every passage read and stemmed: only when weighed
            for fiche_n, heading in conn.execute(text("SELECT fiche_n, heading FROM kb_passages")):
                headings.setdefault(fiche_n, set()).update(stems(heading))
        self._headings = {n: frozenset(found) for n, found in headings.items()}
        self._short = {row.n: (frozenset(stems(row.title)), frozenset(stems(row.description))) for row in rows}
        self._by_title: dict[str, list[int]] = {}
        for n, (title, _) in self._short.items():
            for stem_ in title:
                self._by_title.setdefault(stem_, []).append(n)
        df = Counter(s for title, description in self._short.values() for s in title | description)
        self._variants = Variants(df)
        self._idf = {s: math.log(len(rows) / c) for s, c in df.items()}
        self._max_idf = math.log(len(rows) or 1) or 1.0
        self._title_mass = {n: sum(self._idf[s] for s in title) or 1.0 for n, (title, _) in self._short.items()}
        self._semantic = (SemanticIndex({r.n: f"{r.title} {r.description} {r.theme}" for r in rows}, self.embed)
                          if self.embed is not None else None)
        self._titles = (SemanticIndex({r.n: r.title for r in rows}, self.embed)  # a second matrix: only when weighed
                        if self.embed is not None and self._ranker.uses("title_semantic") else None)
        lists = {k: json.loads(v) for k, v in conn.execute(
            text("SELECT key, value FROM kb_meta WHERE key IN ('vocabulary', 'rare')")).all()}
        self._speller = Speller(lists.get("vocabulary", []), lists.get("rare", []),
                                self._semantic.knows if self._semantic else None)
        self._stats = self._sql.load(conn)
        self._generation = generation
        return True

    def passages(self, query_text: str, fiche_ids: Sequence[str], limit: int = 4) -> list[PassageHit]:
        with self.engine.connect() as conn:
            if not self._load(conn) or not fiche_ids:
                return []
            query = Query(self.clean(query_text), self._speller)
            by_id = {hit.id: n for n, hit in self._meta.items()}
            ns = [by_id[i] for i in fiche_ids if i in by_id]
            found = self._sql.search_passages(conn, query, ns, limit) if query and ns else []
            if not found and ns:
                found = [(n, 0.0) for (n,) in conn.execute(text(
                    "SELECT n FROM kb_passages WHERE fiche_n = :f ORDER BY ord LIMIT 1"), {"f": ns[0]})]
            rows = {row.n: row for row in conn.execute(text(
                "SELECT n, fiche_n, heading, kind, text FROM kb_passages WHERE n IN :ns").bindparams(
                    _expanding("ns")), {"ns": [n for n, _ in found]})} if found else {}
        hits = []
        for n, score in found:
            row = rows[n]
            fiche = self._meta[row.fiche_n]
            hits.append(PassageHit(fiche.id, fiche.title, fiche.url, fiche.date, row.heading, row.kind,
                                   row.text, score))
        return hits

    def fiche(self, fiche_id: str) -> SourceHit | None:
        with self.engine.connect() as conn:
            if not self._load(conn):
                return None
        return next((hit for hit in self._meta.values() if hit.id == fiche_id), None)

    def known_url(self, url: str) -> bool:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("kb_links"):
                return False
            return conn.execute(text("SELECT 1 FROM kb_links WHERE url = :u"), {"u": url.strip()}).first() is not None


def _with_score(hit: SourceHit, score: float, cover: float, title_match: float, title_words: int) -> SourceHit:
    return SourceHit(hit.id, hit.title, hit.url, hit.date, score, hit.description, hit.audience, cover,
                     title_match, title_words)


def _expanding(name: str):
    return bindparam(name, expanding=True)
