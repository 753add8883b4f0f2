"""The learner decides who sees what: consents, guide access, and a log of who looked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Membership, Organisation, OrgKind, OrgStatus, Role, User
from eportfolio.audit import services as audit
from eportfolio.db import utcnow
from eportfolio.errors import Conflict, DomainError, NotAllowed, NotFound
from eportfolio.privacy.models import AccessLogEntry, ConsentKind, ConsentRecord, GuideGrant

# The wording a person agrees to; bump the version whenever the text in the template changes.
TEXT_VERSIONS = {ConsentKind.MATCHING: "2026-11", ConsentKind.SHARE_IDENTITY: "2026-11"}

VisibilityListener = Callable[[int, bool], None]
_visibility_listeners: list[VisibilityListener] = []
_PENDING = "privacy_visible_after_commit"


def on_visibility_change(listener: VisibilityListener) -> VisibilityListener:
    """Register ``listener(user_id, visible)``; the matching index uses it to follow consent."""
    _visibility_listeners.append(listener)
    return listener


def notify_visibility(session: Session, user_id: int, visible: bool) -> None:
    """Tell listeners: hiding at once (safe even if rolled back), showing once committed."""
    if not visible:
        for listener in list(_visibility_listeners):
            listener(user_id, False)
    else:
        session.info.setdefault(_PENDING, []).append(user_id)


def _after_commit(session: Session) -> None:
    for user_id in session.info.pop(_PENDING, []):
        for listener in list(_visibility_listeners):
            listener(user_id, True)


def _after_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _listen() -> None:
    from sqlalchemy import event

    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_transaction_end", _after_end)


_listen()


# --- consent -------------------------------------------------------------------------------


def current_consent(
    session: Session,
    learner: User | int,
    kind: ConsentKind = ConsentKind.MATCHING,
    employer_org: Organisation | int | None = None,
) -> ConsentRecord | None:
    """Return the record in force (the latest one) for this kind and employer, if any."""
    query = select(ConsentRecord).where(
        ConsentRecord.user_id == _id(learner), ConsentRecord.kind == kind
    )
    employer_id = _id(employer_org) if employer_org is not None else None
    query = query.where(
        ConsentRecord.employer_id == employer_id
        if employer_id is not None
        else ConsentRecord.employer_id.is_(None)
    )
    return session.scalar(query.order_by(ConsentRecord.id.desc()).limit(1))


def _id(obj: Any) -> int:
    return obj if isinstance(obj, int) else int(obj.id)


def matching_visible(session: Session, user_id: int) -> bool:
    """Whether the learner may appear (pseudonymously) in employer matching right now."""
    user = session.get(User, user_id)
    if user is None or not user.is_active or not user.has_role(Role.LEARNER):
        return False
    record = current_consent(session, user_id, ConsentKind.MATCHING)
    return record is not None and record.granted


def _decide(
    session: Session,
    learner: User,
    kind: ConsentKind,
    granted: bool,
    employer_id: int | None = None,
) -> ConsentRecord:
    current = current_consent(session, learner, kind, employer_id)
    if current is not None and current.granted == granted:
        return current  # a second click changes nothing and adds no noise to the history
    if current is None and not granted:
        raise NotAllowed(_l("There is no consent to withdraw."))
    record = ConsentRecord(
        user_id=learner.id,
        kind=kind,
        employer_id=employer_id,
        granted=granted,
        text_version=TEXT_VERSIONS[kind],
        actor_id=learner.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        "consent.given" if granted else "consent.withdrawn",
        actor_id=learner.id,
        subject_type="user",
        subject_id=learner.id,
        data={"kind": kind.value, "employer_id": employer_id, "text_version": record.text_version},
    )
    return record


def give_matching_consent(session: Session, learner: User) -> ConsentRecord:
    """Let employers find the learner's pseudonymous portfolio in matching."""
    if not learner.has_role(Role.LEARNER):
        raise DomainError(_l("Only learners can be found in matching."))
    record = _decide(session, learner, ConsentKind.MATCHING, True)
    notify_visibility(session, learner.id, True)
    return record


def withdraw_matching_consent(session: Session, learner: User) -> ConsentRecord:
    """Take the learner out of matching, at once."""
    record = _decide(session, learner, ConsentKind.MATCHING, False)
    notify_visibility(session, learner.id, False)
    return record


