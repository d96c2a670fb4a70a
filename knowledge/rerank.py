"""The ranking of a question's candidate fiches: a linear model over per-candidate features.

    FEATURES          the feature names, in the column order of ``features``
    features(...) -> numpy.ndarray (candidates × len(FEATURES), float64, every value ≥ 0)
    Ranker(weights)   ``weights``: {feature name: weight ≥ 0}; a missing feature weighs 0
        .score(matrix) -> numpy.ndarray   one score per row: the dot product (≥ 0)
        .uses(name) -> bool               whether the feature weighs anything (the search skips
                                          the costly ones it does not use)
    Ranker.load(name="rerank.json")       the weights committed under knowledge/data/ (today main's
        hand-set ones; training/rerank/train.py learns others: listwise logistic regression with
        non-negative weights, so a score stays ≥ 0 and "scores this close to the best" keeps its
        meaning); raises FileNotFoundError or KeyError ("weights") on a missing or malformed file.

Features of a candidate fiche (each from the signals knowledge.index already computes):
    lexical, expansion   the engine's rank (FTS5 bm25 / PostgreSQL ts_rank × IDF) of the question's
                         own stems, of its expansions (synonyms, word families), over the best (0–1)
    semantic             cosine of the IDF-weighted word vectors, question vs title+description+theme
                         (the 150 best only, 0 when negative); title_semantic: the same vs
                         the title alone, for every candidate
    cover, title_match   share of the question's IDF mass in the title (description: half); share
                         of the title's IDF mass in the question
    title_words          distinct title stems in the question, capped at 4, / 4
    links, information   log in-link prior (0–1); 1 for a "Fiche d'information"
    lexical_rank, semantic_rank   1 / (1 + rank) in that signal's own list (0 when absent)
    titled               1 when the fiche was a candidate only because its title holds a rare word
    description_cover, headings_cover   share of the question's IDF mass in the description, in
                         the section headings (own stems)
    question_answer      1 for a "Fiche Question-réponse"
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Mapping, Sequence

import numpy as np

FEATURES = ("lexical", "expansion", "semantic", "cover", "title_match", "title_words", "links",
            "information", "lexical_rank", "semantic_rank", "titled", "title_semantic",
            "description_cover", "headings_cover", "question_answer")


def features(ns: Sequence[int], signals: Mapping[str, Mapping[int, float]]) -> np.ndarray:
    """``signals``: {feature name: {fiche n: value}} (a missing n is 0); rows in the order of ``ns``."""
    matrix = np.zeros((len(ns), len(FEATURES)))
    for j, name in enumerate(FEATURES):
        values = signals.get(name, {})
        matrix[:, j] = [values.get(n, 0.0) for n in ns]
    return matrix


class Ranker:
    def __init__(self, weights: Mapping[str, float]) -> None:
        self.weights = np.array([max(float(weights.get(name, 0.0)), 0.0) for name in FEATURES])

    def score(self, matrix: np.ndarray) -> np.ndarray:
        return matrix @ self.weights

    def uses(self, name: str) -> bool:
        return bool(self.weights[FEATURES.index(name)] > 0)

    @classmethod
    def load(cls, name: str = "rerank.json") -> "Ranker":
        data = json.loads(resources.files("knowledge").joinpath("data", name).read_text(encoding="utf-8"))
        return cls(data["weights"])
