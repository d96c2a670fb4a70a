"""Score the redactor on an annotated corpus (``plume redact-eval FILE.jsonl``).

Corpus lines (DESIGN §4): ``{"id", "text", "pii": [{"start","end","label"}],
"keep": [{"start","end","label"}]}``. Scoring, per label:

* **leak rate** = leaked pii values / pii values. A value *leaks* when any letter or digit of
  its span is left uncovered by the union of redacted spans (whatever their type: the point is
  that the LLM does not see it). Spaces and punctuation do not count.
* **keep damage** = damaged keep spans / keep spans. A keep span is *damaged* when any
  redacted span overlaps it by one character or more.
* **false-positive spans per 100 documents**: redacted spans that overlap no pii span, per 100
  documents, reported per entity type of the redacted span (and overall).
* **type agreement** (informative): among pii values fully covered, the share whose covering
  span's entity type matches the label (labels are coarse: PHONE = PHONE_NUMBER, …).

Every document is scored, none is skipped; only counts are printed, never text.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LABEL_TO_ENTITY = {
    "PHONE": "PHONE_NUMBER", "EMAIL": "EMAIL_ADDRESS", "IBAN": "IBAN_CODE",
    "ADDRESS": "FR_ADDRESS", "PERSON": "PERSON", "CREDIT_CARD": "CREDIT_CARD",
    "IP": "IP_ADDRESS", "URL": "URL",
}
CHECKSUM_LABELS = {"FR_NIR", "FR_TAX_ID", "FR_SIRET", "FR_SIREN", "IBAN", "CREDIT_CARD"}


@dataclass
class Scores:
    documents: int = 0
    pii: Counter = field(default_factory=Counter)
    leaked: Counter = field(default_factory=Counter)
    typed: Counter = field(default_factory=Counter)
    keep: Counter = field(default_factory=Counter)
    damaged: Counter = field(default_factory=Counter)
    false_positives: Counter = field(default_factory=Counter)

    def leak_rate(self, label: str | None = None) -> float:
        total = self.pii[label] if label else sum(self.pii.values())
        leaked = self.leaked[label] if label else sum(self.leaked.values())
        return leaked / total if total else 0.0

    def keep_damage(self, label: str | None = None) -> float:
        total = self.keep[label] if label else sum(self.keep.values())
        damaged = self.damaged[label] if label else sum(self.damaged.values())
        return damaged / total if total else 0.0

    def fp_per_100(self, entity_type: str | None = None) -> float:
        count = self.false_positives[entity_type] if entity_type else sum(self.false_positives.values())
        return 100.0 * count / self.documents if self.documents else 0.0

    def checksum_leaks(self) -> int:
        return sum(self.leaked[label] for label in CHECKSUM_LABELS)

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "leak_rate": self.leak_rate(), "keep_damage": self.keep_damage(),
            "fp_per_100_docs": self.fp_per_100(), "checksum_leaks": self.checksum_leaks(),
            "per_label": {label: {"values": self.pii[label], "leaked": self.leaked[label],
                                  "leak_rate": self.leak_rate(label),
                                  "type_agreement": (self.typed[label] / (self.pii[label] - self.leaked[label])
                                                     if self.pii[label] > self.leaked[label] else None)}
                          for label in sorted(self.pii)},
            "keep_per_label": {label: {"spans": self.keep[label], "damaged": self.damaged[label],
                                       "damage_rate": self.keep_damage(label)} for label in sorted(self.keep)},
            "fp_per_entity_type": {t: self.fp_per_100(t) for t in sorted(self.false_positives)},
        }


def score_document(scores: Scores, doc: dict, spans: list[tuple[int, int, str]]) -> None:
    """Add one document: ``spans`` are (start, end, entity_type) of what the redactor masked."""
    text = doc["text"]
    covered = bytearray(len(text))
    for start, end, _ in spans:
        covered[start:end] = b"\x01" * (end - start)
    scores.documents += 1
    for item in doc.get("pii", []):
        label, start, end = item["label"], item["start"], item["end"]
        scores.pii[label] += 1
        if any(text[i].isalnum() and not covered[i] for i in range(start, end)):
            scores.leaked[label] += 1
            continue
        expected = LABEL_TO_ENTITY.get(label, label)
        if any(t == expected and s < end and start < e for s, e, t in spans):
            scores.typed[label] += 1
    for item in doc.get("keep", []):
        scores.keep[item["label"]] += 1
        if any(s < item["end"] and item["start"] < e for s, e, _ in spans):
            scores.damaged[item["label"]] += 1
    for start, end, entity_type in spans:
        if not any(p["start"] < end and start < p["end"] for p in doc.get("pii", [])):
            scores.false_positives[entity_type] += 1


def read_corpus(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(redact, corpus: list[dict]) -> Scores:
    """Score ``redact(text) -> [(start, end, entity_type)]`` on ``corpus``."""
    scores = Scores()
    for doc in corpus:
        score_document(scores, doc, redact(doc["text"]))
    return scores


def format_report(scores: Scores) -> str:
    lines = [f"documents: {scores.documents}",
             f"{'label':<24}{'values':>8}{'leaked':>8}{'leak rate':>11}{'typed':>8}"]
    for label in sorted(scores.pii):
        ok = scores.pii[label] - scores.leaked[label]
        typed = f"{scores.typed[label] / ok:.0%}" if ok else "-"
        lines.append(f"{label:<24}{scores.pii[label]:>8}{scores.leaked[label]:>8}"
                     f"{scores.leak_rate(label):>10.2%}{typed:>8}")
    lines.append(f"{'ALL':<24}{sum(scores.pii.values()):>8}{sum(scores.leaked.values()):>8}"
                 f"{scores.leak_rate():>10.2%}")
    lines.append(f"checksum-bearing identifiers leaked: {scores.checksum_leaks()}")
    lines.append("")
    lines.append(f"{'keep label':<24}{'spans':>8}{'damaged':>9}{'rate':>9}")
    for label in sorted(scores.keep):
        lines.append(f"{label:<24}{scores.keep[label]:>8}{scores.damaged[label]:>9}"
                     f"{scores.keep_damage(label):>8.2%}")
    lines.append(f"{'ALL':<24}{sum(scores.keep.values()):>8}{sum(scores.damaged.values()):>9}"
                 f"{scores.keep_damage():>8.2%}")
    lines.append("")
    lines.append(f"false-positive spans per 100 documents: {scores.fp_per_100():.2f}")
    for entity_type in sorted(scores.false_positives):
        lines.append(f"  {entity_type:<22}{scores.fp_per_100(entity_type):>8.2f}")
    return "\n".join(lines)


def run_eval_command(path: Path, config=None) -> None:
    """``plume redact-eval``: print the report for the corpus at ``path``."""
    from redaction.engine import Redactor

    corpus = read_corpus(path)
    redactor = Redactor(config)

    def redact(text: str) -> list[tuple[int, int, str]]:
        return [(s.start, s.end, s.entity_type) for s in redactor.redact(text).spans]

    sys.stdout.write(format_report(evaluate(redact, corpus)) + "\n")
