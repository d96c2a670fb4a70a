"""``plume redact`` I/O (DESIGN §3.1).

``redact_plain``: all of stdin is one text; the redacted text is printed.
``redact_jsonl``: one JSON object ``{"id", "text"}`` per line in; one line out per line in, same
order: ``{"id", "redacted", "spans": [{"start", "end", "entity_type", "placeholder", "score"}]}``
(offsets: code points into the input text, end exclusive). A bad line (not JSON, not an object,
``text`` not a string) gets ``{"id", "error"}`` (id null when unknown) and the run goes on.
Blank lines are skipped. The mapping (real values) is never written.
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
    for line in stdin:
        if not line.strip():
            continue
        stdout.write(json.dumps(_one(redactor, line), ensure_ascii=False) + "\n")
        stdout.flush()


def _one(redactor: Redactor, line: str) -> dict:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"invalid JSON: {exc.msg}"}
    if not isinstance(item, dict):
        return {"id": None, "error": "expected a JSON object"}
    item_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        return {"id": item_id, "error": "missing or non-string 'text'"}
    redaction = redactor.redact(text)
    return {
        "id": item_id,
        "redacted": redaction.text,
        "spans": [{"start": s.start, "end": s.end, "entity_type": s.entity_type,
                   "placeholder": s.placeholder, "score": s.score} for s in redaction.spans],
    }
