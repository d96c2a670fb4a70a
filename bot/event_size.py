"""Fitting messages into the homeserver's event size limit.

A Matrix event may not exceed 65,536 bytes as canonical JSON (Synapse refuses larger ones with
``M_TOO_LARGE``; spec: "Size limits"). In an encrypted room the content travels as the Megolm
ciphertext of its ASCII-escaped JSON (matrix-nio's ``Api.to_json``), in unpadded base64 (4/3 of
its size), inside an envelope with sender key, session id, hashes and signatures. So the content's
ASCII JSON is bounded by ``MAX_CONTENT_BYTES``, which keeps the encrypted event near 54 KB,
with room for the envelope; a clear-text event is smaller still.

``notice_parts(content, label)`` is a notice as it is when it fits, else as numbered plain-text
parts (``label(number, count)`` as first line) keeping its other keys (msgtype, relation).
``split_text(text, budget)`` cuts a text into chunks whose JSON-escaped size stays within
``budget`` bytes: at line ends, else at a space, else anywhere. The chunks joined with "\\n"
(for the ones cut at line ends) or "" give the text back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

MAX_EVENT_BYTES = 65_536
MAX_CONTENT_BYTES = 40_000
PART_MARGIN = 1_000  # bytes of a part's content besides its text: label, msgtype, relation


def json_size(value: Any) -> int:
    """Bytes of ``value`` as compact ASCII-escaped JSON (what nio encrypts)."""
    return len(json.dumps(value, separators=(",", ":")))


def fits(content: dict[str, Any]) -> bool:
    return json_size(content) <= MAX_CONTENT_BYTES


def _cost(text: str) -> int:
    return json_size(text) - 2  # without the quotes


def _cut_line(line: str, budget: int) -> list[str]:
    """A line too long for ``budget``, cut at spaces when possible (the space starts the next
    piece, so the pieces joined with "" give the line back)."""
    pieces: list[str] = []
    while _cost(line) > budget:
        low, high = 1, min(len(line), budget)  # the longest prefix within budget: binary search
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if _cost(line[:mid]) <= budget else (low, mid - 1)
        space = line.rfind(" ", 1, low)
        end = space if space > low // 2 else low
        pieces.append(line[:end])
        line = line[end:]
    pieces.append(line)
    return pieces


def split_text(text: str, budget: int) -> list[str]:
    """Chunks of ``text``, each within ``budget`` bytes of JSON-escaped text (``budget`` >= 16).

    Whole lines go together while they fit ("\\n" between them); a line longer than the budget
    is cut at a space (or anywhere) into chunks of its own.
    """
    if budget < 16:
        raise ValueError("budget too small")
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        cost = _cost(line)
        if current and size + 2 + cost <= budget:
            current.append(line)
            size += 2 + cost
            continue
        if current:
            chunks.append("\n".join(current))
        if cost <= budget:
            current, size = [line], cost
        else:
            *whole, last = _cut_line(line, budget)
            chunks.extend(whole)
            current, size = [last], _cost(last)
    chunks.append("\n".join(current))
    return chunks


def notice_parts(content: dict[str, Any], label: Callable[[int, int], str]) -> list[dict[str, Any]]:
    """``[content]`` when it fits; else its body in numbered parts, in order, without the HTML
    (``format``/``formatted_body``), each with the other keys of ``content``."""
    if fits(content):
        return [content]
    rest = {k: v for k, v in content.items() if k not in ("body", "format", "formatted_body")}
    chunks = split_text(content["body"], MAX_CONTENT_BYTES - PART_MARGIN)
    return [{**rest, "body": f"{label(n, len(chunks))}\n{chunk}"}
            for n, chunk in enumerate(chunks, 1)]
