"""Valideringsråd: scope, municipalities, members, and who may assess whom (jäv)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import (
    Membership,
    Municipality,
    Organisation,
    OrgKind,
    OrgStatus,
    Role,
    User,
)
from eportfolio.audit import services as audit
from eportfolio.errors import NotAllowed, NotFound, ValidationFailed
from eportfolio.notifications.services import notify
from eportfolio.permissions import Permission, require
from eportfolio.portfolios.models import Portfolio
from eportfolio.taxonomy_store.models import Concept
from eportfolio.validation.models import (
    ConflictDeclaration,
    CouncilMunicipality,
    CouncilOccupation,
    ValidationCase,
)
from eportfolio.validation.states import State


def councils(session: Session) -> list[Organisation]:
    """Return every active valideringsråd, by name."""
    query = select(Organisation).where(
        Organisation.kind == OrgKind.COUNCIL, Organisation.status == OrgStatus.ACTIVE
    )
    return list(session.scalars(query.order_by(Organisation.name)))


def council(session: Session, council_id: int) -> Organisation:
    org = session.get(Organisation, council_id)
    if org is None or org.kind is not OrgKind.COUNCIL:
        raise NotFound(_l("No such valideringsråd."))
    return org


def scope_of(session: Session, council_id: int) -> list[Concept]:
    query = select(CouncilOccupation).where(CouncilOccupation.council_id == council_id)
    return [row.concept for row in session.scalars(query)]


def municipalities_of(session: Session, council_id: int) -> list[str]:
    query = select(CouncilMunicipality.municipality_code).where(
        CouncilMunicipality.council_id == council_id
    )
    return sorted(session.scalars(query))


def members_of(session: Session, council_id: int) -> list[Membership]:
    query = select(Membership).where(Membership.organisation_id == council_id)
    return list(session.scalars(query.order_by(Membership.id)))


def council_members(session: Session, council_id: int, role: Role) -> list[User]:
    return [m.user for m in members_of(session, council_id) if m.role is role]


def notify_assessors(session: Session, case: ValidationCase, kind: str = "case_in_queue") -> None:
    """Tell the council's assessors who may take the case that it waits in the queue."""
    for assessor in council_members(session, case.council_id, Role.ASSESSOR):
        if assessor.id != case.learner_id and assessor.id not in (case.past_assessor_ids or []):
            notify(session, assessor, kind, {"case": case.number}, "/validation/queue")


def save_council(
    session: Session, actor: User, data: dict[str, Any], council_id: int | None = None
) -> Organisation:
    """Create or edit a council with its scope (occupation concept ids) and municipalities."""
    require(actor, Permission.COUNCIL_MANAGE)
    org = council(session, council_id) if council_id else None
    concept_ids = [int(c) for c in data.get("occupation_ids") or []]
    codes = list(data.get("municipality_codes") or [])
    known = set(session.scalars(select(Municipality.code).where(Municipality.code.in_(codes))))
    if set(codes) - known:
        raise ValidationFailed({"municipality_codes": [_l("Choose kommuner from the list.")]})
    found = session.scalars(
        select(Concept).where(Concept.id.in_(concept_ids), Concept.kind == "occupation")
    ).all()
    if len(found) != len(set(concept_ids)):
        raise ValidationFailed({"occupation_ids": [_l("Choose occupations from the list.")]})
    twin = session.scalar(
        select(Organisation.id).where(
            Organisation.kind == OrgKind.COUNCIL,
            func.lower(func.trim(Organisation.name)) == data["name"].strip().casefold(),
            Organisation.id != (org.id if org else 0),
        )
    )
    if twin is not None:
        raise ValidationFailed({"name": [_l("There is already a council with that name.")]})
    if org is None:
        org = Organisation(kind=OrgKind.COUNCIL, status=OrgStatus.ACTIVE, name=data["name"].strip())
        session.add(org)
    org.name = data["name"].strip()
    org.branch = data.get("branch") or None
    session.flush()
    session.execute(delete(CouncilOccupation).where(CouncilOccupation.council_id == org.id))
    session.execute(delete(CouncilMunicipality).where(CouncilMunicipality.council_id == org.id))
    session.add_all(CouncilOccupation(council_id=org.id, concept_id=c) for c in set(concept_ids))
    session.add_all(CouncilMunicipality(council_id=org.id, municipality_code=c) for c in known)
    session.flush()
    _hand_on_conflicted(session, [m.user_id for m in members_of(session, org.id)])  # renamed
    audit.record(
        session,
        "council.saved",
        actor_id=actor.id,
        subject_type="organisation",
        subject_id=org.id,
        data={"occupations": sorted(set(concept_ids)), "municipalities": sorted(known)},
    )
    return org


