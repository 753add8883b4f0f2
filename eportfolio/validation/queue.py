"""The assessor's review queue: oldest first, filters and counts, and taking a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Role, User
from eportfolio.db import utcnow
from eportfolio.validation import services
from eportfolio.validation.models import ConflictDeclaration, ValidationCase
from eportfolio.validation.states import QUEUE_STATES, Action, Part, State


@dataclass(frozen=True)
class QueueItem:
    case: ValidationCase
    days_waiting: int | None  # None once the case is closed: it waits no more
    eligible: bool  # the user may take it now


def _councils(user: User) -> list[int]:
    return [o.id for o in user.organisations(Role.ASSESSOR)] + [
        o.id for o in user.organisations(Role.CHAIR)
    ]


# States in which an assessor takes a case, and those in which it is over.
TAKEABLE = frozenset({State.SUBMITTED, State.REASSESSMENT_REQUESTED})
CLOSED = frozenset({State.CERTIFIED, State.NOT_CERTIFIED, State.WITHDRAWN})


def queue(session: Session, user: User, filters: dict[str, Any]) -> list[QueueItem]:
    """Return the cases of the user's councils, oldest first, filtered."""
    states = [State(filters["state"])] if filters.get("state") else list(State)
    query = (
        select(ValidationCase)
        .where(ValidationCase.council_id.in_(_councils(user)))
        .where(ValidationCase.state.in_([s for s in states if s is not State.DRAFT]))
        # A draft the learner withdrew before sending it never reached the council.
        .where(ValidationCase.submitted_at.is_not(None))
        .order_by(ValidationCase.submitted_at, ValidationCase.id)
    )
    if filters.get("occupation_id"):
        query = query.where(ValidationCase.occupation_concept_id == filters["occupation_id"])
    now = utcnow()
    items = []
    for case in session.scalars(query):
        if filters.get("municipality") and _municipality(session, case) != filters["municipality"]:
            continue
        parts = services.parts_of(session, user, case)
        if not parts:
            continue  # jäv: the case is not shown at all
        open_ = case.state not in CLOSED
        items.append(
            QueueItem(
                case,
                _days(now, case.submitted_at) if open_ else None,
                Part.ELIGIBLE_ASSESSOR in parts and case.state in TAKEABLE,
            )
        )
    return items


def scope_occupations(session: Session, user: User) -> list[Any]:
    """Return the occupations the user's councils validate, for the queue filter."""
    from eportfolio.validation.councils import scope_of

    seen: dict[int, Any] = {}
    for council_id in _councils(user):
        seen.update((c.id, c) for c in scope_of(session, council_id))
    return sorted(seen.values(), key=lambda c: (c.code or "", c.id))


def municipalities(session: Session) -> list[Any]:
    from eportfolio.accounts.models import Municipality

    query = select(Municipality).where(Municipality.in_region).order_by(Municipality.name)
    return list(session.scalars(query))


def counts(items: list[QueueItem]) -> dict[str, int]:
    result: dict[str, int] = {}
    for item in items:
        result[item.case.state.value] = result.get(item.case.state.value, 0) + 1
    return result


def _days(now: datetime, since: datetime | None) -> int:
    if since is None:
        return 0
    if since.tzinfo is None:
        since = since.replace(tzinfo=now.tzinfo)
    return (now - since).days


def _municipality(session: Session, case: ValidationCase) -> str | None:
    from eportfolio.portfolios.models import Portfolio

    portfolio = session.scalar(select(Portfolio).where(Portfolio.user_id == case.learner_id))
    return portfolio.municipality_code if portfolio else None


def take_next(session: Session, user: User) -> ValidationCase | None:
    """Take the oldest waiting case the user may assess; None when there is none."""
    declared = select(ConflictDeclaration.learner_id).where(
        ConflictDeclaration.assessor_id == user.id
    )
    query = (
        select(ValidationCase.id)
        .where(ValidationCase.council_id.in_([o.id for o in user.organisations(Role.ASSESSOR)]))
        .where(ValidationCase.state.in_(list(QUEUE_STATES)))
        .where(ValidationCase.assessor_id.is_(None))
        .where(ValidationCase.learner_id != user.id)
        .where(ValidationCase.learner_id.not_in(declared))
        .order_by(ValidationCase.submitted_at, ValidationCase.id)
        .limit(20)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Each taker locks a different batch and skips the rows others hold, so 8 assessors
        # pressing "take next" at once neither wait on each other nor get the same case.
        query = query.with_for_update(skip_locked=True)
    for case_id in session.scalars(query).all():
        case = session.get(ValidationCase, case_id)
        if case is None or Part.ELIGIBLE_ASSESSOR not in services.parts_of(session, user, case):
            continue
        return services.transition(session, user, case, Action.TAKE)
    return None
