"""Keeping the index in step: single adds, updates and consent withdrawal."""

from __future__ import annotations

from matching_world import claims

from matching import Evidence, Need, NeedSkill, Portfolio

NEED = Need([NeedSkill("weld"), NeedSkill("grind", must=False)])


def ids(matcher, need=NEED, k=10):
    return [m.portfolio_id for m in matcher.search(need, k=k, explain=False)]


def test_add_update_remove_without_rebuild(build):
    matcher = build([Portfolio(1, claims("weld")), Portfolio(2, claims("stock"))])
    index = matcher.index_
    assert ids(matcher) == [1]
    index.add(Portfolio(3, claims("weld", "grind")))
    assert ids(matcher) == [3, 1]
    index.update(Portfolio(1, claims(("weld", 4, Evidence.CERTIFIED), "grind")))
    assert ids(matcher) == [1, 3]
    index.update(Portfolio(3, claims("stock")))
    assert ids(matcher) == [1]
    assert index.remove(1) and not index.remove(1)
    assert ids(matcher) == [] and len(index) == 2


def test_withdrawn_consent_is_never_found_again(build):
    people = [Portfolio(i, claims("weld", "grind")) for i in range(1, 51)]
    matcher = build(people)
    index = matcher.index_
    index.remove(7)
    for i in range(100):
        index.add(Portfolio(1000 + i, claims("weld")))  # traffic that could resurrect it
        assert 7 not in ids(matcher, k=60)
    index.compact()
    assert 7 not in ids(matcher, k=200) and 7 not in index


def test_compaction_keeps_results(build):
    matcher = build([Portfolio(i, claims("weld")) for i in range(10)])
    index = matcher.index_
    for i in range(10, 20):
        index.add(Portfolio(i, claims("weld", "grind")))
    index.remove(12)
    before = matcher.search(NEED, k=15, explain=False)
    index.compact()
    after = matcher.search(NEED, k=15, explain=False)
    assert [(m.portfolio_id, m.score) for m in before] == [(m.portfolio_id, m.score) for m in after]


def test_an_empty_index_grows_one_portfolio_at_a_time(build):
    matcher = build([])
    assert ids(matcher) == []
    matcher.index_.add(Portfolio(9, claims("weld"), {"sv": 4}, "1290"))
    assert ids(matcher) == [9]


def test_a_certified_update_counts_before_and_after_compaction(build):
    matcher = build([Portfolio(1, claims("weld")), Portfolio(2, claims("weld"))])
    index = matcher.index_
    assert ids(matcher) == [1, 2]  # tied, by id; the search has now kept its lookups
    index.update(Portfolio(2, claims(("weld", 4, Evidence.CERTIFIED))))
    assert ids(matcher) == [2, 1]
    index.compact()  # the compacted postings are new: the kept lookups must not be reused
    assert ids(matcher) == [2, 1]
    index.update(Portfolio(2, claims("weld")))
    index.update(Portfolio(1, claims(("weld", 4, Evidence.CERTIFIED))))
    index.compact()
    assert ids(matcher) == [1, 2]


def test_rows_grouped_by_occupation_change_no_score(space, model):
    """Bulk loading numbers rows by occupation; results must not depend on that order."""
    import numpy as np

    from matching import Matcher, PortfolioIndex

    skill_sets = [
        ("accounting", "budget"), ("weld", "grind", "cut-metal"), ("stock", "lift"),
        ("weld-tig", "read-drawings"), ("payroll", "excel"), ("weld", "stock", "pack"),
    ] * 4  # fmt: skip
    ids = np.arange(100, 100 + len(skill_sets), dtype=np.int64)
    rows = np.repeat(np.arange(len(ids)), [len(s) for s in skill_sets])
    skills = space.indices([s for group in skill_sets for s in group])
    levels = np.tile([1, 2, 3, 4], len(rows))[: len(rows)]
    evidence = np.tile([0, 1, 2, 3, 1], len(rows))[: len(rows)]
    munis = np.array(["1290", "1293", "1272"] * 8)
    grouped = PortfolioIndex(space, model).fit_arrays(
        ids, rows, skills, levels, evidence, municipalities=list(munis)
    )
    assert grouped.ids_.tolist() != ids.tolist()  # the welders now sit together
    shuffled = np.random.default_rng(1).permutation(len(rows))  # unsorted: kept as given
    as_given = PortfolioIndex(space, model).fit_arrays(
        ids, rows[shuffled], skills[shuffled], levels[shuffled], evidence[shuffled],
        municipalities=list(munis),
    )  # fmt: skip
    assert as_given.ids_.tolist() == ids.tolist()
    need = Need([NeedSkill("weld", 2), NeedSkill("stock", must=False)], municipality="1290")
    ours = Matcher().fit(grouped).search(need, k=30)
    theirs = Matcher().fit(as_given).search(need, k=30)
    assert len(ours) > 10
    assert [(m.portfolio_id, round(m.score, 9), m.explanation.skills) for m in ours] == [
        (m.portfolio_id, round(m.score, 9), m.explanation.skills) for m in theirs
    ]


def test_occupation_fits_do_not_depend_on_chunks_or_threads(space, model):
    """A worker's start splits the fits over cores; every portfolio must get the same fits."""
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(7)
    rows = np.repeat(np.arange(300), 4)
    x = sp.csr_matrix(
        (np.ones(len(rows)), (rows, rng.integers(0, space.n_skills, len(rows)))),
        shape=(300, space.n_skills),
    )
    x.data[:] = 1.0
    whole = model.posterior_top(x)
    split = model.posterior_top(x, chunk=37, threads=2)
    assert len(whole[0]) > 300
    for a, b in zip(whole, split, strict=True):
        assert np.array_equal(a, b)
    row, _, prob = whole
    assert np.all(np.diff(row) >= 0)  # by row, then most probable first
    same_row = row[1:] == row[:-1]
    assert np.all(prob[1:][same_row] <= prob[:-1][same_row])
