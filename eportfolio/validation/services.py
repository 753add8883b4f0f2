"""Validation cases: create, freeze, move through the state machine, assess, decide.

Every move goes through ``transition``: it looks the action up in ``states.TRANSITIONS``, checks
the user's part on the case, moves the state with a conditional UPDATE (so two requests can
never both move the same case out of one state), and writes the audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Membership, Role, User
from eportfolio.audit import services as audit
from eportfolio.db import utcnow
from eportfolio.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from eportfolio.notifications.services import notify
from eportfolio.portfolios.models import Portfolio
from eportfolio.taxonomy_store.models import Concept
from eportfolio.validation import councils, handover, registration, snapshot
from eportfolio.validation.models import CaseClaim, ValidationCase
from eportfolio.validation.states import QUEUE_STATES, Action, Part, State, find

REASSESSMENT_DEADLINE = dt.timedelta(weeks=3)
METHODS = ("document_review", "interview", "practical_test", "workplace_observation")


def parts_of(session: Session, user: User, case: ValidationCase) -> set[Part]:
    """Return the parts ``user`` plays on ``case``."""
    parts: set[Part] = set()
    if not user.is_active:
        return parts
    if case.learner_id == user.id:
        parts.add(Part.LEARNER)
    council_roles = {
        m.role for m in user.memberships if m.organisation_id == case.council_id
    } & user.roles
    if not council_roles:
        return parts
    conflicted = councils.has_conflict(session, user, case.learner_id)
    if Role.ASSESSOR in council_roles:
        if case.assessor_id == user.id:
            # A jävig assessor never decides the case, even one still in his hands.
            if not conflicted:
                parts.add(Part.CASE_ASSESSOR)
        elif not conflicted and user.id not in (case.past_assessor_ids or []):
            parts.add(Part.ELIGIBLE_ASSESSOR)
    if Role.CHAIR in council_roles and not conflicted and case.assessor_id != user.id:
        parts.add(Part.CHAIR)
    return parts


def was_submitted(case: ValidationCase) -> bool:
    """Return whether the learner ever sent the case; a draft withdrawn unsent never was."""
    return case.state is not State.DRAFT and case.submitted_at is not None


def can_view(session: Session, user: User, case: ValidationCase) -> bool:
    """The learner, and members of the case's council without a conflict once it is submitted."""
    if case.learner_id == user.id:
        return True
    if not was_submitted(case):
        return False
    return bool(parts_of(session, user, case))


def case_for(session: Session, user: User, case_id: int) -> ValidationCase:
    """Return a case the user may see; NotFound otherwise, so ids cannot be probed."""
    case = session.get(ValidationCase, case_id)
    if case is None or not can_view(session, user, case):
        raise NotFound(_l("No such validation case."))
    return case


def allowed_actions(session: Session, user: User, case: ValidationCase) -> list[Action]:
    """Return the actions ``user`` may take on ``case`` now."""
    from eportfolio.validation.states import actions_from

    parts = parts_of(session, user, case)
    return [t.action for t in actions_from(case.state) if t.parts & parts]


def my_cases(session: Session, learner: User) -> list[ValidationCase]:
    query = select(ValidationCase).where(ValidationCase.learner_id == learner.id)
    return list(session.scalars(query.order_by(ValidationCase.id.desc())))


def create_case(
    session: Session,
    learner: User,
    council_id: int,
    claim_ids: list[int],
    occupation_id: int | None = None,
) -> ValidationCase:
    """Start a draft case for the learner's chosen claims and/or a target occupation."""
    portfolio = session.scalar(select(Portfolio).where(Portfolio.user_id == learner.id))
    errors: dict[str, list[Any]] = {}
    own = {c.id for c in portfolio.claims} if portfolio else set()
    if not claim_ids and not occupation_id:
        errors["claim_ids"] = [_l("Choose at least one skill or an occupation.")]
    elif set(claim_ids) - own:
        errors["claim_ids"] = [_l("Choose skills from your portfolio.")]
    if occupation_id:
        concept = session.get(Concept, occupation_id)
        if concept is None or concept.kind != "occupation":
            errors["occupation_id"] = [_l("Choose an occupation from the list.")]
    try:
        councils.council(session, council_id)
    except NotFound:
        errors["council_id"] = [_l("Choose a valideringsråd.")]
    if errors:
        raise ValidationFailed(errors)
    case = ValidationCase(
        learner_id=learner.id,
        council_id=council_id,
        occupation_concept_id=occupation_id or None,
        state=State.DRAFT,
        past_assessor_ids=[],
        snapshot={"claim_ids": sorted(set(claim_ids))},
    )
    session.add(case)
    session.flush()
    audit.record(
        session,
        "validation.case.created",
        actor_id=learner.id,
        subject_type="validation_case",
        subject_id=case.id,
        data={"to": State.DRAFT.value, "council_id": council_id},
    )
    return case


