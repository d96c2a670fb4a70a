"""Benchmark: what the trained PERSON model adds to Plume's redactor, corpus by corpus.

Usage: ``.venv/bin/python bench/name_model_bench.py [CORPUS.jsonl ...] [--rounds N] [--no-rss]``
(default: the development corpus, the held-out corpus of ``tests/redaction_heldout_data.py``
and every ``/work/corpora/*.jsonl``; ``heldout`` names the held-out corpus on the command line).

Sides, all in this process and timed in alternation document by document after a warm-up pass:

* **baseline**: bare Presidio-fr (``bench/redaction_bench.py``'s ``Baseline``);
* **rules**: ``Redactor()`` as shipped without the model (``redaction.name_model: false``):
  rules, word lists and ``fr_core_news_md`` NER;
* **rules+model**: ``Redactor(RedactionConfig(name_model=True))``;
* **model alone** (PERSON only, no timing): the spans of ``FrPersonModelRecognizer`` on the
  same spaCy document, to show what the model finds by itself.

Printed per corpus: PERSON leak rate, overall leak rate, keep damage, false-positive spans per
100 documents (all types and PERSON), p50/p95 ms per document with ratios to the baseline, and
peak RSS (VmHWM) of a fresh child process per side. Counts only, never text.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import time
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from redaction_bench import DEFAULT_CORPUS, Baseline, _vm_hwm_mib, percentile  # noqa: E402


class Side:
    def __init__(self, name_model: bool) -> None:
        from redaction.config import RedactionConfig
        from redaction import Redactor

        self.redactor = Redactor(RedactionConfig(name_model=name_model))

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        return [(s.start, s.end, s.entity_type) for s in self.redactor.redact(text).spans]


class ModelAlone:
    """PERSON spans of the model only, on the redactor's own spaCy document."""

    def __init__(self, side: Side) -> None:
        from redaction.lexicon import FrenchLexicon
        from redaction.normalize import normalize
        from redaction.recognizers.person_model import FrPersonModelRecognizer

        self.nlp_engine = side.redactor._nlp_engine
        self.recognizer = FrPersonModelRecognizer(FrenchLexicon(self.nlp_engine.nlp["fr"]))
        self.normalize = normalize

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        norm = self.normalize(text)
        doc = self.nlp_engine.process_text(norm.text, "fr").tokens
        return [(*norm.span_to_original(s, e), "PERSON") for s, e in self.recognizer.spans(doc)]


FACTORIES = {"baseline": Baseline, "rules": lambda: Side(False), "rules+model": lambda: Side(True)}


def load(path: str) -> list[dict]:
    if path == "heldout":
        from tests.redaction_heldout_data import CORPUS
        return CORPUS
    from redaction.evaluation import read_corpus
    return read_corpus(Path(path))


def _rss_child(side: str, path: str, queue) -> None:
    engine = FACTORIES[side]()
    for doc in load(path):
        engine.spans(doc["text"])
    queue.put(_vm_hwm_mib())


def peak_rss(side: str, path: str) -> float:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_rss_child, args=(side, path, queue))
    proc.start()
    value = queue.get()
    proc.join()
    return value


def main() -> None:
    from redaction.evaluation import evaluate

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", nargs="*")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-rss", action="store_true")
    args = parser.parse_args()
    paths = args.corpora or [str(DEFAULT_CORPUS), "heldout",
                             *sorted(str(p) for p in Path("/work/corpora").glob("*.jsonl"))]
    engines = {name: factory() for name, factory in FACTORIES.items()}
    alone = ModelAlone(engines["rules"])
    report = {}
    for path in paths:
        corpus = load(path)
        quality = {name: evaluate(engine.spans, corpus) for name, engine in engines.items()}
        quality["model alone"] = evaluate(alone.spans, corpus)
        timings = {name: [] for name in engines}
        for _ in range(args.rounds):
            for doc in corpus:
                for name, engine in engines.items():
                    started = time.perf_counter()
                    engine.spans(doc["text"])
                    timings[name].append((time.perf_counter() - started) * 1000.0)
        rows = {}
        for name, q in quality.items():
            t = timings.get(name)
            rows[name] = {
                "person_leak": q.leak_rate("PERSON"), "leak": q.leak_rate(),
                "keep_damage": q.keep_damage(), "fp_100": q.fp_per_100(),
                "person_fp_100": q.fp_per_100("PERSON"),
                "p50_ms": statistics.median(t) if t else None,
                "p95_ms": percentile(t, 0.95) if t else None,
            }
        base = rows["baseline"]
        print(f"\ncorpus: {path} ({len(corpus)} documents, {q.pii['PERSON']} PERSON values)")
        print(f"{'':<14}{'PER leak':>9}{'leak':>8}{'keep dmg':>9}{'FP/100':>8}{'PER FP':>8}"
              f"{'p50 ms':>8}{'x base':>7}{'p95 ms':>8}")
        for name, r in rows.items():
            timing = (f"{r['p50_ms']:>8.2f}{r['p50_ms'] / base['p50_ms']:>7.2f}{r['p95_ms']:>8.2f}"
                      if r["p50_ms"] is not None else "")
            print(f"{name:<14}{r['person_leak']:>9.2%}{r['leak']:>8.2%}{r['keep_damage']:>9.2%}"
                  f"{r['fp_100']:>8.2f}{r['person_fp_100']:>8.2f}{timing}")
        report[path] = rows
    if not args.no_rss:
        rss = {name: peak_rss(name, paths[0]) for name in FACTORIES}
        print("\npeak RSS MiB (fresh process, first corpus): "
              + ", ".join(f"{k} {v:.0f}" for k, v in rss.items()))
        report["peak_rss_mib"] = rss
    print(json.dumps(report))


if __name__ == "__main__":
    main()
