"""Diarienummer: given when a case is first sent, per council and Swedish year, never reused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from eportfolio.validation import queue, registration, services
from eportfolio.validation.states import Action, State
from tests.validation_world import VWorld, build


@pytest.fixture
def w(
    app_ctx: Flask, db_session: Session, create_user: Callable[..., Any], create_org: Any
) -> VWorld:
    return build(db_session, create_user, create_org)


def _sent(session: Session, w: VWorld, claim: int = 0) -> Any:
    case = services.create_case(session, w.learner, w.council.id, [w.claim_ids[claim]])
    assert case.number is None  # a draft has none
    services.transition(session, w.learner, case, Action.SUBMIT)
    return case


def _series(w: VWorld, year: int, *seqs: int) -> list[str]:
    return [registration.format_number(w.council.id, year, n) for n in seqs]


def test_a_series_per_swedish_calendar_year(
    db_session: Session, w: VWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    moments = iter(
        [
            dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC),  # 23:30 in Sweden
            dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),  # 00:30 on New Year's Day
            dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC),
        ]
    )
    monkeypatch.setattr(registration, "utcnow", lambda: next(moments))
    cases = [_sent(db_session, w, claim=n) for n in range(3)]
    assert [c.number for c in cases] == [*_series(w, 2026, 1), *_series(w, 2027, 1, 2)]
    assert cases[1].submitted_at.replace(tzinfo=None) == dt.datetime(2026, 12, 31, 23, 30)


def test_the_number_stays_through_the_whole_case(db_session: Session, w: VWorld) -> None:
    case = _sent(db_session, w)
    number, sent = case.number, case.submitted_at.replace(tzinfo=None)  # SQLite: naive UTC
    assert queue.take_next(db_session, w.assessor) is case
    services.transition(db_session, w.assessor, case, Action.REQUEST_EVIDENCE, "Ett intyg")
    services.transition(db_session, w.learner, case, Action.RESUBMIT)
    services.transition(db_session, w.assessor, case, Action.RELEASE)
    assert (case.number, case.submitted_at.replace(tzinfo=None)) == (number, sent)


def test_a_withdrawn_draft_takes_no_number(db_session: Session, w: VWorld) -> None:
    draft = services.create_case(db_session, w.learner, w.council.id, [w.claim_ids[0]])
    services.transition(db_session, w.learner, draft, Action.WITHDRAW)
    assert draft.state is State.WITHDRAWN and draft.number is None
    year = registration.year_of(dt.datetime.now(dt.UTC))
    assert _sent(db_session, w, claim=1).number == _series(w, year, 1)[0]


def test_a_submission_rolled_back_leaves_no_gap(db_session: Session, w: VWorld) -> None:
    attempt = db_session.begin_nested()
    _sent(db_session, w)
    attempt.rollback()
    year = registration.year_of(dt.datetime.now(dt.UTC))
    assert _sent(db_session, w).number == _series(w, year, 1)[0]


def test_the_number_of_an_erased_case_is_never_given_again(db_session: Session, w: VWorld) -> None:
    from eportfolio.portfolios.models import SkillClaim
    from eportfolio.portfolios.services import portfolio_for
    from eportfolio.privacy import erasure

    gone = _sent(db_session, w).number
    erasure.erase(db_session, w.learner)
    other = portfolio_for(db_session, w.other_learner)
    other.claims.append(SkillClaim(text_as_typed="x", concept_id=w.skill_ids[0], level=2))
    db_session.flush()
    after = services.create_case(db_session, w.other_learner, w.council.id, [other.claims[0].id])
    services.transition(db_session, w.other_learner, after, Action.SUBMIT)
    year = registration.year_of(dt.datetime.now(dt.UTC))
    assert [gone, after.number] == _series(w, year, 1, 2)
