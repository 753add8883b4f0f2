"""A worker's place in the matching change log, when commits land out of id order."""

from __future__ import annotations

from eportfolio.matching_index.cursor import GRACE_S, ChangeCursor


def test_a_change_that_commits_after_a_later_one_is_still_applied() -> None:
    cursor = ChangeCursor.at(10, range(1, 11), lookback=1000, now=0.0)
    assert cursor.is_current(10)
    assert cursor.take([12], now=1.0) == [12]  # 11 is still in an open transaction
    assert not cursor.is_current(12)
    assert cursor.take([11, 12], now=2.0) == [11]  # each change is applied once
    assert cursor.low == 12 and cursor.is_current(12)


def test_an_id_of_a_rolled_back_transaction_is_given_up_after_the_grace() -> None:
    cursor = ChangeCursor.at(10, range(1, 11), lookback=1000, now=0.0)
    cursor.take([12, 13], now=0.0)
    cursor.take([12, 13], now=GRACE_S - 1)
    assert cursor.low == 10 and not cursor.is_current(13)  # keeps looking for 11 meanwhile
    assert cursor.take([12, 13], now=GRACE_S + 1) == []
    assert cursor.low == 13 and cursor.is_current(13)


def test_a_build_watches_the_recent_ids_it_did_not_see() -> None:
    # The build read the database while change 18 was still uncommitted.
    cursor = ChangeCursor.at(20, [*range(1, 18), 19, 20], lookback=5, now=0.0)
    assert not cursor.is_current(20)
    assert cursor.take([18, 19, 20], now=1.0) == [18]
    assert cursor.is_current(20)


def test_ids_below_the_lookback_count_as_history() -> None:
    cursor = ChangeCursor.at(100, [100], lookback=5, now=0.0)
    assert cursor.take([96, 97, 98, 99, 100], now=1.0) == [96, 97, 98, 99]
    assert cursor.is_current(100)
