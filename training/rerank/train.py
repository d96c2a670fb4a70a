"""Learn the weights of knowledge.rerank from questions with known answers (training/rerank/learned.json;
copied to knowledge/data/rerank.json, they become the ones search uses).

    .venv/bin/python training/rerank/train.py PATH_TO_FICHES [--db URL] [--no-import]
        [--questions FILE]... [--folds 5] [--out training/rerank/learned.json]

Every question (``{"id", "text", "expected": [fiche ids]}``, default: training/rerank/
train_questions.jsonl and bench/sources_questions.jsonl) goes through KnowledgeBase.candidates,
the engine's own candidates and features. The model is a listwise logistic regression (softmax
over a question's candidates; the likelihood of any expected fiche), with weights kept ≥ 0
(projected Adam, numpy only) and an L2 penalty; features are scaled by their standard deviation
while training and the weights scaled back before saving. ``--folds K`` first prints the
cross-validated recall@1/@3 (folds over questions) against the weights in use; questions whose
expected fiches are not among the candidates count as misses and are printed as "candidate recall".
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from knowledge.index import KnowledgeBase
from knowledge.reader import read_fiches
from knowledge.rerank import FEATURES, Ranker
from knowledge.vectors import load_embedder
from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_QUESTIONS = (ROOT / "training/rerank/train_questions.jsonl", ROOT / "bench/sources_questions.jsonl")


def load(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def examples(kb: KnowledgeBase, questions: list[dict]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(features, is expected) per question, over its candidates (possibly no positive)."""
    ids = {hit.id: n for n, hit in kb._meta.items()}
    out = []
    for q in questions:
        ns, matrix, _ = kb.candidates(q["text"])
        expected = {ids[i] for i in q["expected"] if i in ids}
        out.append((matrix, np.array([n in expected for n in ns], dtype=bool)))
    return out


def pseudo_queries(kb: KnowledgeBase, count: int, seed: int = 8) -> list[dict]:
    """Corpus-derived questions: the title of a random question-answer fiche, or the description
    of a random information fiche (a paraphrase of its title), each answered by its own fiche."""
    rng = np.random.default_rng(seed)
    questions = []
    for n in rng.permutation(sorted(kb._meta))[:count]:
        hit = kb._meta[int(n)]
        text = hit.title if kb._question_answer[int(n)] else hit.description
        if text:
            questions.append({"id": f"pseudo-{hit.id}", "text": text, "expected": [hit.id]})
    return questions


def fit(data: list[tuple[np.ndarray, np.ndarray]], l2: float = 1e-2, steps: int = 1500,
        rate: float = 0.05, weight: list[float] | None = None) -> np.ndarray:
    """Non-negative weights (raw feature scale) maximising Σ weight × log P(an expected fiche)
    − l2 |w|² (``weight``: one per question, default 1)."""
    weight = weight or [1.0] * len(data)
    usable = [(x, y, c) for (x, y), c in zip(data, weight) if y.any() and len(y) > 1]
    scale = np.concatenate([x for x, _, _ in usable]).std(axis=0)
    scale[scale == 0] = 1.0
    usable = [(x / scale, y, c) for x, y, c in usable]
    total = sum(c for _, _, c in usable)
    w = np.full(len(FEATURES), 0.5)
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        grad = 2 * l2 * w * total
        for x, y, c in usable:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            r = np.where(y, p, 0.0)
            grad += c * (x.T @ (p - r / r.sum()))
        grad /= total
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad ** 2
        w = np.maximum(w - rate * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8), 0.0)
    return w / scale


def recall(data, weights: np.ndarray) -> tuple[float, float]:
    hits = np.zeros(2)
    for x, y in data:
        if len(y):
            order = np.argsort(-(x @ weights), kind="stable")
            hits += [y[order[:1]].any(), y[order[:3]].any()]
    return tuple(hits / len(data))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fiches", type=Path)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--no-import", action="store_true", help="reuse the fiches already in --db")
    parser.add_argument("--questions", type=Path, action="append")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=1e-2)
    parser.add_argument("--pseudo", type=int, default=0, help="corpus-derived questions added to training")
    parser.add_argument("--pseudo-weight", type=float, default=0.3)
    parser.add_argument("--out", type=Path, default=ROOT / "training/rerank/learned.json")
    args = parser.parse_args()
    paths = args.questions or [p for p in DEFAULT_QUESTIONS if p.exists()]
    questions = [q for path in paths for q in load(path)]
    embed = load_embedder()
    database = Database(args.db or f"sqlite:///{tempfile.mkdtemp(prefix='plume-rerank-')}/kb.db")
    kb = KnowledgeBase(database.engine, embed, ranker=Ranker(dict.fromkeys(FEATURES, 1.0)))  # every feature computed
    if not args.no_import:
        kb.replace(read_fiches(args.fiches))
    kb.search("allocation", 1)  # loads the metadata
    data = examples(kb, questions)
    found = sum(bool(y.any()) for _, y in data)
    print(f"{len(questions)} questions from {', '.join(p.name for p in paths)}; candidate recall "
          f"{found / len(data):.3f} ({found}/{len(data)}), {np.mean([len(y) for _, y in data]):.0f} candidates each")
    current = Ranker.load().weights
    print("weights in use: r@1 %.3f  r@3 %.3f" % recall(data, current))
    pseudo = examples(kb, pseudo_queries(kb, args.pseudo)) if args.pseudo else []
    if pseudo:
        print(f"{len(pseudo)} pseudo-questions (weight {args.pseudo_weight}), with weights in use:"
              " r@1 %.3f  r@3 %.3f" % recall(pseudo, current))

    def train(part):
        return fit(part + pseudo, args.l2, weight=[1.0] * len(part) + [args.pseudo_weight] * len(pseudo))

    if args.folds > 1:
        folds = np.random.default_rng(8).permutation(len(data)) % args.folds
        cv = [0.0, 0.0]
        for k in range(args.folds):
            w = train([d for d, f in zip(data, folds) if f != k])
            part = [d for d, f in zip(data, folds) if f == k]
            for i, value in enumerate(recall(part, w)):
                cv[i] += value * len(part) / len(data)
        print(f"{args.folds}-fold cross-validated: r@1 {cv[0]:.3f}  r@3 {cv[1]:.3f}")
    weights = train(data)
    print("all questions (training fit): r@1 %.3f  r@3 %.3f" % recall(data, weights))
    args.out.write_text(json.dumps({
        "model": f"listwise logistic regression, weights >= 0, l2 {args.l2}, trained by training/rerank/"
                 f"train.py on {len(questions)} questions ({', '.join(p.name for p in paths)})"
                 f" and {len(pseudo)} pseudo-questions (weight {args.pseudo_weight})",
        "weights": {name: round(float(w), 5) for name, w in zip(FEATURES, weights)}}, indent=1) + "\n",
        encoding="utf-8")
    print(f"wrote {args.out}: " + ", ".join(f"{n} {w:.3f}" for n, w in zip(FEATURES, weights)))
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
