"""The learned ranking of knowledge.rerank: the committed weights, the feature matrix, the order
search gives on the committed fiche sample (SQLite and PostgreSQL), and the training fit."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from knowledge.index import KnowledgeBase
from knowledge.reader import read_fiches
from knowledge.rerank import FEATURES, Ranker, features
from tests.knowledge.test_index import NPM, toy_embed

TRAIN = Path(__file__).parents[2] / "training" / "rerank" / "train.py"


def test_committed_weights_load():
    data = json.loads(resources.files("knowledge").joinpath("data", "rerank.json").read_text(encoding="utf-8"))
    assert set(data["weights"]) <= set(FEATURES)  # a misspelt feature would silently weigh 0
    ranker = Ranker.load()
    assert ranker.weights.shape == (len(FEATURES),) and (ranker.weights >= 0).all()
    assert np.count_nonzero(ranker.weights) >= 4
    with pytest.raises(FileNotFoundError):
        Ranker.load("absent.json")


def test_features_and_scores():
    matrix = features([3, 1], {"lexical": {1: 0.5, 7: 1.0}, "links": {3: 1.0}})
    assert matrix.shape == (2, len(FEATURES))
    assert matrix[0, FEATURES.index("links")] == 1.0 and matrix[0, FEATURES.index("lexical")] == 0.0
    assert matrix[1, FEATURES.index("lexical")] == 0.5 and matrix.sum() == 1.5
    ranker = Ranker({"lexical": 2.0, "links": -1.0, "unknown": 5.0})  # negative weights are clipped
    assert ranker.score(matrix).tolist() == [0.0, 1.0]


@pytest.fixture
def kb(db):
    knowledge = KnowledgeBase(db.engine, toy_embed)
    knowledge.replace(read_fiches(NPM))
    return knowledge


def test_search_is_the_ranker_order(kb, db):
    question = "combien de jours de congés payés par an"
    ns, matrix, _ = kb.candidates(question)
    scores = Ranker.load().score(matrix)
    expected = [kb._meta[ns[i]].id for i in np.argsort(-scores, kind="stable")[:5]]
    hits = kb.search(question, 5)
    assert [h.id for h in hits] == expected and hits[0].id == "F2258"
    assert [h.score for h in hits] == pytest.approx(sorted(scores, reverse=True)[:5])
    # only the in-link prior: the most cited candidate comes first, whatever the words
    cited = KnowledgeBase(db.engine, toy_embed, ranker=Ranker({"links": 1.0}))
    column = matrix[:, FEATURES.index("links")]
    assert cited.search(question, 1)[0].id == kb._meta[ns[int(np.argmax(column))]].id
    assert column.max() > np.median(column)


def test_training_finds_the_signal():
    spec = importlib.util.spec_from_file_location("rerank_train", TRAIN)
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    rng = np.random.default_rng(0)
    good, other, bad = (FEATURES.index(name) for name in ("title_match", "semantic", "links"))
    data = []
    for _ in range(60):
        x = rng.random((30, len(FEATURES)))
        x[:, bad] = 1 - x[:, good]  # against the answer: its weight must stay at 0
        y = np.zeros(30, dtype=bool)
        y[int(np.argmax(2 * x[:, good] + x[:, other]))] = True
        data.append((x, y))
    weights = train.fit(data[:40], steps=400)
    assert (weights >= 0).all() and weights[good] == weights.max() and weights[bad] == 0.0
    assert train.recall(data[40:], weights)[1] >= 0.9  # held-out questions: recall@3


def test_costly_features_only_when_weighed(kb, db):
    """Title vectors and section headings are built at load only for a ranker that weighs them;
    the default one does not, and its ranking needs none of them."""
    question = "combien de jours de congés payés par an"
    columns = [FEATURES.index(name) for name in ("title_semantic", "headings_cover")]
    assert not kb.candidates(question)[1][:, columns].any()
    every = KnowledgeBase(db.engine, toy_embed, ranker=Ranker(dict.fromkeys(FEATURES, 1.0)))
    matrix = every.candidates(question)[1]
    assert all(matrix[:, j].any() for j in columns)
