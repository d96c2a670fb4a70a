"""Similarity threshold for offering a validated answer: precision and recall per threshold.

Reads ``bench/validated_pairs.jsonl`` (synthetic, placeholder form): ``library`` rows are
validated questions; ``probe`` rows are new questions with the library id that answers them
(``match``), or null when none does (same domain, another need). For each probe the best library
entry is taken; an offer is made when its similarity reaches the threshold. Precision: offers
that are the right entry; recall: probes with a match that got it. F0.5 weighs precision twice.
Dice, Jaccard and the overlap coefficient are scored on the same stems (storage.answers).

Then the real path: the library in a SQLite database (FTS5 candidates, then the similarity) must
give the same offers as the exhaustive scan, and its latency on a library grown to ``--size``
rows is printed against that exhaustive scan (all rows' stems compared in Python), same run.

    .venv/bin/python bench/validated_bench.py [--size 5000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlmodel import select

from storage import library as lib
from storage.answers import MIN_SIMILARITY, search_stems, similarity
from storage.db import Database
from storage.models import Question, ValidatedAnswer

DATA = Path(__file__).with_name("validated_pairs.jsonl")


def dice(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def overlap(a: set, b: set) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def score(measure, library, probes, threshold: float) -> tuple[float, float, float]:
    offered = right = expected = 0
    for probe in probes:
        best_id, best = max(((lid, measure(probe["stems"], stems)) for lid, stems in library.items()),
                            key=lambda x: x[1])
        expected += probe["match"] is not None
        if best >= threshold:
            offered += 1
            right += best_id == probe["match"]
    precision = right / offered if offered else 1.0
    recall = right / expected if expected else 1.0
    f05 = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
    return precision, recall, f05


def _fill(db: Database, texts: list[tuple[str, str]]) -> dict[str, int]:
    """Library rows for (label, question) pairs; returns label -> validated_answer id."""
    ids = {}
    with db.session(immediate=True) as s:
        for label, text in texts:
            q = Question(id=uuid.uuid4().hex, event_id=f"${uuid.uuid4().hex}", room_id="!bench",
                         agent="@bench", team="bench", redacted_text=text, entity_counts={})
            s.add(q)
            s.flush()
            lib.add(s, q, kind="approved", answer=label, is_sqlite=db.is_sqlite)
        for row in s.exec(select(ValidatedAnswer)):
            ids[row.answer_text] = row.id
    return ids


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples):.2f} ms, p95 {sorted(samples)[int(0.95 * len(samples)) - 1]:.2f} ms"


def through_the_store(rows: list[dict], probes: list[dict], size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        db.migrate()
        library = [(r["id"], r["text"]) for r in rows if r["kind"] == "library"]
        _fill(db, library)
        agree = 0
        for p in probes:
            with db.session() as s:
                found = lib.best_match(s, team="bench", agent="@b", question_text=p["text"], is_sqlite=True)
            agree += (found.text if found else None) == p["offer"]
        print(f"\nthrough the store (SQLite FTS5 candidates, then Dice >= {MIN_SIMILARITY}): "
              f"{agree}/{len(probes)} probes get the same offer as the exhaustive scan")
        # grow the library with shuffled-word variants of the questions, then time both paths
        rng = random.Random(10)
        filler = []
        for n in range(size - len(library)):
            words = rng.choice(library)[1].split()
            rng.shuffle(words)
            filler.append((f"F{n}", " ".join(words[: max(4, len(words) // 2)])))
        _fill(db, filler)
        with db.session() as s:
            all_stems = [r.search_text for r in s.exec(select(ValidatedAnswer))]
        store_ms, scan_ms = [], []
        for p in probes * 3:
            t0 = time.perf_counter()
            with db.session() as s:
                lib.best_match(s, team="bench", agent="@b", question_text=p["text"], is_sqlite=True)
            store_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            stems = search_stems(p["text"])
            max((similarity(stems, other) for other in all_stems), default=0)
            scan_ms.append((time.perf_counter() - t0) * 1000)
        print(f"library of {len(all_stems)} answers: store {_ms(store_ms)}; exhaustive scan of "
              f"pre-computed stems {_ms(scan_ms)}; ratio {statistics.median(scan_ms) / statistics.median(store_ms):.1f}x")
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000, help="library rows for the latency run")
    size = parser.parse_args().size
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    library = {r["id"]: set(search_stems(r["text"]).split()) for r in rows if r["kind"] == "library"}
    probes = [{**r, "stems": set(search_stems(r["text"]).split())} for r in rows if r["kind"] == "probe"]
    print(f"library {len(library)} questions, probes {len(probes)} "
          f"({sum(p['match'] is not None for p in probes)} with a match)")
    for name, measure in (("dice", dice), ("jaccard", jaccard), ("overlap", overlap)):
        print(f"\n{name:8s} threshold  precision  recall  F0.5")
        best = max((score(measure, library, probes, t / 100) + (t / 100,) for t in range(10, 95, 5)),
                   key=lambda x: (x[2], x[0]))
        for t in range(20, 90, 5):
            p, r, f = score(measure, library, probes, t / 100)
            mark = " <- chosen" if name == "dice" and abs(t / 100 - MIN_SIMILARITY) < 1e-9 else ""
            print(f"{'':8s} {t / 100:9.2f}  {p:9.2f}  {r:6.2f}  {f:4.2f}{mark}")
        print(f"{'':8s} best F0.5 {best[2]:.2f} at {best[3]:.2f} (precision {best[0]:.2f}, recall {best[1]:.2f})")
    for p in probes:  # what the exhaustive scan offers at the chosen threshold
        best_id, best = max(((lid, dice(p["stems"], st)) for lid, st in library.items()), key=lambda x: x[1])
        p["offer"] = best_id if best >= MIN_SIMILARITY else None
    through_the_store(rows, probes, size)


if __name__ == "__main__":
    main()
