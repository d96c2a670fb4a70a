"""Shared pieces of Plume's French recognizers: separators, score scale, the base class.

Every recognizer is a Presidio ``PatternRecognizer`` for language ``fr`` with scored
``PATTERNS``, French ``CONTEXT`` words (matched accent- and case-insensitively, as word
prefixes, by ``redaction.context.FrenchContextEnhancer``) and, where the identifier has one, a
checksum in ``validate_result``. Scores follow one scale, with the analyzer threshold
``SCORE_THRESHOLD``:

* a checksum-valid value scores 1.0 (Presidio's rule for ``validate_result() is True``);
* a distinctive shape scores >= the threshold and is masked without context;
* a shape that ordinary numbers share scores below it and needs a context word
  (the enhancer adds ``CONTEXT_BOOST``).
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

SCORE_THRESHOLD = 0.4
CONTEXT_BOOST = 0.35

# Separators people put inside numbers: spaces (any kind, normalised), line breaks, dots,
# hyphens, slashes, vertical bars and underscores (tables, forms); at most three in a row
# (e.g. "072 - 55", "1 | 85").
SEP = r"[ \n.\-/|_]{0,3}"
# Digit boundaries: not glued to another letter or digit.
NB = r"(?<![\w])"
NA = r"(?![\w])"

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE
CASE_INSENSITIVE = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


def digits_spaced(count: int) -> str:
    """``count`` digits with optional separators between them (exact count, so no over-run)."""
    return r"\d" + rf"(?:{SEP}\d)" + "{" + str(count - 1) + "}"


class FrPatternRecognizer(PatternRecognizer):
    """Base class: language ``fr``, class-level ``ENTITY``, ``PATTERNS``, ``CONTEXT``, ``FLAGS``."""

    ENTITY: str = ""
    PATTERNS: list[Pattern] = []
    CONTEXT: list[str] = []
    FLAGS: int = CASE_INSENSITIVE

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            supported_language="fr",
            patterns=[Pattern(p.name, p.regex, p.score) for p in self.PATTERNS],
            context=self.CONTEXT,
            global_regex_flags=self.FLAGS,
        )
        for pattern in self.patterns:  # compile now: no lazy compilation under concurrency
            pattern.compiled_regex = regex.compile(pattern.regex, flags=self.FLAGS)
            pattern.compiled_with_flags = self.FLAGS