def _employer(session: Session, employer_org: Organisation | int) -> Organisation:
    org = session.get(Organisation, _id(employer_org))
    if org is None or org.kind is not OrgKind.EMPLOYER:
        raise NotFound(_l("No such employer."))
    return org


def grant_identity(
    session: Session, learner: User, employer_org: Organisation | int
) -> ConsentRecord:
    """Share name and contact details with one employer (the answer to a contact request)."""
    org = _employer(session, employer_org)
    return _decide(session, learner, ConsentKind.SHARE_IDENTITY, True, org.id)


def withdraw_identity(
    session: Session, learner: User, employer_org: Organisation | int
) -> ConsentRecord:
    """Stop sharing identity with one employer."""
    org = _employer(session, employer_org)
    return _decide(session, learner, ConsentKind.SHARE_IDENTITY, False, org.id)


def identity_shared(session: Session, learner_id: int, employer_org_id: int) -> bool:
    record = current_consent(session, learner_id, ConsentKind.SHARE_IDENTITY, employer_org_id)
    return record is not None and record.granted


def identity_consents(session: Session, learner: User) -> list[tuple[Organisation, bool]]:
    """Return each employer the learner has decided about, with the decision in force."""
    records = session.scalars(
        select(ConsentRecord)
        .where(
            ConsentRecord.user_id == learner.id,
            ConsentRecord.kind == ConsentKind.SHARE_IDENTITY,
        )
        .order_by(ConsentRecord.id)
    )
    latest: dict[int, bool] = {}
    for record in records:
        if record.employer_id is not None:
            latest[record.employer_id] = record.granted
    orgs = {
        o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(latest)))
    }
    return sorted(((orgs[i], g) for i, g in latest.items()), key=lambda p: p[0].name)


def consent_history(session: Session, learner: User) -> list[ConsentRecord]:
    """Every decision the learner has made, newest first."""
    return list(
        session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == learner.id)
            .order_by(ConsentRecord.id.desc())
        )
    )


def employer_names(session: Session, records: list[ConsentRecord]) -> dict[int, str]:
    ids = {r.employer_id for r in records if r.employer_id is not None}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {i: n for i, n in rows}


# --- guides --------------------------------------------------------------------------------


def available_guides(session: Session) -> list[tuple[Organisation, list[User]]]:
    """Return each active lärcentrum with the guides working there, for the learner to pick."""
    rows = session.execute(
        select(Organisation, User)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .join(User, User.id == Membership.user_id)
        .where(
            Organisation.kind == OrgKind.LEARNING_CENTRE,
            Organisation.status == OrgStatus.ACTIVE,
            Membership.role == Role.GUIDE,
            User.is_active.is_(True),
        )
        .order_by(Organisation.name, User.display_name, User.id)
    )
    grouped: dict[int, tuple[Organisation, list[User]]] = {}
    for org, user in rows:
        grouped.setdefault(org.id, (org, []))[1].append(user)
    return list(grouped.values())


def _guide_orgs(guide: User) -> set[int]:
    return {o.id for o in guide.organisations(Role.GUIDE) if o.kind is OrgKind.LEARNING_CENTRE}


def live_grant(session: Session, learner_id: int, guide: User) -> GuideGrant | None:
    """Return the grant letting ``guide`` help ``learner_id`` now, if there is one."""
    orgs = _guide_orgs(guide)
    if not orgs:
        return None  # no longer a guide at an active lärcentrum: old grants stop working
    return session.scalar(
        select(GuideGrant).where(
            GuideGrant.learner_id == learner_id,
            GuideGrant.guide_id == guide.id,
            GuideGrant.revoked_at.is_(None),
            GuideGrant.organisation_id.in_(orgs),
        )
    )


def grant_guide(session: Session, learner: User, guide_id: int, organisation_id: int) -> GuideGrant:
    """Let a guide at an active lärcentrum help edit the learner's portfolio."""
    if not learner.has_role(Role.LEARNER):
        raise DomainError(_l("Only learners can give a guide access."))
    guide = session.get(User, guide_id)
    if guide is None or guide.id == learner.id or organisation_id not in _guide_orgs(guide):
        raise DomainError(_l("Choose a guide from the list."), field="guide")
    if live_grant(session, learner.id, guide) is not None:
        raise Conflict(_l("This guide already has access."), field="guide")
    grant = GuideGrant(learner_id=learner.id, guide_id=guide.id, organisation_id=organisation_id)
    session.add(grant)
    session.flush()
    audit.record(
        session,
        "guide.granted",
        actor_id=learner.id,
        subject_type="guide_grant",
        subject_id=grant.id,
        data={"guide_id": guide.id, "organisation_id": organisation_id},
    )
    return grant