def transition(
    session: Session, user: User, case: ValidationCase, action: Action | str, reason: str = ""
) -> ValidationCase:
    """Move ``case`` by ``action`` if the machine allows it and ``user`` plays an allowed part."""
    action = Action(action)
    step = find(case.state, action)
    parts = parts_of(session, user, case)
    if step is None or not (step.parts & parts):
        raise NotAllowed(_l("That is not possible for this case now."))
    reason = (reason or "").strip()
    _check_preconditions(session, case, action, reason)
    target = step.target
    if action is Action.RESUBMIT and case.assessor_id is None:
        target = State.SUBMITTED  # the assessor left while waiting: the case joins the queue
    guard = [ValidationCase.id == case.id, ValidationCase.state == step.source]
    values: dict[str, Any] = {"state": target, "updated_at": utcnow()}
    if action is Action.RETURN and not _assesses_in(session, case.assessor_id, case.council_id):
        # The assessor left the council after concluding: the returned case joins the queue
        # instead of waiting for someone who can no longer open it.
        values["state"] = target = State.SUBMITTED
        values["assessor_id"] = None
    if action is Action.TAKE:
        guard.append(ValidationCase.assessor_id.is_(None))
        values["assessor_id"] = user.id
    moved = session.execute(update(ValidationCase).where(*guard).values(**values))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(case)
        raise Conflict(_l("Someone else changed this case just now. Look at it again."))
    session.refresh(case)
    _after(session, user, case, action, reason)
    data: dict[str, Any] = {"from": step.source.value, "to": target.value, "reason": reason}
    if action is Action.SUBMIT:
        data["number"] = case.number  # the registration is part of the record
    audit.record(
        session,
        f"validation.case.{action.value}",
        actor_id=user.id,
        subject_type="validation_case",
        subject_id=case.id,
        data=data,
    )
    session.flush()
    return case


def _assesses_in(session: Session, user_id: int | None, council_id: int) -> bool:
    """Tell whether the user is still an assessor of the council."""
    if user_id is None:
        return False
    found = session.scalar(
        select(Membership.id).where(
            Membership.user_id == user_id,
            Membership.organisation_id == council_id,
            Membership.role == Role.ASSESSOR,
        )
    )
    return found is not None


def declare_conflict(session: Session, user: User, case: ValidationCase) -> State | None:
    """Record the user's jäv towards the case's learner; each of her cases he holds goes back.

    Return the state this case is left in, or None if he did not hold it. A case waiting for
    the learner keeps waiting and joins the queue when the learner answers.
    """
    held = handover.held_cases(session, learner_id=case.learner_id, assessor_ids=[user.id])
    councils.declare_conflict(session, user, case.learner_id, case.id)
    for item in held:
        handover.hand_on(session, item, actor_id=user.id, reason=handover.DECLARED)
    return case.state if case in held else None


def _check_preconditions(
    session: Session, case: ValidationCase, action: Action, reason: str
) -> None:
    needs_reason = (Action.REQUEST_EVIDENCE, Action.RETURN, Action.REQUEST_REASSESSMENT)
    if action in needs_reason and not reason:
        raise ValidationFailed({"reason": [_l("Write what you ask for and why.")]})
    if action is Action.CONCLUDE and any(c.decision is None for c in case.claims):
        raise ValidationFailed({"_schema": [_l("Decide on every skill before you conclude.")]})
    if action is Action.CERTIFY and not any(c.decision == "verified" for c in case.claims):
        raise ValidationFailed(
            {"_schema": [_l("No skill is verified, so nothing can be certified.")]}
        )
    if action is Action.REQUEST_REASSESSMENT:
        decided = case.decided_at
        if decided is not None and decided.tzinfo is None:
            decided = decided.replace(tzinfo=dt.UTC)
        if decided is None or utcnow() - decided > REASSESSMENT_DEADLINE:
            raise ValidationFailed({"reason": [_l("The time to ask for omprövning has passed.")]})
    if action is Action.SUBMIT:
        snapshot.check_submittable(session, case)


