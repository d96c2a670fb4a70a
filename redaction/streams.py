"""``plume redact`` I/O (DESIGN §3.1).

``redact_plain``: all of stdin is one text; the redacted text is printed.
``redact_jsonl``: one JSON object ``{"id", "text"}`` per line in; one line out per line in, same
order: ``{"id", "redacted", "spans": [{"start", "end", "entity_type", "placeholder", "score"}]}``
(offsets: code points into the input text, end exclusive). A bad line (not UTF-8, not JSON, not
an object, ``text`` missing or not a string) gets ``{"id", "error"}`` (id null when unknown; the
error is a French message for operators that starts with the 1-based input line number, e.g.
``"ligne 2 : JSON invalide (Invalid control character at: line 1 column 19)"``) and the run goes
on. Blank lines are skipped (but counted). The mapping (real values) is never written.
"""

from __future__ import annotations

import json
from typing import IO

from redaction.engine import Redactor


def redact_plain(stdin: IO[str], stdout: IO[str], config=None) -> None:
    redactor = Redactor(config)
    stdout.write(redactor.redact(stdin.read()).text)
    stdout.flush()


def redact_jsonl(stdin: IO[str], stdout: IO[str], config=None) -> None:
    redactor = Redactor(config)
    for number, line in enumerate(_lines(stdin), start=1):
        if isinstance(line, str) and not line.strip():
            continue
        stdout.write(json.dumps(_one(redactor, number, line), ensure_ascii=False) + "\n")
        stdout.flush()


def _lines(stdin: IO[str]):
    """Input lines as str, or the UnicodeDecodeError of a line that is not UTF-8 (read from the
    binary buffer when there is one, so one bad line does not end the run)."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        yield from stdin
        return
    for raw in buffer:
        try:
            yield raw.decode("utf-8").removeprefix("\ufeff")  # a BOM from Windows editors
        except UnicodeDecodeError as exc:
            yield exc


def _one(redactor: Redactor, number: int, line: str | UnicodeDecodeError) -> dict:
    where = f"ligne {number} :"
    if isinstance(line, UnicodeDecodeError):
        return {"id": None, "error": f"{where} texte non UTF-8 (octet {line.start + 1})"}
    try:
        item = json.loads(line.rstrip("\r\n"))  # positions stay within this one line
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"{where} JSON invalide ({exc.msg}: line {exc.lineno} "
                                     f"column {exc.colno})"}
    if not isinstance(item, dict):
        return {"id": None, "error": f"{where} un objet JSON {{\"id\", \"text\"}} est attendu"}
    item_id = item.get("id")
    text = item.get("text")
    if "text" not in item:
        return {"id": item_id, "error": f"{where} champ \"text\" manquant"}
    if not isinstance(text, str):
        return {"id": item_id, "error": f"{where} le champ \"text\" doit être une chaîne "
                                        f"(reçu : {_json_type(text)})"}
    redaction = redactor.redact(text)
    return {
        "id": item_id,
        "redacted": redaction.text,
        "spans": [{"start": s.start, "end": s.end, "entity_type": s.entity_type,
                   "placeholder": s.placeholder, "score": s.score} for s in redaction.spans],
    }


def _json_type(value) -> str:
    if value is None:
        return "null"
    return {bool: "booléen", int: "nombre", float: "nombre", list: "liste", dict: "objet"}.get(
        type(value), type(value).__name__)
