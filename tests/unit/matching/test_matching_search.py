"""Employer search: scores, explanations, evidence, levels, and exact top-k."""

from __future__ import annotations

import numpy as np
import pytest
from matching_world import claims

from matching import Evidence, Need, NeedSkill, Portfolio, Status

WELD_NEED = Need(
    [
        NeedSkill("weld", 3),
        NeedSkill("read-drawings", 2),
        NeedSkill("cut-metal", 2),
        NeedSkill("grind", 1, must=False),
    ],
    occupation="welder",
    languages={"sv": 4},
    municipality="1290",
)


def test_contributions_sum_to_score(build):
    people = [
        Portfolio(1, claims("weld", "read-drawings", "grind"), {"sv": 5}, "1290"),
        Portfolio(2, claims("weld-tig", "cut-metal"), {"sv": 2, "en": 4}, "1293"),
        Portfolio(3, claims("stock", "lift"), {}, None),
    ]
    found = build(people).search(WELD_NEED, k=3)
    assert [m.portfolio_id for m in found][:2] == [1, 2]
    for match in found:
        parts = match.explanation.contributions()
        assert sum(parts.values()) == pytest.approx(match.score, abs=1e-9)
        assert 0 <= match.score <= 100


def test_perfect_candidate_scores_100(build):
    person = Portfolio(
        1,
        claims(
            *[(s, 4, Evidence.CERTIFIED) for s in ("weld", "read-drawings", "cut-metal", "grind")]
        ),
        {"sv": 6},
        "1290",
    )
    other = Portfolio(2, claims("stock"), {}, None)
    matcher = build([person, other])
    skill_only = Need([NeedSkill(s) for s in ("weld", "read-drawings", "cut-metal", "grind")])
    assert matcher.search(skill_only, k=1)[0].score == pytest.approx(100.0)


def test_related_skill_is_explained(build):
    found = build([Portfolio(1, claims("weld-tig"))]).search(Need([NeedSkill("weld", 1)]), k=1)
    term = found[0].explanation.skills[0]
    assert term.status is Status.RELATED
    assert (term.via, term.link) == ("weld-tig", "narrower")
    assert 0 < term.credit < 1
    assert term.evidence is Evidence.DOCUMENTED and term.level == 3


def test_validated_outranks_self_declared(build):
    people = [
        Portfolio(1, claims(("weld", 3, Evidence.SELF), "grind")),
        Portfolio(2, claims(("weld", 3, Evidence.VALIDATED), "grind")),
    ]
    found = build(people).search(Need([NeedSkill("weld", 2), NeedSkill("grind")]), k=2)
    assert [m.portfolio_id for m in found] == [2, 1]
    assert found[0].score > found[1].score
    statuses = [t.evidence for t in found[0].explanation.skills]
    assert statuses[0] is Evidence.VALIDATED


def test_must_below_minimum_costs_more_than_missing_nice(build):
    need = Need(
        [NeedSkill("weld", 3), NeedSkill("read-drawings", 3), NeedSkill("grind", must=False)]
    )
    below = Portfolio(1, claims(("weld", 2, Evidence.DOCUMENTED), "read-drawings", "grind"))
    no_nice = Portfolio(2, claims("weld", "read-drawings"))
    found = build([below, no_nice]).search(need, k=2)
    assert [m.portfolio_id for m in found] == [2, 1]
    below_term = found[1].explanation.skills[0]
    assert below_term.below_level and below_term.status is Status.EXACT


def test_stacked_related_skills_never_beat_the_skill_itself(build):
    need = Need([NeedSkill("weld"), NeedSkill("grind")])
    stacked = Portfolio(1, claims("weld-tig", "weld-mig", "cut-metal"))
    exact = Portfolio(2, claims("weld"))
    found = build([stacked, exact]).search(need, k=2)
    assert found[0].portfolio_id == 2
    assert all(t.credit <= 1 for m in found for t in m.explanation.skills)


def test_top_k_with_heavy_ties_matches_brute_force(build):
    rng = np.random.default_rng(7)
    pool = ["weld", "grind", "cut-metal", "stock", "excel"]
    people = [
        Portfolio(int(pid), claims(*rng.choice(pool, size=rng.integers(1, 3), replace=False)))
        for pid in rng.permutation(np.arange(1000, 1400))
    ]
    matcher = build(people)
    need = Need([NeedSkill("weld"), NeedSkill("grind"), NeedSkill("excel", must=False)])
    everyone = [p.id for p in people]
    exact = {e.portfolio_id: e.score for e in matcher.explain(need, everyone)}
    for k in (1, 5, 20, 77):
        found = matcher.search(need, k=k, explain=False)
        reference = sorted(
            (p for p in exact if exact[p] > 0), key=lambda p: (-round(exact[p], 9), p)
        )
        assert [m.portfolio_id for m in found] == reference[:k]


