"""A worker's start: the index holds every consenting portfolio, read in a fixed few queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from eportfolio.matching_index.engine import build, to_record
from eportfolio.portfolios.models import LanguageSkill, Portfolio
from eportfolio.privacy.models import ConsentKind, ConsentRecord
from matching import Matcher, Need, NeedSkill, PortfolioIndex


@contextmanager
def statements(session: Session) -> Iterator[list[int]]:
    """Record how many bind parameters each statement the session runs carries."""
    seen: list[int] = []

    def note(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        seen.append(len(params) if hasattr(params, "__len__") else 0)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def consenting_portfolios(session: Session) -> set[int]:
    """Return the portfolios whose owner's latest matching consent is a yes, the slow way."""
    latest: dict[int, ConsentRecord] = {}
    for record in session.scalars(
        select(ConsentRecord).where(ConsentRecord.kind == ConsentKind.MATCHING)
    ):
        if record.user_id not in latest or record.id > latest[record.user_id].id:
            latest[record.user_id] = record
    granted = {u for u, r in latest.items() if r.granted}
    return {p.id for p in session.scalars(select(Portfolio)) if p.user_id in granted}


def test_start_up_reads_a_growing_population_in_the_same_queries(
    db_session: Session, demo: dict[str, Any]
) -> None:
    from eportfolio.regional.demo import scale

    with statements(db_session) as small:
        built = build(db_session)
    assert set(built.index.row_of_) == consenting_portfolios(db_session)

    scale(db_session, 400)  # one in ten says no to matching
    db_session.flush()
    with statements(db_session) as large:
        built = build(db_session)
    everyone = consenting_portfolios(db_session)
    assert len(everyone) > 300 and set(built.index.row_of_) == everyone
    # No query per portfolio, and no list of every id in one statement (PostgreSQL takes at
    # most 65,535 parameters, so that would stop a national population from loading).
    assert len(large) == len(small)
    assert max(large) < 100


def test_start_up_indexes_what_a_single_update_would(
    db_session: Session, demo: dict[str, Any]
) -> None:
    """The column-wise start-up and the per-portfolio update path must not drift apart."""
    from eportfolio.regional.demo import scale

    scale(db_session, 150)
    db_session.flush()
    levels = [None, "A1", "A2", "B1", "B2", "C1", "C2"]
    for i, portfolio in enumerate(db_session.scalars(select(Portfolio).order_by(Portfolio.id))):
        if {lang.language for lang in portfolio.languages} & {"sv", "en"}:
            continue  # the demo welders state their languages already
        if i % 3 == 0:
            db_session.add(
                LanguageSkill(portfolio_id=portfolio.id, language="sv", mother_tongue=True)
            )
        if i % 2 == 0:  # some skills given, some not: the weakest given counts
            db_session.add(
                LanguageSkill(
                    portfolio_id=portfolio.id,
                    language="en",
                    listening=levels[i % 7],
                    reading=levels[(i + 2) % 7],
                    speaking=levels[(i + 4) % 7],
                    writing=None,
                )
            )
    db_session.flush()
    built = build(db_session)
    visible = [p for p in db_session.scalars(select(Portfolio)) if p.id in built.index.row_of_]
    one_by_one = PortfolioIndex(built.space, built.index.occupations, built.index.text)
    one_by_one.fit([to_record(p) for p in visible])
    skills = list(built.space.skill_ids_[:: max(1, built.space.n_skills // 40)])
    need = Need(
        [NeedSkill(s, min_level=2, must=i % 2 == 0) for i, s in enumerate(skills)],
        languages={"sv": 4},
        municipality="1290",
        text="svetsare lager truck",
    )
    ranks: set[int] = set()
    for language in ("sv", "en"):
        bulk = {p: int(built.index._language(language)[r]) for p, r in built.index.row_of_.items()}
        single = {p: int(one_by_one._language(language)[r]) for p, r in one_by_one.row_of_.items()}
        assert bulk == single
        ranks |= set(bulk.values())
    assert len(ranks) >= 5  # none, mother tongue, and several weakest-skill levels
    ours = built.matcher.search(need, k=60, explain=False)
    theirs = Matcher().fit(one_by_one).search(need, k=60, explain=False)
    assert len(ours) > 20
    assert [(m.portfolio_id, round(m.score, 9)) for m in ours] == [
        (m.portfolio_id, round(m.score, 9)) for m in theirs
    ]


@pytest.mark.parametrize("rebuild_after", [100, 2000])
def test_a_running_worker_sees_bulk_added_learners(
    db_session: Session, demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch, rebuild_after: int
) -> None:
    """``demo scale`` writes with bulk SQL; workers must still find the new people."""
    from eportfolio.matching_index import engine as engine_module
    from eportfolio.regional.demo import scale

    monkeypatch.setattr(engine_module, "REBUILD_AFTER", rebuild_after)
    before = engine_module.engine(db_session)
    assert set(before.index.row_of_) == consenting_portfolios(db_session)
    first_index, first_size = before.index, len(before.index)
    scale(db_session, 300)
    db_session.flush()
    after = engine_module.engine(db_session)
    assert len(after.index) > first_size + 200
    assert set(after.index.row_of_) == consenting_portfolios(db_session)
    # Few changes are applied one by one; a flood makes the worker rebuild in columns.
    assert (after.index is first_index) == (rebuild_after == 2000)


def test_rows_read_later_never_land_on_another_portfolio() -> None:
    """Each start-up read sees the database as of its own start: a portfolio that consented
    in between shows up in the claims but not in the list of portfolios, and must be left
    to the change log, not filed under the neighbouring row."""
    from eportfolio.matching_index.loading import _rows_of

    ids = np.array([3, 7, 9], dtype=np.int64)
    row, listed = _rows_of(ids, [7, 8, 3, 10, 9])
    assert listed.tolist() == [True, False, True, False, True]
    assert row[listed].tolist() == [1, 0, 2]
    assert _rows_of(np.zeros(0, dtype=np.int64), [5])[1].tolist() == [False]
