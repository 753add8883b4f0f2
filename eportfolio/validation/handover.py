"""Cases leaving an assessor who may no longer hold them: jäv declared by him, or found later.

Jäv can arise after an assessor took a case: the learner starts a job where he works, or he
joins an organisation the learner belongs to. ``services.parts_of`` stops him deciding at once,
but the case would stay his, untakeable by anyone else. So every write that can make an
assessor jävig calls ``hand_on_conflicted`` before it records its own audit event (taking
case rows before the audit log's lock, in the order ``services.transition`` does), and the
case goes back to the queue exactly as when he declares jäv. Reads never move a case.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eportfolio.accounts.models import User
from eportfolio.audit import services as audit
from eportfolio.db import utcnow
from eportfolio.notifications.services import notify
from eportfolio.validation import councils
from eportfolio.validation.models import ValidationCase
from eportfolio.validation.states import Action, State

# The states in which the case assessor holds a case; jäv hands it on from each of them.
HELD_STATES = frozenset({State.IN_ASSESSMENT, State.AWAITING_LEARNER, State.ASSESSED})

DECLARED, DETECTED = "conflict_of_interest", "conflict_detected"


def held_cases(
    session: Session, *, learner_id: int | None = None, assessor_ids: list[int] | None = None
) -> list[ValidationCase]:
    """Return the cases some assessor holds, of one learner and/or some assessors, locked."""
    query = select(ValidationCase).where(
        ValidationCase.state.in_(HELD_STATES), ValidationCase.assessor_id.is_not(None)
    )
    if learner_id is not None:
        query = query.where(ValidationCase.learner_id == learner_id)
    if assessor_ids is not None:
        query = query.where(ValidationCase.assessor_id.in_(assessor_ids))
    # Locked and read afresh: an assessor's move on the case waits, then finds it gone.
    query = query.order_by(ValidationCase.id).with_for_update(of=ValidationCase)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def hand_on(session: Session, case: ValidationCase, *, actor_id: int | None, reason: str) -> bool:
    """Take ``case`` off its assessor: back to the queue, or to the queue once the learner answers.

    His assessments on it are cleared, since a jävig assessor's judgement cannot stand, and he
    never gets the case again. Return False when the case moved meanwhile and was left alone.
    """
    held_from, assessor_id = case.state, case.assessor_id
    if held_from not in HELD_STATES or assessor_id is None:
        return False
    target = State.AWAITING_LEARNER if held_from is State.AWAITING_LEARNER else State.SUBMITTED
    moved = session.execute(
        update(ValidationCase)
        .where(
            ValidationCase.id == case.id,
            ValidationCase.state == held_from,
            ValidationCase.assessor_id == assessor_id,
        )
        .values(state=target, assessor_id=None, updated_at=utcnow())
    )
    session.refresh(case)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    case.past_assessor_ids = [*(case.past_assessor_ids or []), assessor_id]
    for claim in case.claims:
        claim.decision = claim.method = claim.rationale = None
        claim.verified_level = None
    audit.record(
        session,
        f"validation.case.{Action.RELEASE.value}",
        actor_id=actor_id,
        subject_type="validation_case",
        subject_id=case.id,
        data={
            "from": held_from.value,
            "to": target.value,
            "reason": reason,
            "assessor_id": assessor_id,
        },
    )
    if target is State.SUBMITTED:
        councils.notify_assessors(session, case)
    if reason == DETECTED:
        # He did not hand it on himself: tell him where it went, and nothing about why.
        assessor = session.get(User, assessor_id)
        if assessor is not None:
            notify(session, assessor, "case_handed_on", {"case": case.number}, "/validation/queue")
    session.flush()
    return True


def hand_on_conflicted(
    session: Session, *, learner_id: int | None = None, assessor_ids: list[int] | None = None
) -> list[ValidationCase]:
    """Hand on every held case (of the learner, of the assessors) whose assessor is now jävig.

    No one acts: jäv was found, not declared, so the audit event has no actor and names the
    assessor in its data. Return the cases handed on.
    """
    handed = []
    for case in held_cases(session, learner_id=learner_id, assessor_ids=assessor_ids):
        assessor = case.assessor
        if assessor is None or not councils.has_conflict(session, assessor, case.learner_id):
            continue
        if hand_on(session, case, actor_id=None, reason=DETECTED):
            handed.append(case)
    return handed