def add_member(session: Session, actor: User, council_id: int, email: str, role: str) -> Membership:
    """Add an existing account to the council as assessor or chair."""
    require(actor, Permission.COUNCIL_MANAGE)
    org = council(session, council_id)
    if role not in (Role.ASSESSOR.value, Role.CHAIR.value):
        raise ValidationFailed({"role": [_l("Choose assessor or chair.")]})
    user = session.scalar(select(User).where(User.email == (email or "").strip().casefold()))
    if user is None:
        raise ValidationFailed({"email": [_l("There is no account with that e-mail address.")]})
    # A council judges learners' cases and its decisions reach employers: an account that
    # applies for validation or recruits through the service cannot sit on one.
    if user.has_role(Role.LEARNER) or user.has_role(Role.EMPLOYER):
        raise ValidationFailed(
            {
                "email": [
                    _l(
                        "That is a learner's or employer's account. Council members use a "
                        "staff account of their own."
                    )
                ]
            }
        )
    exists = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.organisation_id == org.id,
            Membership.role == Role(role),
        )
    )
    if exists:
        raise ValidationFailed({"email": [_l("That person already has this role in the council.")]})
    membership = Membership(user_id=user.id, organisation_id=org.id, role=Role(role))
    session.add(membership)
    session.flush()
    session.refresh(user)
    _hand_on_conflicted(session, [user.id])  # the learner may work where he now belongs
    audit.record(
        session,
        "council.member_added",
        actor_id=actor.id,
        subject_type="organisation",
        subject_id=org.id,
        data={"user_id": user.id, "role": role},
    )
    return membership


def _hand_on_conflicted(session: Session, assessor_ids: list[int]) -> None:
    from eportfolio.validation import handover  # handover builds on this module

    handover.hand_on_conflicted(session, assessor_ids=assessor_ids)


def remove_member(session: Session, actor: User, council_id: int, membership_id: int) -> None:
    """Remove a member; an assessor's cases waiting for the learner go to the queue later.

    A case waiting for the learner has no way back to the queue from the assessor's side, so
    removal takes it off the assessor: it joins the queue when the learner answers. A case
    in assessment the assessor releases or concludes first.
    """
    require(actor, Permission.COUNCIL_MANAGE)
    membership = session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != council_id:
        raise NotFound(_l("No such member."))
    user_id, role = membership.user_id, membership.role.value
    if membership.role is Role.ASSESSOR:
        held = list(
            session.scalars(
                select(ValidationCase)
                .where(ValidationCase.assessor_id == user_id)
                .where(ValidationCase.council_id == council_id)
                .where(ValidationCase.state.in_((State.IN_ASSESSMENT, State.AWAITING_LEARNER)))
                .order_by(ValidationCase.id)
            )
        )
        assessing = [str(c.number) for c in held if c.state is State.IN_ASSESSMENT]
        if assessing:
            raise NotAllowed(
                _l(
                    "%(name)s is assessing cases in this council (%(cases)s). They must release "
                    "or conclude them before they can be removed.",
                    name=membership.user.display_name,
                    cases=", ".join(assessing),
                ),
                field=f"member-{membership_id}",
            )
        for case in held:
            case.assessor_id = None
            audit.record(
                session,
                "validation.case.unassigned",
                actor_id=actor.id,
                subject_type="validation_case",
                subject_id=case.id,
                data={"assessor_id": user_id, "state": case.state.value},
            )
    session.delete(membership)
    session.flush()
    audit.record(
        session,
        "council.member_removed",
        actor_id=actor.id,
        subject_type="organisation",
        subject_id=council_id,
        data={"user_id": user_id, "role": role},
    )


def suggested_councils(
    session: Session, occupation_ids: list[int], municipality: str | None
) -> list[Organisation]:
    """Return every council, those whose scope and kommuner fit first."""
    wanted = set(occupation_ids)
    codes = {
        c.code for c in session.scalars(select(Concept).where(Concept.id.in_(wanted))) if c.code
    }

    def fit(org: Organisation) -> tuple[int, str]:
        scope = scope_of(session, org.id)
        in_scope = any(c.id in wanted or (c.code and c.code in codes) for c in scope)
        serves = municipality in municipalities_of(session, org.id) if municipality else False
        return (-(2 * in_scope + serves), org.name)

    return sorted(councils(session), key=fit)


# --- jäv ----------------------------------------------------------------------------------


def declare_conflict(
    session: Session, assessor: User, learner_id: int, case_id: int | None = None
) -> None:
    """Record that ``assessor`` must never assess ``learner_id`` (declared on ``case_id``)."""
    exists = session.scalar(
        select(ConflictDeclaration).where(
            ConflictDeclaration.assessor_id == assessor.id,
            ConflictDeclaration.learner_id == learner_id,
        )
    )
    if exists is None:
        session.add(ConflictDeclaration(assessor_id=assessor.id, learner_id=learner_id))
        session.flush()
        # It decides who may judge this person's cases from now on: the log must show it.
        audit.record(
            session,
            "validation.conflict.declared",
            actor_id=assessor.id,
            subject_type="validation_case" if case_id else "user",
            subject_id=case_id or learner_id,
            data={"learner_id": learner_id},
        )


def has_conflict(session: Session, assessor: User, learner_id: int) -> bool:
    """Return whether ``assessor`` is jävig for this learner."""
    if assessor.id == learner_id:
        return True
    declared = session.scalar(
        select(ConflictDeclaration.id).where(
            ConflictDeclaration.assessor_id == assessor.id,
            ConflictDeclaration.learner_id == learner_id,
        )
    )
    if declared:
        return True
    # Every organisation the assessor belongs to, not only councils: an employer counts most.
    own = {m.organisation_id: m.organisation for m in assessor.memberships if m.organisation}
    if not own:
        return False
    shared = session.scalar(
        select(Membership.id).where(
            Membership.user_id == learner_id, Membership.organisation_id.in_(own)
        )
    )
    if shared:
        return True
    portfolio = session.scalar(select(Portfolio).where(Portfolio.user_id == learner_id))
    names = {org.name.strip().casefold() for org in own.values()}
    return portfolio is not None and any(
        e.end is None and e.employer_name.strip().casefold() in names for e in portfolio.experiences
    )
