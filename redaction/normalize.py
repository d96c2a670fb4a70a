"""Normalise pasted text for recognition while keeping a map back to the original offsets.

What people paste: non-breaking and thin spaces, zero-width characters, soft hyphens, full-width
digits and letters, typographic apostrophes and dashes, Windows line ends. ``normalize(text)`` returns ``Normalized(text,
offsets)`` where ``offsets[i]`` is the index in the original text of normalised character ``i``
(plus a final sentinel equal to ``len(original)``), so a span ``[s, e)`` found in the normalised
text is ``[offsets[s], offsets[e - 1] + 1)`` in the original.

Each kept character maps to exactly one character (NFKC when it yields one code point), so
only removed characters (zero-width, soft hyphen) shift offsets.

``fold`` (case and accents) and ``compact`` (separators) give the forms values are compared under.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from common.text import fold  # noqa: F401  (re-exported: redaction folds with it)

_NON_ALNUM = regex.compile(r"[^0-9A-Za-z]")
# Characters that carry no text and are dropped.
_REMOVED = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
# One-to-one replacements NFKC does not do (or does differently).
_REPLACED = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u3000": " ",
    "\t": " ", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\u0085": "\n",
}


@dataclass(frozen=True)
class Normalized:
    text: str
    offsets: list[int]
    identity: bool

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` span (end > start) to original offsets."""
        if self.identity:
            return start, end
        return self.offsets[start], self.offsets[end - 1] + 1


def _map_char(ch: str) -> str:
    if ch in _REPLACED:
        return _REPLACED[ch]
    if ch.isascii():
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def normalize(text: str) -> Normalized:
    """Normalise ``text`` (see module docstring). Cost: one pass, O(len(text))."""
    if text.isascii() and not any(c in text for c in "\t\r`"):
        return Normalized(text, [], True)
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch in _REMOVED or (ch == "\r" and text[i + 1:i + 2] == "\n"):
            continue
        chars.append(_map_char(ch))
        offsets.append(i)
    offsets.append(len(text))
    out = "".join(chars)
    return Normalized(out, offsets, out == text)


def compact(value: str) -> str:
    """Drop every separator and upper-case: ``"2 06 02 2a 031"`` -> ``"206022A031"``."""
    return _NON_ALNUM.sub("", value).upper()
