"""The skill-similarity matrix and the top-k primitive."""

from __future__ import annotations

import numpy as np

from matching import Link
from matching.topk import top_k


def sim(space, a, b):
    i, j = space.skill_index_[a], space.skill_index_[b]
    return float(space.similarity_[i, j]), Link(int(space.link_[i, j]) - 1)


def test_similarity_gives_partial_credit_by_relation(space):
    assert sim(space, "weld", "weld") == (1.0, Link.SAME)
    assert sim(space, "weld", "weld-tig") == (0.75, Link.NARROWER)
    assert sim(space, "weld-tig", "weld") == (0.5, Link.BROADER)
    assert sim(space, "weld", "cut-metal") == (0.5, Link.RELATED)
    assert sim(space, "budget", "payroll") == (0.25, Link.SIBLING)
    assert space.similarity_[space.skill_index_["weld"], space.skill_index_["excel"]] == 0


def test_top_k_matches_sorting_under_heavy_ties():
    rng = np.random.default_rng(3)
    for _ in range(50):
        n = int(rng.integers(1, 3000))
        scores = rng.integers(0, 4, n).astype(np.float64) / 4
        ids = rng.permutation(n * 3)[:n].astype(np.int64)
        k = int(rng.integers(1, 60))
        got, rest_score, rest_id = top_k(scores, ids, k)
        reference = np.lexsort((ids, -scores))
        assert np.array_equal(got, reference[:k])
        if n > k:
            assert (rest_score, rest_id) == (scores[reference[k]], ids[reference[k]])
