"""The index follows committed changes only, in whatever order their transactions commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from eportfolio.matching_index.engine import Engine, engine
from eportfolio.matching_index.models import MatchingChange
from eportfolio.portfolios.models import Portfolio
from matching.index import municipality_code


def _portfolio(session: Session, user: Any) -> Portfolio:
    found = session.scalar(select(Portfolio).where(Portfolio.user_id == user.id))
    assert found is not None
    return found


def _indexed_municipality(current: Engine, portfolio: Portfolio) -> int:
    return int(current.index.municipality_[current.index.row_of_[portfolio.id]])


def test_a_rolled_back_withdrawal_leaves_the_learner_findable(
    db_session: Session, demo: dict[str, Any]
) -> None:
    from eportfolio.privacy.services import withdraw_matching_consent

    mine, other = _portfolio(db_session, demo["larande"]), _portfolio(db_session, demo["larande2"])
    assert mine.id in engine(db_session).index.row_of_
    withdraw_matching_consent(db_session, demo["larande"])
    db_session.flush()
    assert mine.id in engine(db_session).index.row_of_  # not committed: the index waits
    db_session.rollback()  # e.g. the request failed after the flush
    other.municipality_code = "1290"  # someone else's edit commits with a later change id
    db_session.commit()
    current = engine(db_session)
    assert _indexed_municipality(current, other) == municipality_code("1290")
    assert mine.id in current.index.row_of_


def test_a_change_committed_after_a_later_one_reaches_the_index(
    db_session: Session, demo: dict[str, Any]
) -> None:
    """Two workers' transactions: change n+1 becomes visible before change n."""
    current = engine(db_session)
    first, second = (
        _portfolio(db_session, demo["larande"]),
        _portfolio(db_session, demo["larande2"]),
    )
    top = db_session.scalar(select(func.max(MatchingChange.id))) or 0
    # Plain SQL, so the ORM hook writes no change rows of its own: the ids are ours to set.
    db_session.execute(
        update(Portfolio).where(Portfolio.id == second.id).values(municipality_code="1290")
    )
    db_session.execute(insert(MatchingChange).values(id=top + 2, user_id=second.user_id))
    db_session.commit()
    assert _indexed_municipality(engine(db_session), second) == municipality_code("1290")
    db_session.execute(
        update(Portfolio).where(Portfolio.id == first.id).values(municipality_code="1256")
    )
    db_session.execute(insert(MatchingChange).values(id=top + 1, user_id=first.user_id))
    db_session.commit()
    after = engine(db_session)
    assert after is current  # applied in place, not by a rebuild
    assert _indexed_municipality(after, first) == municipality_code("1256")


def test_workers_built_before_and_after_a_new_text_give_one_score(
    db_session: Session, demo: dict[str, Any]
) -> None:
    """Each gunicorn worker builds its own engine: one built before a learner wrote about
    their work, one after, must still give every candidate the same score."""
    import datetime as dt

    from eportfolio.matching_index.engine import build
    from eportfolio.portfolios.models import Experience
    from matching import Need, NeedSkill

    before = engine(db_session)  # a worker started earlier
    johan = _portfolio(db_session, demo["larande2"])
    johan.experiences.append(
        Experience(
            employer_name="Verkstad AB",
            occupation_text="Svetsare",
            start=dt.date(2020, 1, 1),
            description="Svetsning av rostfria rör och tryckkärl i verkstad",
        )
    )
    db_session.commit()
    before = engine(db_session)  # it takes the change in
    after = build(db_session)  # a worker started now
    need = Need(
        [NeedSkill("seed:skill:tig-svetsning", 2, True)],
        text="Svetsare till verkstad: rostfria rör och tryckkärl",
    )
    (old,) = before.matcher.explain(need, [johan.id])
    (new,) = after.matcher.explain(need, [johan.id])
    assert old.contributions()["text"] > 0
    assert old.score == new.score and old.contributions() == new.contributions()
