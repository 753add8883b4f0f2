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
