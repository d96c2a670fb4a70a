"""Benchmark: Plume's redactor against bare Presidio for French, same run, same corpus.

Usage: ``.venv/bin/python bench/redaction_bench.py [CORPUS.jsonl] [--rounds N]``
(default corpus: ``/work/shared/eval/redaction-dev.jsonl``, else ``../shared/eval/…``).

What each side runs
-------------------
* **baseline** ("bare Presidio-fr", as in issue 3): ``NlpEngineProvider`` with spaCy
  ``fr_core_news_md`` and its *full* pipeline (tok2vec, morphologizer, parser, attribute_ruler,
  lemmatizer, ner); ``RecognizerRegistry.load_predefined_recognizers(languages=["fr"])`` (the
  generic predefined recognizers plus ``SpacyRecognizer``); Presidio's default context
  enhancer; every finding is masked (``AnonymizerEngine`` default ``replace`` operator).
* **plume**: ``redaction.Redactor()``: same spaCy model with the dependency parser disabled
  (Plume reads only tokens, lemmas and NER, none of which use it), Plume's French recognizers,
  ``FrenchContextEnhancer``, protected spans, name propagation and placeholders
  (the whole ``Redactor.redact`` call).

Measures
--------
* quality: ``redaction.evaluation`` scoring (leak rate, keep damage, false-positive spans per
  100 documents; see that module for the exact definitions), identical for both sides;
* speed: each document is redacted by both sides in alternation (baseline then plume, then
  the next document), ``--rounds`` times, after one warm-up pass over the whole corpus; p50 and
  p95 wall-clock milliseconds per document and documents per second (sum of per-document times);
* memory: peak RSS (``VmHWM``) of a fresh (spawned) child process that loads one side and redacts the
  corpus once; each side measured in its own process so one does not inflate the other.
Ratios are plume / baseline. ``--same-pipeline`` also times Plume with the parser re-enabled
(same spaCy work as the baseline), to show what Plume's own recognizers cost.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = next((p for p in (Path("/work/shared/eval/redaction-dev.jsonl"),
                                   ROOT.parent / "shared" / "eval" / "redaction-dev.jsonl") if p.exists()),
                      Path("redaction-dev.jsonl"))


class Baseline:
    """Bare Presidio for French (see module docstring)."""

    def __init__(self) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_anonymizer import AnonymizerEngine

        # Presidio's URL recognizer asks tldextract for the public suffix list over the network
        # and falls back to its bundled snapshot; keep that fallback from flooding the output.
        logging.getLogger("tldextract").setLevel(logging.CRITICAL)

        engine = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy", "models": [{"lang_code": "fr", "model_name": "fr_core_news_md"}],
        }).create_engine()
        registry = RecognizerRegistry(supported_languages=["fr"])
        registry.load_predefined_recognizers(languages=["fr"], nlp_engine=engine)
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["fr"])
        self.anonymizer = AnonymizerEngine()

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        results = self.analyzer.analyze(text, language="fr")
        self.anonymizer.anonymize(text, results)
        return [(r.start, r.end, r.entity_type) for r in results]


class Plume:
    def __init__(self, full_pipeline: bool = False) -> None:
        from redaction import Redactor

        self.redactor = Redactor()
        if full_pipeline:  # like-for-like check: give Plume the parser back
            nlp = self.redactor._nlp_engine.nlp["fr"]
            for pipe in nlp.disabled:
                nlp.enable_pipe(pipe)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        return [(s.start, s.end, s.entity_type) for s in self.redactor.redact(text).spans]


SIDES = {"baseline": Baseline, "plume": Plume}


def _peak_rss_child(side: str, corpus_path: str, queue) -> None:
    from redaction.evaluation import read_corpus

    engine = SIDES[side]()
    for doc in read_corpus(Path(corpus_path)):
        engine.spans(doc["text"])
    queue.put(_vm_hwm_mib())


def _vm_hwm_mib() -> float:
    """Peak RSS of this process image (VmHWM; ru_maxrss would carry the parent's over exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def peak_rss_mib(side: str, corpus_path: Path) -> float:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_peak_rss_child, args=(side, str(corpus_path), queue))
    proc.start()
    value = queue.get()
    proc.join()
    return value


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    from redaction.evaluation import evaluate, read_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-rss", action="store_true", help="skip the peak-RSS child processes")
    parser.add_argument("--same-pipeline", action="store_true",
                        help="also time Plume with the full spaCy pipeline (parser enabled)")
    args = parser.parse_args()
    corpus = read_corpus(args.corpus)
    texts = [doc["text"] for doc in corpus]

    engines, load_s = {}, {}
    for name, cls in SIDES.items():
        started = time.perf_counter()
        engines[name] = cls()
        load_s[name] = time.perf_counter() - started
    if args.same_pipeline:
        engines["plume_full"] = Plume(full_pipeline=True)

    quality = {name: evaluate(engine.spans, corpus) for name, engine in engines.items()}  # warm-up too
    assert "plume_full" not in quality or quality["plume_full"].as_dict() == quality["plume"].as_dict(), \
        "the parser should not change Plume's findings"
    timings: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(args.rounds):
        for text in texts:
            for name, engine in engines.items():
                started = time.perf_counter()
                engine.spans(text)
                timings[name].append((time.perf_counter() - started) * 1000.0)
    rss = {name: (None if args.no_rss or name not in SIDES else peak_rss_mib(name, args.corpus))
           for name in engines}

    rows = {}
    for name in engines:
        q, t = quality[name], timings[name]
        rows[name] = {
            "leak_rate": q.leak_rate(), "checksum_leaks": q.checksum_leaks(),
            "keep_damage": q.keep_damage(), "fp_per_100_docs": q.fp_per_100(),
            "p50_ms": statistics.median(t), "p95_ms": percentile(t, 0.95),
            "docs_per_s": 1000.0 * len(t) / sum(t), "peak_rss_mib": rss[name],
            "load_s": load_s.get(name),
        }
    print(f"corpus: {args.corpus} ({len(corpus)} documents, {args.rounds} timed rounds, "
          f"interleaved, after 1 warm-up round)")
    header = f"{'':<18}{'baseline':>12}{'plume':>12}{'ratio':>9}"
    print(header)
    for key, fmt in (("leak_rate", "{:.2%}"), ("checksum_leaks", "{:d}"), ("keep_damage", "{:.2%}"),
                     ("fp_per_100_docs", "{:.2f}"), ("p50_ms", "{:.2f}"), ("p95_ms", "{:.2f}"),
                     ("docs_per_s", "{:.1f}"), ("peak_rss_mib", "{:.0f}"), ("load_s", "{:.1f}")):
        b, p = rows["baseline"][key], rows["plume"][key]
        if b is None:
            continue
        ratio = f"{p / b:.2f}" if b else "-"
        print(f"{key:<18}{fmt.format(b):>12}{fmt.format(p):>12}{ratio:>9}")
    if "plume_full" in rows:
        full = rows["plume_full"]
        print(f"plume with the full spaCy pipeline (parser on): p50 {full['p50_ms']:.2f} ms "
              f"(ratio {full['p50_ms'] / rows['baseline']['p50_ms']:.2f}), "
              f"p95 {full['p95_ms']:.2f} ms (ratio {full['p95_ms'] / rows['baseline']['p95_ms']:.2f})")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
