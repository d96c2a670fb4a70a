"""``plume sources import`` and ``plume sources --jsonl`` (DESIGN §3.1), given a KnowledgeBase.

    import_command(open_kb, path, audiences) -> exit code
        reads PATH (knowledge.reader), then calls ``open_kb()`` (once PATH proved readable, so that a
        typo neither creates a database nor loads a model) and replaces its index atomically; shows a progress bar on
        stderr (rich; only on a terminal) and prints the counts. 1 with a French message on an
        unreadable PATH or one without fiches (the previous version stays).
    search_jsonl(stdin, stdout, kb, k) -> exit code 0
        one JSON object ``{"id", "text"}`` per line in; one line out per non-blank line in, same
        order: ``{"id", "sources": [{"id", "title", "url", "date", "score"}]}`` best first. A bad
        line (not UTF-8, not JSON, not an object, ``text`` missing or not a string) gets
        ``{"id", "error"}``, the error a French message starting with the 1-based line number, and
        the run goes on.
"""

from __future__ import annotations

import json
import sys
from itertools import chain
from pathlib import Path
from typing import IO, Callable, Iterable

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from knowledge.index import KnowledgeBase
from knowledge.reader import ReadStats, SourceError, read_fiches


def import_command(open_kb: Callable[[], KnowledgeBase], path: Path,
                   audiences: Iterable[str] = ("particuliers",)) -> int:
    console = Console(stderr=True)
    stats = ReadStats()
    columns = (TextColumn("Import des fiches"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task("import", total=None)
            fiches = read_fiches(path, audiences, lambda done, total: bar.update(task, completed=done,
                                                                                   total=total), stats)
            first = next(fiches)
            counts = open_kb().replace(chain([first], fiches))
    except SourceError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    print(f"{counts.fiches} fiches importées ({counts.passages} passages, {counts.links} liens) en {counts.seconds:.1f} s ; ignorées : {stats.skipped} illisibles, "
          f"{stats.other_audience} d'une autre audience")
    return 0


def search_jsonl(stdin: IO[str], stdout: IO[str], kb: KnowledgeBase, k: int = 5) -> int:
    for number, line in enumerate(_lines(stdin), start=1):
        if isinstance(line, str) and not line.strip():
            continue
        stdout.write(json.dumps(_one(kb, k, number, line), ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def _lines(stdin: IO[str]):
    buffer = getattr(stdin, "buffer", None)
    for raw in buffer if buffer is not None else stdin:
        if isinstance(raw, str):
            yield raw
            continue
        try:
            yield raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            yield exc


def _one(kb: KnowledgeBase, k: int, number: int, line) -> dict:
    where = f"ligne {number} :"
    if isinstance(line, UnicodeDecodeError):
        return {"id": None, "error": f"{where} texte non UTF-8 (octet {line.start + 1})"}
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"{where} JSON invalide ({exc.msg})"}
    if not isinstance(item, dict):
        return {"id": None, "error": f"{where} un objet JSON {{\"id\", \"text\"}} est attendu"}
    if not isinstance(item.get("text"), str):
        missing = "manquant" if "text" not in item else "qui doit être une chaîne"
        return {"id": item.get("id"), "error": f"{where} champ \"text\" {missing}"}
    return {"id": item.get("id"), "sources": [hit.as_json() for hit in kb.search(item["text"], k)]}
