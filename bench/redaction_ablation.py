"""What each rule family of issue 8 adds: leak rate, keep damage and false positives per corpus,
with everything on, then with one family switched off at a time (same Redactor, same run).

Usage: ``.venv/bin/python bench/redaction_ablation.py [CORPUS.jsonl ...]``
(default: the two in-repo corpora in other styles, ``tests/redaction_heldout_data.py`` and
``tests/redaction_generated_data.py``, then every ``/work/corpora/*-dev.jsonl`` or
``bench/corpora/*-dev.jsonl`` that exists). Only counts are printed, never text.

A family is switched off by taking its recognizer out of the analyzer's registry or by
replacing one function with a no-op (``unittest.mock.patch``); nothing else changes.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _without_recognizers(*names: str):
    @contextmanager
    def switch(redactor):
        registry = redactor._analyzer.registry
        kept = registry.recognizers
        registry.recognizers = [r for r in kept if type(r).__name__ not in names]
        try:
            yield
        finally:
            registry.recognizers = kept
    return switch


def _patched(*targets: tuple[str, str, object]):
    @contextmanager
    def switch(redactor):
        with ExitStack() as stack:
            for module, name, value in targets:
                stack.enter_context(mock.patch(f"{module}.{name}", value))
            yield
    return switch


_NO_PIECES = lambda text: []  # noqa: E731
FAMILIES = {
    "record layouts (names)": _without_recognizers("FrPersonRecordRecognizer"),
    "names grown over initials/words": _patched(("redaction.engine", "extend_names", lambda *a, **k: [])),
    "handles, e-mail-like strings": _without_recognizers("FrSocialHandleRecognizer"),
    "URL and IP": _without_recognizers("FrUrlRecognizer", "FrIpAddressRecognizer"),
    "file numbers (FR_RECORD_ID)": _without_recognizers("FrRecordIdRecognizer"),
    "NIR strict shape, no context": _patched(("redaction.recognizers.fr_nir", "strict_shape", lambda v: False)),
    "birth-plausible dates": _patched(
        ("redaction.recognizers.date_of_birth", "birth_plausible", lambda v: False),
        ("redaction.recognizers.person_records", "birth_plausible", lambda v: False)),
    "digit-run pieces": _patched(*((f"redaction.recognizers.{m}", "pieces", _NO_PIECES)
                                   for m in ("fr_nir", "phone", "date_of_birth"))),
    "phones of other countries": _patched(
        ("redaction.recognizers.phone.phonenumbers", "PhoneNumberMatcher", lambda *a, **k: iter(()))),
}


def default_corpora() -> dict[str, list[dict]]:
    from redaction.evaluation import read_corpus
    from tests.redaction_generated_data import generate
    from tests.redaction_heldout_data import CORPUS

    corpora = {"heldout (tests)": CORPUS, "generated (tests)": generate()}
    for folder in (Path("/work/corpora"), ROOT / "bench" / "corpora"):
        for path in sorted(folder.glob("*-dev.jsonl")):
            corpora.setdefault(path.stem, read_corpus(path))
    return corpora


def main() -> None:
    from redaction import Redactor
    from redaction.evaluation import evaluate, read_corpus

    corpora = ({Path(p).stem: read_corpus(Path(p)) for p in sys.argv[1:]} if sys.argv[1:]
               else default_corpora())
    redactor = Redactor()

    def spans(text: str):
        return [(s.start, s.end, s.entity_type) for s in redactor.redact(text).spans]

    def row(label: str) -> None:
        cells = []
        for docs in corpora.values():
            s = evaluate(spans, docs)
            cells.append(f"{s.leak_rate():6.2%} {s.keep_damage():6.2%} {s.fp_per_100():5.1f}")
        print(f"| {label:<40} | " + " | ".join(cells) + " |")

    print("cells: leak rate, keep damage, false-positive spans per 100 documents")
    print(f"| {'configuration':<40} | " + " | ".join(f"{name:<20}" for name in corpora) + " |")
    row("all rules")
    for name, switch in FAMILIES.items():
        with switch(redactor):
            row(f"without {name}")


if __name__ == "__main__":
    main()
