"""The semantic signal: IDF-weighted mean word vectors of each fiche's title, description and
theme, built in memory when the index is loaded (about a second for the whole corpus).

    SemanticIndex(docs, embed)     docs: {fiche n: text}; ``embed(word) -> vector`` is called once
                                   per distinct word (knowledge.vectors.spacy_embedder)
    .search(words, limit) -> [(n, cosine)]   best first; [] when no word has a vector
    .similarities(words) -> {n: cosine}      every document's; {} when no word has a vector
    .knows(word) -> bool                     whether the word has a vector (a known word)

Weighting each word by its inverse document frequency over these short texts keeps frequent words
("demande", "droit") from dominating the mean (smooth inverse frequency, Arora et al. 2017).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Mapping, Sequence

import numpy as np

from knowledge.analysis import STOP_WORDS, words


class SemanticIndex:
    def __init__(self, docs: Mapping[int, str], embed: Callable[[str], Sequence[float]]) -> None:
        self._embed = embed
        self._cache: dict[str, np.ndarray | None] = {}
        tokens = {n: [w for w in words(text) if w not in STOP_WORDS] for n, text in docs.items()}
        df = Counter(w for ws in tokens.values() for w in set(ws))
        self._idf = {w: math.log(len(docs) / c) for w, c in df.items()}
        self._max_idf = math.log(len(docs) or 1) or 1.0
        ns, rows = [], []
        for n, ws in tokens.items():
            vector = self._mean(ws)
            if vector is not None:
                ns.append(n)
                rows.append(vector)
        self._ns = np.array(ns)
        self._matrix = np.vstack(rows) if rows else None

    def _vector(self, word: str) -> np.ndarray | None:
        if word not in self._cache:
            vector = np.asarray(self._embed(word), dtype=np.float32)
            self._cache[word] = vector if vector.size and np.any(vector) else None
        return self._cache[word]

    def knows(self, word: str) -> bool:
        return self._vector(word) is not None

    def _mean(self, ws: list[str]) -> np.ndarray | None:
        total, weight = None, 0.0
        for w in ws:
            vector = self._vector(w)
            if vector is None:
                continue
            idf = self._idf.get(w, self._max_idf)
            total = vector * idf if total is None else total + vector * idf
            weight += idf
        if total is None or weight == 0.0:
            return None
        norm = float(np.linalg.norm(total))
        return total / norm if norm else None

    def _similarity(self, ws: list[str]) -> np.ndarray | None:
        query = self._mean(ws)
        if query is None or self._matrix is None or query.shape != self._matrix.shape[1:]:
            return None
        return np.einsum("ij,j->i", self._matrix, query)  # no BLAS threads for a 3,000 × 300 product

    def similarities(self, ws: list[str]) -> dict[int, float]:
        similarity = self._similarity(ws)
        return {} if similarity is None else dict(zip(self._ns.tolist(), similarity.tolist()))

    def search(self, ws: list[str], limit: int) -> list[tuple[int, float]]:
        similarity = self._similarity(ws)
        if similarity is None:
            return []
        top = np.argpartition(-similarity, min(limit, len(similarity) - 1))[:limit]
        return sorted(((int(self._ns[i]), float(similarity[i])) for i in top), key=lambda item: -item[1])
