"""Convert public annotated French corpora into Plume's evaluation format (DESIGN §4).

Usage::

    python bench/corpora/convert.py SOURCE SNAPSHOT [--out bench/corpora] [--copy-to DIR]

``SOURCE`` is one of :data:`SOURCES`; ``SNAPSHOT`` is the git directory that the search tool's
``fetch`` brought (e.g. ``/work/.mirror/aphp+eds-pseudo/repo``). Files are read at the pinned
commit with ``git show COMMIT:PATH``, so the output does not depend on the snapshot's HEAD.

Writes ``<source>.jsonl`` (every document), ``<source>-dev.jsonl`` and ``<source>-test.jsonl``
(deterministic split, see :func:`split_key`), one JSON object a line::

    {"id", "text", "pii": [{"start","end","label"}], "keep": [{"start","end","label"}]}

Offsets are Python code points, end exclusive. Every span is checked against the source's
surface form (``text[start:end]``) before it is written; a mismatch raises ``AssertionError``.
Prints per-label span counts as a Markdown table (for ``bench/corpora/README.md``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

MAX_CHARS = 8000  # longer documents are split by paragraph (see split_long)

# AP-HP eds-pseudo labels -> Plume coarse labels. None: not annotated for Plume (neither pii
# nor keep): a city or a lone postcode identifies no one by itself, and the source does not tell
# a patient's home town from any other city.
EDS_PII = {"NOM": "PERSON", "PRENOM": "PERSON", "TEL": "PHONE", "MAIL": "EMAIL", "SECU": "FR_NIR",
           "DATE_NAISSANCE": "DATE_OF_BIRTH", "ADRESSE": "ADDRESS", "ADDRESSE": "ADDRESS",
           "IPP": "FR_RECORD_ID", "NDA": "FR_RECORD_ID"}
EDS_KEEP = {"DATE": "DATE", "HOPITAL": "ORGANISATION"}
EDS_DROP = {"VILLE"}  # ZIP is handled by eds_spans (part of an address, or dropped)

INITIALS = re.compile(r"(?:[^\W\d_]{1,2}\.?[\s\-]*)*[^\W\d_]{1,2}\.")  # "P.", "T.-A.", "P-A.", "Ch."
POSTCODE_THEN_CITY = re.compile(r"^(.*?\b(?:\d{5}|\d{2} \d{3}|2[AB] ?\d{3}))\b[\s,\-–]+[^\d]+$")
ZIP_GAP = re.compile(r"[^\n]{0,40}")  # a postcode this close after a street address belongs to it


@dataclass
class Doc:
    id: str
    text: str
    pii: list[dict] = field(default_factory=list)
    keep: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        key = lambda s: (s["start"], s["end"])  # noqa: E731
        return {"id": self.id, "text": self.text, "pii": sorted(self.pii, key=key),
                "keep": sorted(self.keep, key=key)}


def git_show(snapshot: Path, commit: str, path: str) -> str:
    """Text of ``path`` at ``commit`` in the git directory ``snapshot`` (UTF-8)."""
    out = subprocess.run(["git", "--git-dir", str(snapshot), "show", f"{commit}:{path}"],
                         check=True, capture_output=True)
    return out.stdout.decode("utf-8")


def span(text: str, start: int, end: int, label: str, surface: str | None = None) -> dict:
    """A span trimmed of surrounding white space; asserts it matches the source's surface form."""
    if surface is not None:
        assert text[start:end] == surface, (start, end, text[start:end], surface)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    assert start < end, (start, end, label)
    return {"start": start, "end": end, "label": label}


# --- aphp/eds-pseudo ------------------------------------------------------------------------

