"""Jäv that arises after an assessor took a case: the case goes on to another assessor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts import services as accounts
from eportfolio.accounts.models import Membership, Organisation, Role
from eportfolio.audit.models import AuditEvent
from eportfolio.errors import NotAllowed
from eportfolio.notifications.models import Notification
from eportfolio.portfolios import services as portfolios
from eportfolio.privacy import export
from eportfolio.validation import councils, queue, services
from eportfolio.validation.states import Action, State
from tests.validation_world import VWorld, build

EMPLOYER = "Hässleholms Plåt AB"


@pytest.fixture
def w(
    app_ctx: Flask, db_session: Session, create_user: Callable[..., Any], create_org: Any
) -> VWorld:
    return build(db_session, create_user, create_org)


@pytest.fixture
def employed(db_session: Session, w: VWorld, create_org: Any) -> VWorld:
    """The first assessor works for an employer besides sitting on the council."""
    employer = create_org("employer", name=EMPLOYER)
    accounts.grant_role(db_session, w.assessor, Role.EMPLOYER, employer, actor_id=None)
    return w


def _held(session: Session, w: VWorld, state: State) -> Any:
    """Return a case of two skills that ``w.assessor`` holds in ``state``, one skill assessed."""
    case = services.create_case(session, w.learner, w.council.id, w.claim_ids[:2])
    services.transition(session, w.learner, case, Action.SUBMIT)
    assert queue.take_next(session, w.assessor) is case
    data = {"method": "interview", "decision": "verified", "verified_level": 3, "rationale": "r"}
    for row in case.claims[: 1 if state is not State.ASSESSED else None]:
        services.assess_claim(session, w.assessor, case, row.id, data)
    if state is State.AWAITING_LEARNER:
        services.transition(session, w.assessor, case, Action.REQUEST_EVIDENCE, "Ett intyg")
    if state is State.ASSESSED:
        services.transition(session, w.assessor, case, Action.CONCLUDE)
    assert case.state is state
    return case


def _starts_job(session: Session, w: VWorld, employer: str = EMPLOYER, ended: bool = False) -> None:
    """The learner saves a job in her portfolio, as the experience form does."""
    portfolio = portfolios.portfolio_for(session, w.learner)
    data = {
        "employer_name": employer,
        "occupation_text": "Svetsare",
        "start": dt.date(2025, 6, 1),
        "end": dt.date(2025, 9, 1) if ended else None,
    }
    portfolios.save_experience(session, w.learner, portfolio, data)


def _notes(session: Session, user: Any) -> list[str]:
    query = select(Notification.kind).where(Notification.user_id == user.id)
    return list(session.scalars(query.order_by(Notification.id)))


@pytest.mark.parametrize(
    ("held", "left_in"),
    [
        (State.IN_ASSESSMENT, State.SUBMITTED),
        (State.AWAITING_LEARNER, State.AWAITING_LEARNER),
        (State.ASSESSED, State.SUBMITTED),
    ],
)
def test_a_job_where_the_assessor_works_hands_the_case_on(
    db_session: Session, employed: VWorld, held: State, left_in: State
) -> None:
    w = employed
    case = _held(db_session, w, held)
    learner_notes = _notes(db_session, w.learner)
    _starts_job(db_session, w, "  hässleholms plåt ab")
    assert case.state is left_in and case.assessor_id is None
    assert w.assessor.id in case.past_assessor_ids
    assert all(c.decision is None and c.verified_level is None for c in case.claims)
    assert not services.can_view(db_session, w.assessor, case)
    assert [i.case for i in queue.queue(db_session, w.assessor, {})] == []
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "validation.case.release")
    ).one()
    assert event.actor_id is None and event.subject_id == str(case.id)
    assert event.data == {
        "from": held.value,
        "to": left_in.value,
        "reason": "conflict_detected",
        "assessor_id": w.assessor.id,
    }
    assert _notes(db_session, w.learner) == learner_notes  # she is told nothing
    assert _notes(db_session, w.assessor)[-1] == "case_handed_on"
    if held is State.ASSESSED:
        with pytest.raises(NotAllowed):  # the chair has nothing of his left to approve
            services.transition(db_session, w.chair, case, Action.CERTIFY)
    if left_in is State.AWAITING_LEARNER:
        services.transition(db_session, w.learner, case, Action.RESUBMIT)
        assert case.state is State.SUBMITTED
    assert "case_in_queue" in _notes(db_session, w.assessor2)
    assert queue.take_next(db_session, w.assessor2) is case
    assert queue.take_next(db_session, w.assessor) is None


def test_a_job_elsewhere_or_one_that_ended_leaves_the_case_with_him(
    db_session: Session, employed: VWorld
) -> None:
    w = employed
    case = _held(db_session, w, State.IN_ASSESSMENT)
    _starts_job(db_session, w, "Kristianstads Rör AB")
    _starts_job(db_session, w, EMPLOYER, ended=True)
    assert case.state is State.IN_ASSESSMENT and case.assessor_id == w.assessor.id
    assert services.can_view(db_session, w.assessor, case)


def test_the_learner_never_learns_who_was_javig_or_why(
    db_session: Session, employed: VWorld
) -> None:
    """Her data export holds her own acts, not the council's hand-over."""
    w = employed
    _held(db_session, w, State.IN_ASSESSMENT)
    _starts_job(db_session, w)
    data = export.collect(db_session, w.learner)
    assert "conflict_detected" not in str(data["audit_events"])
    assert "validation.case.release" not in str(data["audit_events"])


