"""The learner's direction: occupations, bristyrken and needs with gap advice."""

from __future__ import annotations

import pytest
from matching_world import claims

from matching import Need, NeedSkill, Portfolio, Recommender


@pytest.fixture
def recommender(build):
    people = [Portfolio(1, claims("weld", "grind")), Portfolio(2, claims("stock"))]
    return Recommender().fit(build(people))


def test_occupations_rank_the_profile_that_fits_with_gaps(recommender):
    welder_ish = Portfolio(9, claims("weld", "read-drawings", "grind"))
    ranked = recommender.occupations(welder_ish, k=3)
    assert ranked[0].target == "welder"
    assert ranked[0].probability > 0.5
    assert ranked[0].gaps[0].skill == "cut-metal"  # the missing essential
    assert ranked[0].fit + sum(g.gain for g in ranked[0].gaps) == pytest.approx(100.0)


def test_bristyrken_weigh_fit_by_shortage(recommender):
    person = Portfolio(9, claims("stock", "lift", "weld"))
    ranked = recommender.bristyrken(person, {"welder": 1.0, "warehouse": 0.9, "nowhere": 1.0})
    assert [f.target for f in ranked] == ["warehouse", "welder"]
    assert ranked[0].score == pytest.approx(ranked[0].fit * 0.9)


def test_needs_work_without_consent_and_name_the_best_gap(recommender):
    needs = {
        "svets": Need([NeedSkill("weld"), NeedSkill("cut-metal"), NeedSkill("grind", must=False)]),
        "lager": Need([NeedSkill("stock"), NeedSkill("drive-forklift")]),
    }
    private = Portfolio(42, claims("weld", "grind"))  # not in the index: not searchable
    ranked = recommender.needs(private, needs)
    assert [f.target for f in ranked] == ["svets", "lager"]
    assert ranked[0].gaps[0].skill == "cut-metal"
    assert 42 not in recommender.index_


def test_need_gaps_say_whether_to_learn_or_to_prove(recommender):
    """A held skill at the asked level needs validation, not a course: it is told apart."""
    from matching import Evidence

    need = Need([NeedSkill("weld", 2), NeedSkill("read-drawings", 3), NeedSkill("cut-metal", 1)])
    person = Portfolio(
        7,
        claims(("weld", 3, Evidence.SELF), ("read-drawings", 1, Evidence.CERTIFIED)),
    )
    gaps = recommender.needs(person, {"svets": need})[0].gaps
    kinds = {g.skill: g.kind for g in gaps}
    assert kinds == {"cut-metal": "missing", "read-drawings": "level", "weld": "evidence"}
    assert [g.kind for g in gaps][-1] == "evidence"  # what to learn comes first
    assert all(g.gain > 0 for g in gaps)
