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
from presidio_analyzer import AnalysisExplanation, Pattern, PatternRecognizer, RecognizerResult

SCORE_THRESHOLD = 0.4
CONTEXT_BOOST = 0.35

# Separators people put inside numbers: spaces (any kind, normalised), line breaks, dots,
# hyphens, slashes, vertical bars and underscores (tables, forms); at most three in a row
# (e.g. "072 - 55", "1 | 85").
SEP = r"[ \n.\-/|_]{0,3}"
_GROUPS = regex.compile(r"([0-9A-Za-z]+)([^0-9A-Za-z]*)")
# Digit boundaries: not glued to another letter or digit.
NB = r"(?<![\w])"
NA = r"(?![\w])"
# Numbers written digit by digit with one space ("1 8 5 0 3 …"); several of them side by side are
# told apart by the wider gap between them ("1 0 1 2 2 0 2 1  2 9 3 1 …").
NB_SPACED = r"(?<![\w]|(?<![\w])\d )"
NA_SPACED = r"(?![\w]| \d(?![\w]))"


def digits_one_by_one(count: int) -> str:
    """Exactly ``count`` digits, one space between each, not inside a longer such run."""
    return NB_SPACED + r"\d" + "(?: \\d){" + str(count - 1) + "}" + NA_SPACED

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE
CASE_INSENSITIVE = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


def digits_spaced(count: int) -> str:
    """``count`` digits with optional separators between them (exact count, so no over-run)."""
    return r"\d" + rf"(?:{SEP}\d)" + "{" + str(count - 1) + "}"


def one_separator(value: str, tail: int = 0, alternating: bool = False) -> bool:
    """True when the separators inside the number ``value`` are all of one kind: "06 12 34 56 78",
    "1.85.03…", "1 8 5 0 3…", but not "03-1999 06-04" (two numbers side by side). The last
    ``tail`` separators may differ (a NIR's key: "… 584 - 31"). A separator's kind is its
    non-space characters, or its spaces ("1 0 1  2 9": one space, then two, is two numbers). A
    line break between groups of two characters or more is a wrapped line, of the kind of a
    space ("1 85 05 78⏎006 084 91"); next to a single digit it ends the number. With
    ``alternating``, digits written one by one may alternate two kinds ("0 1 - 4 2 - 5 3 …",
    "0 7 . 0 1 . 1 5 …")."""
    groups = [(m.group(1), m.group(2)) for m in _GROUPS.finditer(value) if m.group(1)]
    kinds = []
    for (group, sep), (after, _) in zip(groups, groups[1:]):
        if "\n" in sep:
            kinds.append(" " if len(group) > 1 and len(after) > 1 and not sep.strip() else "\n")
        else:
            kinds.append(sep.strip() or sep)
    body = kinds[:len(kinds) - tail] if tail else kinds
    if len(set(body)) <= 1:
        return True
    return alternating and len(set(body)) == 2 and all(len(g) == 1 for g, _ in groups) \
        and all(k == body[i % 2] for i, k in enumerate(body))


_SPACED_BEFORE = regex.compile(r"(?<![\w])\d $")
_SPACED_AFTER = regex.compile(r" \d(?![\w])")
_FIRST_SINGLE = regex.compile(r"\d(?!\w)")
_LAST_SINGLE = regex.compile(r"(?<![\w])\d$")


def inside_spaced_run(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` starts or ends with a lone digit of a run written digit by
    digit ("1 8 5 0 3 …") that goes on before or after it: a piece of a longer number."""
    value = text[start:end]
    return bool((_FIRST_SINGLE.match(value) and _SPACED_BEFORE.search(text, max(0, start - 3), start))
                or (_LAST_SINGLE.search(value) and _SPACED_AFTER.match(text, end)))


class _Overlapped:
    """A compiled pattern whose ``finditer`` tries every start position (``regex``'s
    ``overlapped=True``), as Presidio's pattern loop calls it."""

    def __init__(self, compiled) -> None:
        self._compiled = compiled

    def finditer(self, text: str, **kwargs):
        return self._compiled.finditer(text, overlapped=True, **kwargs)


class FrPatternRecognizer(PatternRecognizer):
    """Base class: language ``fr``, class-level ``ENTITY``, ``PATTERNS``, ``CONTEXT``, ``FLAGS``.

    ``OVERLAPPED``: try a match at every start position, so that a candidate that
    ``validate_result`` rejects ("16 188 11 32 …", a date then a NIR) does not hide a valid one
    starting inside it. Matches written digit by digit that are pieces of a longer such run are
    dropped (``inside_spaced_run``).
    """

    ENTITY: str = ""
    PATTERNS: list[Pattern] = []
    CONTEXT: list[str] = []
    FLAGS: int = CASE_INSENSITIVE
    OVERLAPPED: bool = False

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
            compiled = regex.compile(pattern.regex, flags=self.FLAGS)
            pattern.compiled_regex = _Overlapped(compiled) if self.OVERLAPPED else compiled
            pattern.compiled_with_flags = self.FLAGS

    def piece_result(self, start: int, end: int, score: float) -> RecognizerResult:
        """A result found outside PATTERNS (e.g. a piece of a digit run), explained as such."""
        explanation = AnalysisExplanation(self.name, score, textual_explanation="digit run piece")
        return RecognizerResult(self.ENTITY, start, end, score, explanation, recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        """Presidio's pattern matching, without pieces of numbers written digit by digit."""
        return [r for r in super().analyze(text, entities, nlp_artifacts, regex_flags)
                if not inside_spaced_run(text, r.start, r.end)]