def eds_spans(text: str, entities: list[dict]) -> tuple[list[dict], list[dict]]:
    """Map eds-pseudo entities ``{"start","end","label"}`` to (pii, keep) spans.

    * NOM / PRENOM -> PERSON, one span each; bare initials ("P.", "T.-A.") are dropped (the
      issue does not count them as leaks).
    * ADRESSE -> ADDRESS, cut after the postcode when the annotation runs on to the city.
    * ZIP -> ADDRESS when it is the first postcode after a street address, on the same line
      within 40 characters (merged with it when only separators stand between), else dropped.
    * DATE -> keep DATE, HOPITAL -> keep ORGANISATION, VILLE -> dropped.
    """
    pii, keep = [], []
    last_address: dict | None = None
    for ent in sorted(entities, key=lambda e: e["start"]):
        label, start, end = ent["label"], ent["start"], ent["end"]
        surface = text[start:end]
        if "text" in ent:
            assert ent["text"] == surface, (ent, surface)
        if label == "ZIP":
            if last_address and ZIP_GAP.fullmatch(text[last_address["end"]:start]):
                if re.fullmatch(r"[\s,\-–]*", text[last_address["end"]:start]):
                    last_address["end"] = span(text, start, end, "ADDRESS")["end"]
                else:
                    pii.append(span(text, start, end, "ADDRESS"))
                last_address = None  # one postcode per address
            continue
        if label in EDS_DROP:
            continue
        if label in EDS_KEEP:
            keep.append(span(text, start, end, EDS_KEEP[label]))
            assert text[keep[-1]["start"]:keep[-1]["end"]] == surface.strip(), (ent, surface)
            continue
        mapped = EDS_PII[label]  # KeyError on an unknown label: map it before converting
        if mapped == "PERSON" and INITIALS.fullmatch(surface.strip()):
            continue
        item = span(text, start, end, mapped)
        assert text[item["start"]:item["end"]] == surface.strip(), (ent, surface)
        if mapped == "ADDRESS":
            cut = POSTCODE_THEN_CITY.match(text[item["start"]:item["end"]])
            if cut:
                item["end"] = item["start"] + len(cut.group(1))
                assert surface.strip().startswith(text[item["start"]:item["end"]]), (ent, surface)
            last_address = item
        pii.append(item)
    return pii, keep


def eds_docs(lines: Iterable[str], prefix: str) -> Iterator[Doc]:
    """eds-pseudo JSON lines ``{"note_id","note_text","entities"}``; exact duplicate texts skipped."""
    seen: set[str] = set()
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        text = row["note_text"]
        if text in seen:
            continue
        seen.add(text)
        pii, keep = eds_spans(text, row["entities"])
        yield Doc(f"{prefix}-{row['note_id']}", text, pii, keep)


def read_eds_gen(snapshot: Path) -> Iterator[Doc]:
    yield from eds_docs(git_show(snapshot, EDS_GEN_COMMIT, "data/gen_dataset/train.jsonl").splitlines(),
                        "eds")


def read_eds_demo(snapshot: Path) -> Iterator[Doc]:
    lines: list[str] = []
    for part in ("train", "dev", "test"):
        lines += git_show(snapshot, EDS_DEMO_COMMIT, f"demo/public_small_{part}_data.jsonl").splitlines()
    yield from eds_docs(lines, "eds")


EDS_GEN_COMMIT = "1fa4bc9044ada4563609c562c289b1ad64200461"
EDS_DEMO_COMMIT = "8d61b0cb85639151b20420ba4e553e1004993c76"

SOURCES: dict[str, Callable[[Path], Iterator[Doc]]] = {
    "eds-pseudo-gen": read_eds_gen,
    "eds-pseudo-demo": read_eds_demo,
}


# --- common -----------------------------------------------------------------------------------

