"""PERSON in text without useful capitals (all lower case, or ALL CAPS lowered): the words after
a strong cue ("je m'appelle …"), after a title or cue when one of them is a given name or no
ordinary French word (``redaction.lexicon``), before a signature's e-mail or phone, and a given
name with the word after it. Used by ``person.FrPersonRecognizer``.
"""

from __future__ import annotations

from typing import Optional

import regex

from redaction.lexicon import FrenchLexicon
from redaction.normalize import fold
from redaction.recognizers.person_lexicon import FIRST_NAMES, PARTICLES
from redaction.recognizers.person_shapes import CUE, ELISION, NAME_KIND, STOP, TITLE

_LOWER_WORD = regex.compile(r"(?<![\w'\-])\p{Ll}[\p{Ll}'\-]*\p{Ll}(?![\w\-])")
_ANY_WORD = regex.compile(r"[\p{L}'\-]+")
_CUED_LOWER = regex.compile(rf"(?:{TITLE}|{CUE})(?![\w'])[ ]*[,:;\-]?[ ]*(?=((?:\p{{Ll}}[\p{{Ll}}'\-]*)(?:[ ]+\p{{Ll}}[\p{{Ll}}'\-]*){{0,4}}))")
_LOWER_SIGNATURE = regex.compile(
    r"(?:^|[.!?]\s+|\n\s*)(\p{Ll}[\p{Ll}'\-]*(?:[ ]+\p{Ll}[\p{Ll}'\-]*){0,2})"
    r"(?=[ ]*[,;][ ]*\S+@|[ ]*[,;]?[ ]*(?:\+|00|0[1-9])[\d .]{8,}|[ ,;]*$)")
_STRONG_CUE = regex.compile(
    r"(?i:je m'appelle|je me nomme|mon nom est|nom" + NAME_KIND + r"?\s*:|pr[ée]noms?\s*:|"
    r"nom et pr[ée]nom\s*:|je soussign[ée]e?)\s*:?[ ]*"
    r"((?:[\p{L}'\-]+)(?:[ ]+[\p{L}'\-]+){0,3})"
)


class LowerCaseNames:
    """Finds names written in lower case; ``find(text, pos)`` -> ``[(start, end)]``, where
    ``pos`` maps a token's start offset to spaCy's part-of-speech tag (may be empty)."""

    def __init__(self, lexicon: FrenchLexicon) -> None:
        self.lexicon = lexicon

    def find(self, text: str, pos: dict[int, str]) -> list[tuple[int, int]]:
        """Names written without capitals (all lower case, or ALL CAPS lowered): after a strong
        cue ("je m'appelle …"); after a title or cue, when one of the words is not an ordinary
        French word or is a given name; a given name and the next word."""
        out = []
        for pattern, require_unusual in ((_STRONG_CUE, False), (_CUED_LOWER, True),
                                         (_LOWER_SIGNATURE, True)):
            for match in pattern.finditer(text):
                span = self._cued_words(match, pos, require_unusual)
                if span:
                    out.append(span)
        words = list(_LOWER_WORD.finditer(text))
        for i, word in enumerate(words[:-1]):
            nxt = words[i + 1]
            if fold(word.group()) in FIRST_NAMES and not self.lexicon.is_common(word.group()) \
                    and text[word.end():nxt.start()] == " " and fold(nxt.group()) not in STOP \
                    and not self._verb(nxt.group(), nxt.start(), pos):
                out.append((word.start(), nxt.end()))
        return out

    def _verb(self, word: str, start: int, pos: dict[int, str]) -> bool:
        """A verb or an adverb: by the lexicon, or by spaCy's tag for a word the lexicon knows
        (spaCy tags unknown lower-case surnames as verbs too often to be trusted alone)."""
        if self.lexicon.is_verb_or_adverb(word):
            return True
        return pos.get(start) in ("VERB", "AUX", "ADV") and self.lexicon.is_common(word)

    def _cued_words(self, match: regex.Match, pos: dict[int, str], require_unusual: bool = True
                    ) -> Optional[tuple[int, int]]:
        """The words after a cue up to a function word, particles allowed inside, verbs and
        adverbs trimmed at the end; kept when one of them is a given name or not an ordinary
        word (``require_unusual``; a strong cue such as "je m'appelle" needs no such proof)."""
        words = []
        for word in _ANY_WORD.finditer(match.group(1)):
            f = fold(word.group())
            if f in PARTICLES or f == "d'":
                words.append((word, True))
                continue
            if f in STOP or len(word.group()) < 2:
                break
            words.append((word, False))
        base = match.start(1)
        while words and (words[-1][1] or (
                self._verb(words[-1][0].group(), base + words[-1][0].start(), pos)
                and fold(words[-1][0].group()) not in FIRST_NAMES)):
            words.pop()
        while words and words[0][1] and len(words) > 1 and words[1][1] is False \
                and self._not_a_lower_name(words[1][0].group()):
            words.pop(0)
        if not any(not particle for _, particle in words):
            return None
        if require_unusual and not any(not particle and not self._not_a_lower_name(w.group())
                                       for w, particle in words):
            return None
        return match.start(1) + words[0][0].start(), match.start(1) + words[-1][0].end()

    def _not_a_lower_name(self, word: str) -> bool:
        f = fold(word)
        if f in FIRST_NAMES:
            return False
        if len(word) < 2 or f in PARTICLES or self.lexicon.is_common(word):
            return True
        parts = [p for p in ELISION.sub("", f).split("-") if p]
        return all(p in STOP or self.lexicon.is_common(p) for p in parts)
