"""The fitted score mix: the fit reproduces the engine's topic scores and moves towards the signal
that picks the right topic; BM25 postings score as bm25s does."""

from __future__ import annotations

import bm25s
import numpy as np

from knowledge_base import KnowledgeBase
from knowledge_base.index import GroupMax, Postings
from knowledge_base.mixfit import Row, accuracy, fit, mixed


def test_the_fit_model_is_the_engine_mix(kb: KnowledgeBase) -> None:
    assert kb.wait_semantic(timeout=120)
    for q, lang in [("晚上睡不着，脑子停不下来", "zh"), ("I can't stop worrying about everything", "en")]:
        parts, _ = kb.topic_parts(q, lang)
        w = np.asarray([1.0, kb.config.weights.cue, kb.config.semantic.topic_weight])
        engine = kb._scores(q, lang).final
        assert np.allclose(mixed(Row(parts, None, 0), w, 0.0), engine)


def test_fit_raises_the_weight_of_the_part_that_knows_the_topic() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for i in range(60):  # BM25 is noise; the third part (semantic) points at the right topic
        parts = rng.random((5, 3))
        parts[:, 1] = 0.0
        parts[i % 5, 2] += 0.8
        rows.append(Row(parts, None, i % 5))
    cue, sem = fit(rows, ask_weight=0.0)
    assert sem > 1.0
    assert accuracy(rows, np.asarray([1.0, cue, sem]), 0.0) > accuracy(rows, np.asarray([1.0, 0.0, 0.0]), 0.0)


def test_postings_score_like_bm25s() -> None:
    docs = [["sleep", "night", "awake"], ["worry", "night"], ["anger", "shout", "shout"], ["sleep"]]
    model = bm25s.BM25(k1=1.2, b=0.5)
    model.index(docs, show_progress=False)
    for query in (["sleep", "night"], ["shout", "unknown"], ["night", "night"], ["nothing"]):
        ours = Postings(model).scores(query)
        ids = model.get_tokens_ids(query)
        theirs = model.get_scores_from_ids(ids) if ids else np.zeros(len(docs))
        assert np.allclose(ours, theirs)


def test_group_max_matches_maximum_at() -> None:
    groups = np.asarray([2, 0, 2, -1, 0, 3])
    values = np.asarray([0.1, 0.5, 0.9, 7.0, 0.2, 0.3])
    want = np.zeros(5)
    np.maximum.at(want, groups[groups >= 0], values[groups >= 0])
    assert np.allclose(GroupMax(groups, 5)(values), want)