def test_an_assessor_joining_a_council_the_learner_works_for_hands_her_case_on(
    db_session: Session, w: VWorld
) -> None:
    case = _held(db_session, w, State.IN_ASSESSMENT)
    _starts_job(db_session, w, "Valideringsrådet Plåt")
    assert case.assessor_id == w.assessor.id  # no one of that name yet
    other = councils.save_council(db_session, w.coordinator, {"name": "Valideringsrådet Plåt"})
    councils.add_member(db_session, w.coordinator, other.id, w.assessor.email, "assessor")
    assert case.state is State.SUBMITTED and case.assessor_id is None


def test_renaming_the_council_to_the_learners_employer_hands_her_case_on(
    db_session: Session, w: VWorld
) -> None:
    case = _held(db_session, w, State.IN_ASSESSMENT)
    _starts_job(db_session, w, "Svetsrådet Nordost")
    councils.save_council(db_session, w.coordinator, {"name": "Svetsrådet Nordost"}, w.council.id)
    assert case.state is State.SUBMITTED and case.assessor_id is None
    # Every assessor of the council is jävig now: the case waits for someone who is not.
    assert queue.take_next(db_session, w.assessor2) is None


def test_declaring_jav_on_one_case_hands_on_every_case_of_the_learner_he_holds(
    db_session: Session, w: VWorld
) -> None:
    first = _held(db_session, w, State.IN_ASSESSMENT)
    second = services.create_case(db_session, w.learner, w.council.id, [w.claim_ids[2]])
    services.transition(db_session, w.learner, second, Action.SUBMIT)
    services.transition(db_session, w.assessor, second, Action.TAKE)
    assert services.declare_conflict(db_session, w.assessor, first) is State.SUBMITTED
    assert (first.state, second.state) == (State.SUBMITTED, State.SUBMITTED)
    assert first.assessor_id is None and second.assessor_id is None
    reasons = db_session.scalars(
        select(AuditEvent.data).where(AuditEvent.action == "validation.case.release")
    ).all()
    assert [r["reason"] for r in reasons] == ["conflict_of_interest"] * 2
    assert "case_handed_on" not in _notes(db_session, w.assessor)  # he did it himself


def test_the_learner_joining_the_assessors_employer_hands_her_case_on(
    db_session: Session, employed: VWorld
) -> None:
    w = employed
    case = _held(db_session, w, State.AWAITING_LEARNER)
    employer = db_session.scalars(select(Organisation).where(Organisation.name == EMPLOYER)).one()
    accounts.grant_role(db_session, w.learner, Role.EMPLOYER, employer, actor_id=None)
    assert case.state is State.AWAITING_LEARNER and case.assessor_id is None


def test_the_operator_command_frees_cases_left_stuck_before_the_fix(
    app: Flask, db_session: Session, w: VWorld, create_org: Any
) -> None:
    """Written behind the services' back, as older releases let it happen: nothing noticed."""
    case = _held(db_session, w, State.IN_ASSESSMENT)
    employer = create_org("employer", name="Osby Verkstad")  # where the learner works
    db_session.add(
        Membership(user_id=w.assessor.id, organisation_id=employer.id, role=Role.EMPLOYER)
    )
    db_session.commit()  # released to the outer test transaction, visible to the CLI session
    assert case.assessor_id == w.assessor.id
    result = app.test_cli_runner().invoke(args=["validation", "hand-on-conflicted"])
    assert result.exit_code == 0 and "1 cases handed on" in result.output
    db_session.refresh(case)
    assert case.state is State.SUBMITTED and case.assessor_id is None
    again = app.test_cli_runner().invoke(args=["validation", "hand-on-conflicted"])
    assert "0 cases handed on" in again.output
