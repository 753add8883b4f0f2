"""Validation cases through the services: freezing, jäv, transitions, audit, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eportfolio.audit import services as audit
from eportfolio.audit.models import AuditEvent
from eportfolio.errors import Conflict, ValidationFailed
from eportfolio.notifications.models import Notification
from eportfolio.portfolios.models import EvidenceStatus, SkillClaim
from eportfolio.validation import councils, queue, services
from eportfolio.validation.models import ValidationCase
from eportfolio.validation.services import NotAllowed
from eportfolio.validation.states import Action, State
from tests.validation_world import VWorld, build


@pytest.fixture
def w(
    app_ctx: Flask, db_session: Session, create_user: Callable[..., Any], create_org: Any
) -> VWorld:
    return build(db_session, create_user, create_org)


def _submitted(session: Session, w: VWorld, claims: list[int] | None = None, **kw: Any) -> Any:
    case = services.create_case(session, w.learner, w.council.id, claims or w.claim_ids[:2], **kw)
    services.transition(session, w.learner, case, Action.SUBMIT)
    return case


def _assess_all(session: Session, w: VWorld, case: Any, decision: str = "verified") -> None:
    for row in case.claims:
        services.assess_claim(
            session,
            w.assessor,
            case,
            row.id,
            {"method": "interview", "decision": decision, "verified_level": 3, "rationale": "ok"},
        )


def test_submission_freezes_claims_and_later_edits_do_not_change_them(
    db_session: Session, w: VWorld
) -> None:
    case = _submitted(db_session, w)
    assert case.state is State.SUBMITTED
    assert [c.level for c in case.claims] == [2, 3]
    claim = db_session.get(SkillClaim, w.claim_ids[0])
    claim.level = 4
    db_session.flush()
    assert case.claims[0].level == 2
    assert case.snapshot["claims"][0]["level"] == 2


def test_an_occupation_case_assesses_every_essential_skill(db_session: Session, w: VWorld) -> None:
    case = _submitted(db_session, w, claims=[w.claim_ids[2]], occupation_id=w.occupation_id)
    assert sorted(c.concept_id for c in case.claims) == sorted(w.skill_ids)


def test_full_path_to_certification_writes_audit_and_flows_back(
    db_session: Session, w: VWorld
) -> None:
    case = _submitted(db_session, w)
    assert queue.take_next(db_session, w.assessor) is case
    services.transition(db_session, w.assessor, case, Action.REQUEST_EVIDENCE, "Ett intyg, tack")
    assert case.request_message == "Ett intyg, tack"
    services.transition(db_session, w.learner, case, Action.RESUBMIT)
    services.assess_claim(
        db_session,
        w.assessor,
        case,
        case.claims[0].id,
        {
            "method": "practical_test",
            "decision": "verified",
            "verified_level": 3,
            "rationale": "Bra",
        },
    )
    services.assess_claim(
        db_session,
        w.assessor,
        case,
        case.claims[1].id,
        {"method": "interview", "decision": "not_verified", "rationale": "Saknas"},
    )
    services.transition(db_session, w.assessor, case, Action.CONCLUDE)
    with pytest.raises(NotAllowed):  # four eyes: the assessor cannot certify their own case
        services.transition(db_session, w.assessor, case, Action.CERTIFY)
    services.transition(db_session, w.chair, case, Action.CERTIFY)
    assert case.state is State.CERTIFIED
    first = db_session.get(SkillClaim, w.claim_ids[0])
    assert first.status is EvidenceStatus.CERTIFIED and first.verified_level == 3
    assert first.credential_uuid
    assert db_session.get(SkillClaim, w.claim_ids[1]).status is not EvidenceStatus.CERTIFIED
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "validation_case")
    ).all()
    moves = [(e.data["from"], e.data["to"]) for e in events if "from" in e.data]
    assert moves == [
        ("draft", "submitted"),
        ("submitted", "in_assessment"),
        ("in_assessment", "awaiting_learner"),
        ("awaiting_learner", "in_assessment"),
        ("in_assessment", "assessed"),
        ("assessed", "certified"),
    ]
    assert audit.verify(db_session).ok
    kinds = db_session.scalars(
        select(Notification.kind).where(Notification.user_id == w.learner.id)
    ).all()
    assert {"evidence_requested", "case_certified"} <= set(kinds)


def test_a_case_is_held_by_one_assessor(db_session: Session, w: VWorld) -> None:
    case = _submitted(db_session, w)
    services.transition(db_session, w.assessor, case, Action.TAKE)
    with pytest.raises((NotAllowed, Conflict)):
        services.transition(db_session, w.assessor2, case, Action.TAKE)
    assert queue.take_next(db_session, w.assessor2) is None
    services.transition(db_session, w.assessor, case, Action.RELEASE)
    assert case.assessor_id is None
    assert queue.take_next(db_session, w.assessor2) is case


def test_the_conditional_update_refuses_a_stale_take(db_session: Session, w: VWorld) -> None:
    case = _submitted(db_session, w)
    # Another request takes it behind this session's back: its copy still says "submitted".
    db_session.execute(
        update(ValidationCase.__table__)
        .where(ValidationCase.__table__.c.id == case.id)
        .values(state="in_assessment", assessor_id=w.assessor.id)
    )
    assert case.state is State.SUBMITTED
    with pytest.raises(Conflict):
        services.transition(db_session, w.assessor2, case, Action.TAKE)


def test_conflicts_of_interest(
    db_session: Session, w: VWorld, create_org: Any, create_user: Any
) -> None:
    from eportfolio.accounts.models import Membership, Role

    case = _submitted(db_session, w)
    councils.declare_conflict(db_session, w.assessor, w.learner.id)
    assert queue.take_next(db_session, w.assessor) is None
    # Employed where the second assessor works: by the ongoing experience's employer name.
    employer = create_org("employer", name="osby verkstad")
    db_session.add(
        Membership(user_id=w.assessor2.id, organisation_id=employer.id, role=Role.EMPLOYER)
    )
    db_session.flush()
    db_session.refresh(w.assessor2)
    assert councils.has_conflict(db_session, w.assessor2, w.learner.id)
    assert queue.take_next(db_session, w.assessor2) is None
    third = create_user("assessor", organisation=w.council)
    assert queue.take_next(db_session, third) is case
    assert councils.has_conflict(db_session, third, third.id)  # never one's own case


def test_unauthorised_people_cannot_move_a_case(db_session: Session, w: VWorld) -> None:
    case = _submitted(db_session, w)
    for user in (w.other_learner, w.coordinator, w.chair):
        with pytest.raises(NotAllowed):
            services.transition(
                db_session,
                user,
                case,
                Action.TAKE if user is not w.other_learner else Action.WITHDRAW,
            )
    with pytest.raises(NotAllowed):
        services.transition(db_session, w.learner, case, Action.CONCLUDE)


def test_conclude_needs_every_claim_decided_and_certify_a_verified_one(
    db_session: Session, w: VWorld
) -> None:
    case = _submitted(db_session, w)
    queue.take_next(db_session, w.assessor)
    with pytest.raises(ValidationFailed):
        services.transition(db_session, w.assessor, case, Action.CONCLUDE)
    _assess_all(db_session, w, case, "not_verified")
    services.transition(db_session, w.assessor, case, Action.CONCLUDE)
    with pytest.raises(ValidationFailed):
        services.transition(db_session, w.chair, case, Action.CERTIFY)
    services.transition(db_session, w.chair, case, Action.NOT_CERTIFY)
    assert case.state is State.NOT_CERTIFIED


def test_omprovning_goes_to_another_assessor_within_the_deadline(
    db_session: Session, w: VWorld
) -> None:
    case = _submitted(db_session, w)
    queue.take_next(db_session, w.assessor)
    _assess_all(db_session, w, case, "not_verified")
    services.transition(db_session, w.assessor, case, Action.CONCLUDE)
    services.transition(db_session, w.chair, case, Action.NOT_CERTIFY)
    services.transition(db_session, w.learner, case, Action.REQUEST_REASSESSMENT, "Jag har mer")
    assert case.state is State.REASSESSMENT_REQUESTED
    assert queue.take_next(db_session, w.assessor) is None
    assert queue.take_next(db_session, w.assessor2) is case
    assert all(c.decision is None for c in case.claims)


def test_omprovning_after_the_deadline_is_refused(db_session: Session, w: VWorld) -> None:
    case = _submitted(db_session, w)
    queue.take_next(db_session, w.assessor)
    _assess_all(db_session, w, case, "not_verified")
    services.transition(db_session, w.assessor, case, Action.CONCLUDE)
    services.transition(db_session, w.chair, case, Action.NOT_CERTIFY)
    case.decided_at = case.decided_at - dt.timedelta(weeks=4)
    with pytest.raises(ValidationFailed):
        services.transition(db_session, w.learner, case, Action.REQUEST_REASSESSMENT, "Sent")


def test_withdraw_before_assessed_only(db_session: Session, w: VWorld) -> None:
    case = _submitted(db_session, w)
    queue.take_next(db_session, w.assessor)
    _assess_all(db_session, w, case)
    services.transition(db_session, w.assessor, case, Action.CONCLUDE)
    with pytest.raises(NotAllowed):
        services.transition(db_session, w.learner, case, Action.WITHDRAW)
    other = _submitted(db_session, w, claims=[w.claim_ids[2]])
    services.transition(db_session, w.learner, other, Action.WITHDRAW)
    assert other.state is State.WITHDRAWN


def test_queue_lists_oldest_first_with_counts(db_session: Session, w: VWorld) -> None:
    first = _submitted(db_session, w, claims=[w.claim_ids[0]])
    second = _submitted(db_session, w, claims=[w.claim_ids[1]])
    items = queue.queue(db_session, w.assessor, {})
    assert [i.case.id for i in items] == [first.id, second.id]
    assert queue.counts(items) == {"submitted": 2}
    assert queue.queue(db_session, w.assessor, {"state": "in_assessment"}) == []


def test_queue_filters_by_occupation_and_counts_days_waiting(
    db_session: Session, w: VWorld
) -> None:
    plain = _submitted(db_session, w, claims=[w.claim_ids[0]])
    welder = _submitted(db_session, w, claims=[w.claim_ids[2]], occupation_id=w.occupation_id)
    plain.submitted_at = plain.submitted_at - dt.timedelta(days=6)
    db_session.flush()
    items = queue.queue(db_session, w.assessor, {"occupation_id": w.occupation_id})
    assert [i.case.id for i in items] == [welder.id]
    days = {i.case.id: i.days_waiting for i in queue.queue(db_session, w.assessor, {})}
    assert days == {plain.id: 6, welder.id: 0}


def test_a_new_certification_after_omprovning_replaces_the_credential(
    db_session: Session, w: VWorld
) -> None:
    from eportfolio.credentials.models import IssuedCredential

    case = _submitted(db_session, w, claims=[w.claim_ids[0]])
    queue.take_next(db_session, w.assessor)
    _assess_all(db_session, w, case)
    services.transition(db_session, w.assessor, case, Action.CONCLUDE)
    services.transition(db_session, w.chair, case, Action.CERTIFY)
    services.transition(db_session, w.learner, case, Action.REQUEST_REASSESSMENT, "Nivå 4")
    assert queue.take_next(db_session, w.assessor2) is case
    services.assess_claim(
        db_session,
        w.assessor2,
        case,
        case.claims[0].id,
        {"method": "interview", "decision": "verified", "verified_level": 4, "rationale": "r"},
    )
    services.transition(db_session, w.assessor2, case, Action.CONCLUDE)
    services.transition(db_session, w.chair, case, Action.CERTIFY)
    first, second = db_session.scalars(select(IssuedCredential).order_by(IssuedCredential.id)).all()
    assert first.revoked_at is not None and second.revoked_at is None
    claim = db_session.get(SkillClaim, w.claim_ids[0])
    assert claim.credential_uuid == second.uuid and claim.verified_level == 4


def test_a_case_returned_after_its_assessor_left_the_council_joins_the_queue(
    db_session: Session, w: VWorld
) -> None:
    """The chair's return sent it back to an assessor who could no longer open it."""
    case = _submitted(db_session, w)
    queue.take_next(db_session, w.assessor)
    _assess_all(db_session, w, case)
    services.transition(db_session, w.assessor, case, Action.CONCLUDE)
    membership = next(
        m for m in councils.members_of(db_session, w.council.id) if m.user_id == w.assessor.id
    )
    councils.remove_member(db_session, w.coordinator, w.council.id, membership.id)
    services.transition(db_session, w.chair, case, Action.RETURN, "Motivera nivån")
    assert case.state is State.SUBMITTED and case.assessor_id is None
    assert queue.take_next(db_session, w.assessor2).id == case.id  # someone else takes it on
