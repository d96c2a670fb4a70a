"""French context enhancement for Presidio.

Presidio's ``LemmaContextAwareEnhancer`` compares English-style lemmas, skips stop words and
matches context words as raw substrings. ``FrenchContextEnhancer`` keeps its scoring (score +
``context_similarity_factor``, at least ``min_score_with_context_similarity``) but:

* folds case and accents on both sides ("Sécurité", "securite" and "SÉCU" all match "secu");
* matches a context word as the *prefix* of a word, its lemma or a hyphen/apostrophe part of it
  ("immatricul" matches "immatriculée"; "caf" does not match "bancaf");
* looks at the ``context_prefix_count`` words before and ``context_suffix_count`` after the
  match, stopping at a sentence end (. ! ? or a blank line), punctuation not counted.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import List

import regex
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.normalize import fold
from redaction.recognizers.base import CONTEXT_BOOST, SCORE_THRESHOLD

_PARTS = regex.compile(r"[\w]+")
_SENTENCE_END = frozenset({".", "!", "?", "\n\n"})


class FrenchContextEnhancer(LemmaContextAwareEnhancer):
    def __init__(self, context_similarity_factor: float = CONTEXT_BOOST,
                 min_score_with_context_similarity: float = SCORE_THRESHOLD,
                 context_prefix_count: int = 8, context_suffix_count: int = 5) -> None:
        super().__init__(context_similarity_factor=context_similarity_factor,
                         min_score_with_context_similarity=min_score_with_context_similarity,
                         context_prefix_count=context_prefix_count,
                         context_suffix_count=context_suffix_count)

    def _extract_surrounding_words(self, nlp_artifacts: NlpArtifacts, word: str, start: int) -> List[str]:
        doc = nlp_artifacts.tokens
        if doc is None or len(doc) == 0:
            return []
        end = start + len(word)
        starts = nlp_artifacts.tokens_indices
        first = bisect_right(starts, start) - 1  # token holding ``start`` (or the one before it)
        if first >= 0 and doc[first].idx + len(doc[first].text) <= start:
            first += 1
        first = max(first, 0)
        last = bisect_left(starts, end)  # first token starting at or after ``end``
        words: list[str] = []
        self._collect(doc, range(first - 1, -1, -1), self.context_prefix_count, words)
        self._collect(doc, range(last, len(doc)), self.context_suffix_count, words)
        return words

    @staticmethod
    def _collect(doc, indices, count: int, words: list[str]) -> None:
        taken = 0
        for i in indices:
            token = doc[i]
            text = token.text.strip()
            if text in _SENTENCE_END or token.text.count("\n") > 1:
                return
            if not text or token.is_punct:
                continue
            for form in {fold(text), fold(token.lemma_)}:
                words.append(form)
                words.extend(_PARTS.findall(form))
            taken += 1
            if taken >= count:
                return

    @staticmethod
    def _find_supportive_word_in_context(context_list: List[str], recognizer_context_list: List[str],
                                         matching_mode: str = "substring") -> str:
        for context_word in recognizer_context_list or []:
            folded = fold(context_word)
            if any(w.startswith(folded) for w in context_list):
                return context_word
        return ""
