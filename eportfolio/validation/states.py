"""The validation case state machine: the single table of which transitions exist, and for whom.

Nothing else moves a case. ``services.transition`` looks an action up here, checks that the
user plays one of the allowed parts on that case, and records the move in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_ASSESSMENT = "in_assessment"
    AWAITING_LEARNER = "awaiting_learner"
    ASSESSED = "assessed"
    CERTIFIED = "certified"
    NOT_CERTIFIED = "not_certified"
    WITHDRAWN = "withdrawn"
    REASSESSMENT_REQUESTED = "reassessment_requested"


class Part(StrEnum):
    """The part a user plays on one case; worked out per case, never from a global role."""

    LEARNER = "learner"  # the case is theirs
    ELIGIBLE_ASSESSOR = "eligible_assessor"  # an assessor of the council without a conflict
    CASE_ASSESSOR = "case_assessor"  # the assessor holding the case
    CHAIR = "chair"  # the council's chair, not the case's assessor, without a conflict


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    TAKE = "take"
    RELEASE = "release"
    REQUEST_EVIDENCE = "request_evidence"
    RESUBMIT = "resubmit"
    CONCLUDE = "conclude"
    CERTIFY = "certify"
    NOT_CERTIFY = "not_certify"
    RETURN = "return"
    REQUEST_REASSESSMENT = "request_reassessment"


@dataclass(frozen=True)
class Transition:
    source: State
    action: Action
    target: State
    parts: frozenset[Part]


def _t(source: State, action: Action, target: State, *parts: Part) -> Transition:
    return Transition(source, action, target, frozenset(parts))


S, A, P = State, Action, Part
TRANSITIONS: tuple[Transition, ...] = (
    _t(S.DRAFT, A.SUBMIT, S.SUBMITTED, P.LEARNER),
    _t(S.DRAFT, A.WITHDRAW, S.WITHDRAWN, P.LEARNER),
    _t(S.SUBMITTED, A.TAKE, S.IN_ASSESSMENT, P.ELIGIBLE_ASSESSOR),
    _t(S.SUBMITTED, A.WITHDRAW, S.WITHDRAWN, P.LEARNER),
    _t(S.IN_ASSESSMENT, A.RELEASE, S.SUBMITTED, P.CASE_ASSESSOR),
    _t(S.IN_ASSESSMENT, A.REQUEST_EVIDENCE, S.AWAITING_LEARNER, P.CASE_ASSESSOR),
    _t(S.IN_ASSESSMENT, A.CONCLUDE, S.ASSESSED, P.CASE_ASSESSOR),
    _t(S.IN_ASSESSMENT, A.WITHDRAW, S.WITHDRAWN, P.LEARNER),
    _t(S.AWAITING_LEARNER, A.RESUBMIT, S.IN_ASSESSMENT, P.LEARNER),
    _t(S.AWAITING_LEARNER, A.WITHDRAW, S.WITHDRAWN, P.LEARNER),
    _t(S.ASSESSED, A.CERTIFY, S.CERTIFIED, P.CHAIR),
    _t(S.ASSESSED, A.NOT_CERTIFY, S.NOT_CERTIFIED, P.CHAIR),
    _t(S.ASSESSED, A.RETURN, S.IN_ASSESSMENT, P.CHAIR),
    _t(S.CERTIFIED, A.REQUEST_REASSESSMENT, S.REASSESSMENT_REQUESTED, P.LEARNER),
    _t(S.NOT_CERTIFIED, A.REQUEST_REASSESSMENT, S.REASSESSMENT_REQUESTED, P.LEARNER),
    # Omprövning: taken like a new case, but never by an assessor who assessed it before.
    _t(S.REASSESSMENT_REQUESTED, A.TAKE, S.IN_ASSESSMENT, P.ELIGIBLE_ASSESSOR),
)

_BY_KEY: dict[tuple[State, Action], Transition] = {(t.source, t.action): t for t in TRANSITIONS}

# States in which the learner's evidence is frozen and the case waits for someone else.
OPEN_STATES = frozenset({S.SUBMITTED, S.IN_ASSESSMENT, S.AWAITING_LEARNER, S.ASSESSED})
QUEUE_STATES = frozenset({S.SUBMITTED, S.REASSESSMENT_REQUESTED})
FINAL_STATES = frozenset({S.CERTIFIED, S.NOT_CERTIFIED, S.WITHDRAWN})


def find(source: State, action: Action) -> Transition | None:
    """Return the transition ``action`` takes from ``source``, or None when there is none."""
    return _BY_KEY.get((source, action))


def actions_from(source: State) -> list[Transition]:
    """Return every transition leaving ``source``."""
    return [t for t in TRANSITIONS if t.source is source]
