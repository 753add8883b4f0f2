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


def test_crediting_names_the_need_skills_that_give_a_holder_points(space):
    # Holding TIG welding earns credit for a need asking TIG itself or welding (broader).
    assert {"weld-tig", "weld"} <= set(space.crediting(["weld-tig"]))
    assert "excel" not in space.crediting(["weld-tig"])
    assert space.crediting(["no-such-skill"]) == []


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


def test_space_from_taxonomy_reads_profiles_relations_and_families():
    from matching import SkillSpace
    from taxonomy import Concept, ConceptKind, Relation, RelationKind, Taxonomy

    def rel(a, kind, b):
        return Relation(a, kind, b)

    tax = Taxonomy.from_records(
        [
            Concept("weld", ConceptKind.SKILL, "t"),
            Concept("weld-tig", ConceptKind.SKILL, "t"),
            Concept("grind", ConceptKind.SKILL, "t"),
            Concept("welder", ConceptKind.OCCUPATION, "esco", code="7212"),
            Concept("plater", ConceptKind.OCCUPATION, "esco", code="7212"),
            Concept("ssyk-7212", ConceptKind.OCCUPATION_GROUP, "jobtech", code="7212"),
            Concept("isco-7212", ConceptKind.OCCUPATION_GROUP, "isco", code="7212"),
            rel("weld-tig", RelationKind.BROADER, "weld"),
            rel("welder", RelationKind.ESSENTIAL_SKILL, "weld"),
            rel("welder", RelationKind.OPTIONAL_SKILL, "grind"),
            rel("plater", RelationKind.ESSENTIAL_SKILL, "grind"),
            rel("ssyk-7212", RelationKind.ESSENTIAL_SKILL, "weld-tig"),
        ]
    )
    space = SkillSpace.from_taxonomy(tax)
    assert list(space.occupation_ids_) == ["welder", "plater", "ssyk-7212"]  # no skills: no row
    assert list(space.occupation_family_) == ["7212", "7212", "721"]
    assert list(space.family_members(0)) == [1]
    welder = space.profile_[0].toarray().ravel()
    assert welder[space.skill_index_["weld"]] == 1 and welder[space.skill_index_["grind"]] == 2
    assert sim(space, "weld", "weld-tig") == (0.75, Link.NARROWER)