def revoke_guide(session: Session, learner: User, grant_id: int) -> GuideGrant:
    """End a guide's access at once; another person's grant is 'not found'."""
    grant = session.get(GuideGrant, grant_id)
    if grant is None or grant.learner_id != learner.id:
        raise NotFound(_l("No such access."))
    if grant.revoked_at is None:
        grant.revoked_at = utcnow()
        audit.record(
            session,
            "guide.revoked",
            actor_id=learner.id,
            subject_type="guide_grant",
            subject_id=grant.id,
            data={"guide_id": grant.guide_id},
        )
    return grant


def grants_of(session: Session, learner: User) -> list[GuideGrant]:
    """The learner's grants, live ones first, then the ended ones, newest first."""
    grants = session.scalars(
        select(GuideGrant).where(GuideGrant.learner_id == learner.id).order_by(GuideGrant.id.desc())
    )
    return sorted(grants, key=lambda g: g.revoked_at is not None)


def learners_of(session: Session, guide: User) -> list[tuple[User, GuideGrant]]:
    """Learners who have given ``guide`` access that is still live, by name."""
    orgs = _guide_orgs(guide)
    if not orgs:
        return []
    rows = session.execute(
        select(User, GuideGrant)
        .join(GuideGrant, GuideGrant.learner_id == User.id)
        .where(
            GuideGrant.guide_id == guide.id,
            GuideGrant.revoked_at.is_(None),
            GuideGrant.organisation_id.in_(orgs),
            User.is_active.is_(True),
        )
        .order_by(User.display_name, User.id)
    )
    return [(u, g) for u, g in rows]


# --- access log ----------------------------------------------------------------------------

# The role a viewer is shown in: the one most likely to be why they looked.
_ROLE_ORDER = (Role.GUIDE, Role.ASSESSOR, Role.CHAIR, Role.EMPLOYER, Role.COORDINATOR, Role.ADMIN)


def log_access(session: Session, learner_id: int, viewer: User, what: str) -> None:
    """Note that ``viewer`` looked at ``what`` of the learner's data (not the learner's own)."""
    if viewer.id == learner_id:
        return
    role = next((r for r in _ROLE_ORDER if viewer.has_role(r)), Role.LEARNER)
    orgs = viewer.organisations(role)
    session.add(
        AccessLogEntry(
            learner_id=learner_id,
            viewer_id=viewer.id,
            viewer_role=role.value,
            viewer_organisation_id=orgs[0].id if orgs else None,
            what=what[:40],
        )
    )
    session.flush()


def access_log(session: Session, learner: User, limit: int = 500) -> list[AccessLogEntry]:
    """Who looked at the learner's data, newest first (role and organisation, never a name)."""
    return list(
        session.scalars(
            select(AccessLogEntry)
            .where(AccessLogEntry.learner_id == learner.id)
            .order_by(AccessLogEntry.id.desc())
            .limit(limit)
        )
    )


def changes_for(session: Session, learner: User, limit: int = 200) -> list[tuple[Any, str, Any]]:
    """Changes others made to the learner's portfolio on their behalf (a guide's edits), newest
    first, each with the role and organisation it was made in: like the views, never a name."""
    from eportfolio.audit.models import AuditEvent

    events = list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.on_behalf_of_id == learner.id)
            .order_by(AuditEvent.seq.desc())
            .limit(limit)
        )
    )
    people = {
        u.id: u
        for u in session.scalars(select(User).where(User.id.in_({e.actor_id for e in events})))
    }
    out = []
    for event in events:
        actor = people.get(event.actor_id or 0)
        role = next((r for r in _ROLE_ORDER if actor and actor.has_role(r)), Role.LEARNER)
        orgs = actor.organisations(role) if actor else []
        out.append((event, role.value, orgs[0] if orgs else None))
    return out