def _after(session: Session, user: User, case: ValidationCase, action: Action, reason: str) -> None:
    """Do what each move entails besides the state: freeze, notify, decide, issue."""
    link = f"/validation/cases/{case.id}"
    params = {"case": case.number}
    if action is Action.SUBMIT:
        snapshot.freeze(session, case)
        registration.register(session, case)  # its number, and the moment it was sent
        councils.notify_assessors(session, case)
    elif action is Action.TAKE:
        notify(session, case.learner, "case_taken", params, link)
    elif action is Action.RELEASE:
        case.assessor_id = None
    elif action is Action.REQUEST_EVIDENCE:
        case.request_message = reason
        notify(session, case.learner, "evidence_requested", params, link)
    elif action is Action.RESUBMIT:
        snapshot.freeze(session, case, refresh=True)
        case.request_message = None
        if case.assessor:
            notify(session, case.assessor, "case_resubmitted", params, link)
        else:
            councils.notify_assessors(session, case)
    elif action is Action.CONCLUDE:
        for chair in councils.council_members(session, case.council_id, Role.CHAIR):
            if chair.id != case.assessor_id:
                notify(session, chair, "case_assessed", params, link)
    elif action is Action.RETURN:
        if case.assessor:
            notify(session, case.assessor, "case_returned", params, link)
    elif action in (Action.CERTIFY, Action.NOT_CERTIFY):
        case.chair_id = user.id
        case.decided_at = utcnow()
        if action is Action.CERTIFY:
            from eportfolio.credentials import services as credentials

            credentials.issue_for_case(session, user, case)
            notify(session, case.learner, "case_certified", params, link)
        else:
            notify(session, case.learner, "case_not_certified", params, link)
    elif action is Action.REQUEST_REASSESSMENT:
        if case.assessor_id is not None:
            case.past_assessor_ids = [*(case.past_assessor_ids or []), case.assessor_id]
        case.assessor_id = None
        for claim in case.claims:
            claim.decision = claim.method = claim.rationale = None
            claim.verified_level = None
        councils.notify_assessors(session, case, "reassessment_requested")
    if reason:
        case.last_reason = reason
    session.flush()


def assess_claim(
    session: Session, user: User, case: ValidationCase, case_claim_id: int, data: dict[str, Any]
) -> CaseClaim:
    """Record the assessor's method, decision and rationale for one claim of the case."""
    if case.state is not State.IN_ASSESSMENT or Part.CASE_ASSESSOR not in parts_of(
        session, user, case
    ):
        raise NotAllowed(_l("Only the assessor holding the case can assess it now."))
    claim = next((c for c in case.claims if c.id == case_claim_id), None)
    if claim is None:
        raise NotFound(_l("No such skill in this case."))
    verified = data["decision"] == "verified"
    if verified and not data.get("verified_level"):
        raise ValidationFailed({"verified_level": [_l("Choose the level you verified.")]})
    claim.method = data["method"]
    claim.decision = data["decision"]
    claim.verified_level = data.get("verified_level") if verified else None
    claim.rationale = data["rationale"]
    claim.assessed_at = utcnow()
    claim.assessed_by_id = user.id
    session.flush()
    audit.record(
        session,
        "validation.claim.assessed",
        actor_id=user.id,
        subject_type="validation_case",
        subject_id=case.id,
        data={
            "case_claim_id": claim.id,
            "method": claim.method,
            "decision": claim.decision,
            "verified_level": claim.verified_level,
        },
    )
    return claim


def in_queue_guard(case: ValidationCase) -> bool:
    return case.state in QUEUE_STATES and case.assessor_id is None
