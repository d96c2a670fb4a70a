"""French text analysis shared by the index and the queries, so both sides match.

    words(text) -> list[str]     folded (lower case, no diacritics) alphanumeric words
    stems(text) -> list[str]     words without stop words, Snowball French stems (PyPI snowballstemmer)
    index_text(text) -> str      stems joined by spaces: what the SQLite FTS5 columns hold
    Query(text, correct=None, variants=None)   a citizen's question prepared for retrieval
                                 (``correct(word)``: the corpus word for a misspelt one, or None:
                                 Speller; ``variants(stem)``: corpus stems of its word family: Variants)
        .words     its content words (folded; names changed since 2020 replaced first, from
                   data/renamed.yaml: "France Travail" → "Pôle emploi"; stop words and bare
                   numbers, ages or amounts, out)
        .expanded  those words plus the expansions of data/synonyms.yaml (abbreviations, everyday
                   words → the fiches' wording: "chomage" → "allocation chomage", "pole emploi"…)
        .stems     the Snowball stems of ``words``, without repeats
        .extra_stems  the stems the expansions and word families add (searched apart, lower weight)

The caller removes placeholders (``[NOM_1]``…) before building a Query: knowledge does not know
the redaction grammar.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Callable, Mapping, Sequence

import snowballstemmer
import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from knowledge.fiches import fold

_WORD = re.compile(r"[a-z0-9]+")
_STEMMER = snowballstemmer.stemmer("french")


def _data(name: str) -> str:
    return resources.files("knowledge").joinpath("data", name).read_text(encoding="utf-8")


STOP_WORDS = frozenset(fold(w) for w in _data("stopwords.txt").split() if not w.startswith("#"))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a folded word. Folding loses the accent the stemmer reads in "-ée", so
    the feminine past participle is first brought back to the masculine ("salariee" → "salarie")."""
    if word.endswith("ees"):
        word = word[:-2]
    elif word.endswith("ee") and len(word) > 4:
        word = word[:-1]
    return _STEMMER.stemWord(word)


def _load_synonyms() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Keys as stem sequences (stop words kept), so "impôts" and "impot" both find "impot"."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, expansions in (yaml.safe_load(_data("synonyms.yaml")) or {}).items():
        table[tuple(stem(w) for w in words(str(key)))] = tuple(w for e in expansions for w in words(str(e)))
    return table


SYNONYMS = _load_synonyms()
_LONGEST = max((len(k) for k in SYNONYMS), default=1)
_KEY_STEMS = frozenset(s for key in SYNONYMS for s in key)  # never "corrected": "alloc" is no typo
RENAMED = {tuple(words(str(old))): words(str(new))
           for old, new in (yaml.safe_load(_data("renamed.yaml")) or {}).items()}


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def index_text(text: str) -> str:
    return " ".join(stems(text))


class Speller:
    """Spelling tolerance: a word the corpus never uses is replaced by the closest corpus word
    (Levenshtein distance 1, or 2 from 8 letters; PyPI rapidfuzz), e.g. "dactivite" → "activite",
    "alocation" → "allocation". ``vocabulary``: the corpus words seen at least twice, most frequent
    first (the corrections); ``rare``: those seen once (known, so never corrected, but no target);
    ``known(word)``: a wider lexicon whose words are not typos either (the word vectors' table:
    "plante" must not become "plainte"), or None."""

    def __init__(self, vocabulary: Sequence[str], rare: Sequence[str] = (),
                 known: Callable[[str], bool] | None = None) -> None:
        self._known = frozenset(vocabulary) | frozenset(rare)
        self._choices = list(vocabulary)
        self._lexicon = known or (lambda word: False)

    def __call__(self, word: str) -> str | None:
        if word in self._known or len(word) < 5 or word.isdigit() or self._lexicon(word):
            return None
        cutoff = 2 if len(word) >= 8 else 1
        found = process.extractOne(word, self._choices, scorer=Levenshtein.distance, score_cutoff=cutoff)
        return found[0] if found else None


class Variants:
    """Derivational tolerance: the corpus stems of the same word family as a query stem, which
    Snowball leaves apart ("inscrire" → "inscrir", "inscription" → "inscript"; "marier" → "mari",
    "mariage" → "mariag"): those that start with the stem, or share all its letters but the last
    (at least 5), the ``most`` most frequent. ``counts``: corpus stem → number of fiches."""

    def __init__(self, counts: Mapping[str, int], most: int = 2) -> None:
        self._counts, self._most = counts, most
        self._by_head: dict[str, list[str]] = {}
        for stem_ in counts:
            self._by_head.setdefault(stem_[:4], []).append(stem_)

    def __call__(self, stem_: str) -> list[str]:
        if len(stem_) < 4:
            return []
        head = stem_ if len(stem_) < 6 else stem_[:-1]
        found = [s for s in self._by_head.get(stem_[:4], ()) if s != stem_ and s.startswith(head)
                 and len(s) <= len(stem_) + 4]
        return sorted(found, key=lambda s: -self._counts[s])[:self._most]


def _renamed(folded: list[str]) -> list[str]:
    """The words with the names of data/renamed.yaml replaced ("france travail" → "pole emploi")."""
    out: list[str] = []
    i = 0
    while i < len(folded):
        old = next((old for old in RENAMED if tuple(folded[i:i + len(old)]) == old), None)
        out.extend(RENAMED[old] if old else [folded[i]])
        i += len(old) if old else 1
    return out


class Query:
    def __init__(self, text: str, correct: Callable[[str], str | None] | None = None,
                 variants: Callable[[str], list[str]] | None = None) -> None:
        folded = _renamed(words(text))
        if correct is not None:
            folded = [w if stem(w) in _KEY_STEMS else correct(w) or w for w in folded]
        self.words = [w for w in folded if w not in STOP_WORDS and not w.isdigit()]
        all_stems = [stem(w) for w in folded]
        extra: list[str] = []
        i = 0
        while i < len(folded):  # longest phrase first, on the words with their stop words
            for size in range(min(_LONGEST, len(folded) - i), 0, -1):
                if (found := SYNONYMS.get(tuple(all_stems[i:i + size]))) is not None:
                    extra.extend(found)
                    i += size
                    break
            else:
                i += 1
        self.expanded = self.words + [w for w in extra if w not in STOP_WORDS]
        self.stems = list(dict.fromkeys(stem(w) for w in self.words))
        extra_stems = [stem(w) for w in self.expanded]
        if variants is not None:
            extra_stems += [v for s in self.stems for v in variants(s)]
        self.extra_stems = [s for s in dict.fromkeys(extra_stems) if s not in self.stems]

    def __bool__(self) -> bool:
        return bool(self.stems or self.extra_stems)