def test_text_similarity_is_a_small_explained_signal(space, model):
    from matching import Matcher, PortfolioIndex, TextVectoriser

    people = [
        Portfolio(1, claims("weld"), experience_text="Svetsare, MIG-svetsning på verkstad"),
        Portfolio(2, claims("weld"), experience_text="Lagerarbete och truckkörning"),
    ]
    index = PortfolioIndex(space, model, TextVectoriser(n_features=2**12)).fit(people)
    found = Matcher().fit(index).search(Need([NeedSkill("weld")], text="svetsare MIG"), k=2)
    assert [m.portfolio_id for m in found] == [1, 2]
    first = found[0].explanation
    assert 0 < first.text <= 5 and found[1].explanation.text == 0
    assert sum(first.contributions().values()) == pytest.approx(found[0].score, abs=1e-9)
    index.add(Portfolio(3, claims("weld"), experience_text="svetsare MIG"))
    assert (
        Matcher()
        .fit(index)
        .search(Need([NeedSkill("weld")], text="svetsare MIG"), k=1)[0]
        .portfolio_id
        == 3
    )


def test_text_weights_are_the_same_in_bulk_and_one_by_one():
    """A worker's start vectorises everyone at once; an edit later, one portfolio alone."""
    from matching import TextVectoriser

    texts = [
        "Svetsare, MIG-svetsning på verkstad; svetsning av rör",
        "",
        "Lagerarbete och truckkörning, lager lager",
        "x",  # no word of two letters: an empty row
        "Undersköterska i hemtjänsten, Hässleholm",
    ]
    bulk = TextVectoriser(n_features=2**10).fit_transform(texts)
    model = TextVectoriser(n_features=2**10).fit(texts)
    assert (model.transform(texts) != bulk).nnz == 0
    for i, text in enumerate(texts):
        keys, weights = model.vector(text)
        row = bulk[i]
        assert row.indices.tolist() == keys.tolist()
        assert row.data.tolist() == weights.tolist()  # bit for bit, not approximately
        if len(keys):
            assert np.sqrt((weights.astype(np.float64) ** 2).sum()) == pytest.approx(1, abs=1e-6)
    assert bulk[1].nnz == 0 and bulk[3].nnz == 0


@pytest.mark.parametrize("guess", ["sampled", "too_high", "none", "public_scipy_route"])
def test_pruned_search_with_all_signals_matches_brute_force(build, monkeypatch, guess):
    """Whatever the sampled threshold guesses, the search proves or corrects it."""
    from matching_world import SKILLS

    import matching.search
    from matching.search import Matcher

    if guess == "public_scipy_route":  # as on a scipy without the private kernel
        monkeypatch.setattr(matching.search, "_csc_matvec", None)
    elif guess == "too_high":  # only the very best row passes: the search must widen itself
        monkeypatch.setattr(Matcher, "_threshold", lambda self, dense, touched, k: dense.max())
    elif guess == "none":
        monkeypatch.setattr(Matcher, "_threshold", lambda self, dense, touched, k: 0.0)

    rng = np.random.default_rng(11)
    levels, evidence = rng.integers(1, 5, 40_000), rng.integers(0, 4, 40_000)
    people = []
    for i in range(6000):
        chosen = rng.choice(SKILLS, size=int(rng.integers(1, 6)), replace=False)
        items = [
            (str(s), int(levels[i * 5 + j]), Evidence(int(evidence[i * 5 + j])))
            for j, s in enumerate(chosen)
        ]
        langs = {"sv": int(rng.integers(1, 7))} if rng.random() < 0.7 else {}
        muni = str(rng.choice(["1290", "1293", "1280", "0180"]))
        people.append(Portfolio(i + 1, claims(*items), langs, muni))
    matcher = build(people)
    for need in (WELD_NEED, Need([NeedSkill("stock", 2), NeedSkill("lift")], "warehouse")):
        exact = {e.portfolio_id: e.score for e in matcher.explain(need, [p.id for p in people])}
        reference = sorted((p for p in exact if exact[p] > 0), key=lambda p: (-exact[p], p))
        found = matcher.search(need, k=25, explain=False)
        assert [m.portfolio_id for m in found] == reference[:25]
        assert [m.score for m in found] == pytest.approx([exact[p] for p in reference[:25]])


def test_a_vectoriser_fitted_on_labels_weighs_words_no_label_uses_least():
    from matching.text import TextVectoriser

    labels = ["svetsa rör", "svetsa tryckkärl", "läsa ritningar", "köra truck"]

    def weights(text: TextVectoriser) -> tuple[float, float]:
        keys, values = text.vector("jag svetsa tryckkärl")
        weight = dict(zip(keys.tolist(), values.tolist(), strict=True))
        jag = int(text.vector("jag")[0][0])
        return weight[jag], min(w for k, w in weight.items() if k != jag)

    # "jag" is in no label: it weighs least; by default an unseen word weighs most.
    jag, least_other = weights(TextVectoriser(n_features=2**10, unseen_idf=1.0).fit(labels))
    assert jag < least_other
    jag, least_other = weights(TextVectoriser(n_features=2**10).fit(labels))
    assert jag > least_other