def split_long(doc: Doc) -> list[Doc]:
    """``doc`` itself, or its paragraphs grouped into chunks of at most MAX_CHARS, offsets shifted.

    A span crossing a chunk boundary cannot happen: chunks end at a blank line and spans never
    contain one (asserted).
    """
    if len(doc.text) <= MAX_CHARS:
        return [doc]
    bounds = [m.end() for m in re.finditer(r"\n\s*\n", doc.text)] + [len(doc.text)]
    cuts, prev = [0], 0
    for b in bounds:  # greedy: close a chunk at the last blank line that keeps it short enough
        if b - cuts[-1] > MAX_CHARS and prev > cuts[-1]:
            cuts.append(prev)
        prev = b
    cuts.append(len(doc.text))
    chunks = []
    for n, (lo, hi) in enumerate(zip(cuts, cuts[1:])):
        inside = lambda s: lo <= s["start"] and s["end"] <= hi  # noqa: E731
        for s in doc.pii + doc.keep:
            assert inside(s) or s["end"] <= lo or s["start"] >= hi, ("span across a chunk", s)
        if hi - lo > MAX_CHARS:
            continue  # one paragraph longer than MAX_CHARS: dropped
        text = doc.text[lo:hi]

        def shift(s: dict) -> dict:
            moved = {**s, "start": s["start"] - lo, "end": s["end"] - lo}
            assert text[moved["start"]:moved["end"]] == doc.text[s["start"]:s["end"]], (doc.id, s)
            return moved

        chunks.append(Doc(f"{doc.id}-p{n}", text, [shift(s) for s in doc.pii if inside(s)],
                          [shift(s) for s in doc.keep if inside(s)]))
    return chunks


def skeleton(doc: Doc) -> str:
    """The text with every annotated span replaced by its label: documents filled from one
    template share it, so they land on the same side of the split."""
    out, last = [], 0
    for s in sorted(doc.pii + doc.keep, key=lambda s: s["start"]):
        out += [doc.text[last:s["start"]], f"<{s['label']}>"]
        last = s["end"]
    out.append(doc.text[last:])
    return re.sub(r"\s+", " ", "".join(out)).strip().lower()


def split_key(doc: Doc) -> str:
    """'dev' or 'test': parity of the SHA-256 of the document's skeleton."""
    return "dev" if hashlib.sha256(skeleton(doc).encode()).digest()[0] % 2 == 0 else "test"


def check(doc: Doc) -> None:
    """Spans inside the text, non-empty, without surrounding space; pii never overlapping keep."""
    for s in doc.pii + doc.keep:
        assert 0 <= s["start"] < s["end"] <= len(doc.text), (doc.id, s)
        surface = doc.text[s["start"]:s["end"]]
        assert surface == surface.strip(), (doc.id, s)
    for p in doc.pii:
        for k in doc.keep:
            assert not (p["start"] < k["end"] and k["start"] < p["end"]), (doc.id, p, k)


def convert(name: str, snapshot: Path, out_dir: Path) -> dict[str, list[Doc]]:
    docs = []
    for doc in SOURCES[name](snapshot):
        for part in split_long(doc):
            check(part)
            docs.append(part)
    splits = {"": docs, "-dev": [d for d in docs if split_key(d) == "dev"],
              "-test": [d for d in docs if split_key(d) == "test"]}
    out_dir.mkdir(parents=True, exist_ok=True)
    for suffix, items in splits.items():
        with open(out_dir / f"{name}{suffix}.jsonl", "w", encoding="utf-8") as handle:
            for doc in items:
                handle.write(json.dumps(doc.as_json(), ensure_ascii=False) + "\n")
    return splits


def counts_table(splits: dict[str, list[Doc]]) -> str:
    rows = {}
    for suffix, docs in splits.items():
        c = Counter(("pii", s["label"]) for d in docs for s in d.pii)
        c.update(("keep", s["label"]) for d in docs for s in d.keep)
        c[("", "documents")] = len(docs)
        rows[suffix or "all"] = c
    keys = sorted(set().union(*rows.values()), key=lambda k: (k[0] != "", k))
    lines = ["| | " + " | ".join(rows) + " |", "|---" * (len(rows) + 1) + "|"]
    for kind, label in keys:
        name = f"{kind} {label}".strip()
        lines.append(f"| {name} | " + " | ".join(str(r[(kind, label)]) for r in rows.values()) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", choices=sorted(SOURCES))
    parser.add_argument("snapshot", type=Path, help="git directory brought by fetch")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--copy-to", type=Path, help="also copy the three files there")
    args = parser.parse_args()
    splits = convert(args.source, args.snapshot, args.out)
    if args.copy_to:
        args.copy_to.mkdir(parents=True, exist_ok=True)
        for suffix in splits:
            shutil.copy(args.out / f"{args.source}{suffix}.jsonl", args.copy_to)
    sys.stdout.write(counts_table(splits) + "\n")


if __name__ == "__main__":
    main()
