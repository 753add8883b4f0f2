"""Account operations: accounts, login, passwords, tokens, organisation approval, colleagues.

Self-registration, which waits for the e-mail address to be confirmed, is in ``registration``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import (
    GLOBAL_ROLES,
    ORG_ROLES,
    ApiToken,
    ColleagueInvite,
    Membership,
    Organisation,
    OrgKind,
    OrgStatus,
    PasswordResetToken,
    Role,
    User,
)
from eportfolio.accounts.passwords import (
    DUMMY_HASH,
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from eportfolio.audit import services as audit
from eportfolio.db import ID_MAX, utcnow
from eportfolio.errors import (
    Conflict,
    DomainError,
    LinkGone,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from eportfolio.permissions import Forbidden, Permission, require

RESET_TOKEN_LIFETIME = dt.timedelta(hours=1)
TOKEN_PREFIX = "mp_"  # noqa: S105 - a public prefix, not a secret


def hash_secret(secret: str) -> str:
    """Return the SHA-256 kept in place of a link's or token's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().casefold()))


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    role: Role,
    organisation: Organisation | None = None,
    preferred_language: str = "sv",
    actor_id: int | None = None,
) -> User:
    """Create an account holding one role; refuses a taken address or a weak password."""
    email = email.strip().casefold()
    check_password_policy(password, "password", email.split("@")[0], display_name)
    return add_user(
        session,
        email=email,
        password_hash=hash_password(password),
        display_name=display_name,
        role=role,
        organisation=organisation,
        preferred_language=preferred_language,
        actor_id=actor_id,
    )


def add_user(
    session: Session,
    *,
    email: str,
    password_hash: str,
    display_name: str,
    role: Role,
    organisation: Organisation | None = None,
    preferred_language: str = "sv",
    actor_id: int | None = None,
) -> User:
    """Create an account from a password already checked and hashed; refuses a taken address."""
    if find_user_by_email(session, email) is not None:
        raise Conflict(_l("An account with this e-mail address already exists."), field="email")
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name,
        preferred_language=preferred_language,
    )
    session.add(user)
    session.flush()
    grant_role(session, user, role, organisation, actor_id=actor_id or user.id)
    audit.record(
        session,
        "account.created",
        actor_id=actor_id or user.id,
        subject_type="user",
        subject_id=user.id,
        data={"role": role.value},
    )
    return user


def grant_role(
    session: Session,
    user: User,
    role: Role,
    organisation: Organisation | None = None,
    *,
    actor_id: int | None,
) -> Membership:
    """Give ``user`` a role, in an organisation when the role belongs to one."""
    if organisation is None and role not in GLOBAL_ROLES:
        raise DomainError(_l("This role needs an organisation."), field="organisation")
    if organisation is not None and role not in ORG_ROLES[organisation.kind]:
        raise DomainError(_l("This role does not fit that kind of organisation."), field="role")
    membership = Membership(user=user, organisation=organisation, role=role)
    session.add(membership)
    session.flush()
    if organisation is not None:
        # Sharing an organisation makes an assessor jävig: such a case goes to another one.
        from eportfolio.validation.handover import hand_on_conflicted  # it builds on accounts

        hand_on_conflicted(session, learner_id=user.id)
        hand_on_conflicted(session, assessor_ids=[user.id])
    audit.record(
        session,
        "role.granted",
        actor_id=actor_id,
        subject_type="user",
        subject_id=user.id,
        data={"role": role.value, "organisation_id": organisation and organisation.id},
    )
    return membership


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the user when the address and password match, else None (same time either way)."""
    user = find_user_by_email(session, email)
    if user is None:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        audit.record(
            session, "login.failed", actor_id=None, subject_type="user", subject_id=user.id
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(
        session, "login.succeeded", actor_id=user.id, subject_type="user", subject_id=user.id
    )
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change the password and end the user's other sessions."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed({"current_password": [_l("The current password is wrong.")]})
    check_password_policy(new, "new_password", user.email.split("@")[0], user.display_name)
    user.password_hash = hash_password(new)
    user.session_epoch += 1
    audit.record(
        session, "password.changed", actor_id=user.id, subject_type="user", subject_id=user.id
    )


def update_profile(session: Session, user: User, data: dict[str, Any]) -> None:
    user.display_name = data["display_name"]
    user.preferred_language = data["preferred_language"]
    session.flush()


def start_password_reset(session: Session, email: str) -> tuple[User, str] | None:
    """Create a one-hour reset token; returns (user, secret) or None for unknown addresses."""
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        return None
    secret = secrets.token_urlsafe(32)
    session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=hash_secret(secret),
            expires_at=utcnow() + RESET_TOKEN_LIFETIME,
        )
    )
    audit.record(
        session, "password.reset_requested", actor_id=None, subject_type="user", subject_id=user.id
    )
    session.flush()
    return user, secret


def _live_reset_token(session: Session, secret: str) -> PasswordResetToken:
    token = session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_secret(secret))
    )
    if token is None or token.used_at is not None or _aware(token.expires_at) < utcnow():
        raise LinkGone(_l("This reset link is invalid or has expired. Ask for a new one."))
    return token


def check_reset_token(session: Session, secret: str) -> None:
    _live_reset_token(session, secret)


def finish_password_reset(session: Session, secret: str, new_password: str) -> User:
    """Set a new password with a valid token; the token works once."""
    token = _live_reset_token(session, secret)
    user = session.get(User, token.user_id)
    assert user is not None
    check_password_policy(new_password, "new_password", user.email.split("@")[0], user.display_name)
    user.password_hash = hash_password(new_password)
    user.session_epoch += 1
    token.used_at = utcnow()
    audit.record(
        session, "password.reset", actor_id=user.id, subject_type="user", subject_id=user.id
    )
    return user


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; everything we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def create_api_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token; the secret is returned once and stored hashed."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), prefix=secret[:10])
    session.add(token)
    session.flush()
    audit.record(
        session,
        "api_token.created",
        actor_id=user.id,
        subject_type="api_token",
        subject_id=token.id,
    )
    return token, secret


def list_api_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_api_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; another person's token is 'not found'."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            "api_token.revoked",
            actor_id=user.id,
            subject_type="api_token",
            subject_id=token.id,
        )
    return token


def user_for_token(session: Session, secret: str) -> User | None:
    """Return the owner of a live token and note its use, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    token.last_used_at = utcnow()
    return token.user


def pending_organisations(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.EMPLOYER, Organisation.status == OrgStatus.PENDING)
            .order_by(Organisation.created_at, Organisation.id)
        )
    )


def decided_employers(session: Session, limit: int = 100) -> list[Organisation]:
    """Employers already approved or rejected, newest first (their decision can change)."""
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.EMPLOYER, Organisation.status != OrgStatus.PENDING)
            .order_by(Organisation.created_at.desc(), Organisation.id.desc())
            .limit(limit)
        )
    )


def people_of(session: Session, orgs: list[Organisation]) -> dict[int, list[User]]:
    """The accounts of each organisation, so a coordinator knows whom to contact."""
    out: dict[int, list[User]] = {o.id: [] for o in orgs}
    rows = session.execute(
        select(Membership.organisation_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(list(out)))
    )
    for org_id, user in rows:
        out[org_id].append(user)
    return out


def decide_organisation(session: Session, actor: User, org_id: int, approve: bool) -> Organisation:
    """Approve or reject a registered employer (coordinators and admins)."""
    require(actor, Permission.ORGANISATION_APPROVE)
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(_l("No such organisation."))
    if org.kind is not OrgKind.EMPLOYER:
        # Valideringsråd and lärcentra are set up by coordinators, never registered: rejecting
        # one would silently take it out of the service.
        raise NotAllowed(
            _l(
                "Only employers are approved or rejected; %(name)s needs no decision.",
                name=org.name,
            )
        )
    wanted = OrgStatus.ACTIVE if approve else OrgStatus.REJECTED
    if org.status is wanted:
        return org  # the same decision twice (a double click) changes nothing
    # A decision can be changed: an approved employer found to be false is rejected, which ends
    # its people's access at once; a rejection made in error is undone.
    org.status = wanted
    from eportfolio.notifications.services import notify  # notifications build on accounts

    # The start page promises the people waiting an e-mail once it is decided.
    members = session.scalars(
        select(User).join(Membership).where(Membership.organisation_id == org.id)
    )
    for member in members:
        kind = "organisation_approved" if approve else "organisation_rejected"
        notify(session, member, kind, {"organisation": org.name}, "/")
    audit.record(
        session,
        "organisation.approved" if approve else "organisation.rejected",
        actor_id=actor.id,
        subject_type="organisation",
        subject_id=org.id,
    )
    return org


# --- colleagues ------------------------------------------------------------------------------

INVITE_LIFETIME = dt.timedelta(days=7)


def _employer_org(user: User) -> Organisation:
    """The approved employer organisation the user works for."""
    orgs = user.organisations(Role.EMPLOYER)
    if not orgs:
        raise Forbidden(Permission.NEED_MANAGE)
    return orgs[0]


def colleagues(session: Session, user: User) -> tuple[list[User], list[ColleagueInvite]]:
    """The accounts of the user's organisation, and invitations not yet used or expired."""
    org = _employer_org(user)
    people = list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == org.id)
            .order_by(User.display_name, User.id)
        )
    )
    waiting = [
        i
        for i in session.scalars(
            select(ColleagueInvite)
            .where(ColleagueInvite.organisation_id == org.id, ColleagueInvite.used_at.is_(None))
            .order_by(ColleagueInvite.id.desc())
        )
        if _aware(i.expires_at) >= utcnow()
    ]
    return people, waiting


def invite_colleague(
    session: Session, user: User, email: str
) -> tuple[ColleagueInvite, str | None]:
    """Invite someone at the same employer to an account of their own; returns the secret
    for the link, which only the e-mail carries (its hash is kept).

    An address that already has an account elsewhere gets an invitation row all the same,
    but no secret: the e-mail tells its owner to log in instead. The employer sees the same
    answer either way, so the form cannot tell who has an account."""
    org = _employer_org(user)
    email = email.strip().casefold()
    holder = find_user_by_email(session, email)
    if holder is not None and org.id in {o.id for o in holder.organisations()}:
        # The people of one's own organisation are listed on the page: nothing to hide.
        raise ValidationFailed(
            {"email": [_l("That colleague already has an account here: see the list above.")]}
        )
    # Asking again renews the one invitation to that address: a new link, seven days more.
    unused = list(
        session.scalars(
            select(ColleagueInvite)
            .where(
                ColleagueInvite.organisation_id == org.id,
                ColleagueInvite.email == email,
                ColleagueInvite.used_at.is_(None),
            )
            .order_by(ColleagueInvite.id.desc())
        )
    )
    for older in unused[1:]:  # left over from before invitations were merged
        session.delete(older)
    invite = unused[0] if unused else ColleagueInvite(organisation_id=org.id, email=email)
    secret = secrets.token_urlsafe(32)
    invite.token_hash, invite.invited_by_id = hash_secret(secret), user.id
    invite.expires_at = utcnow() + INVITE_LIFETIME
    session.add(invite)
    session.flush()
    audit.record(
        session,
        "colleague.invited" if len(unused) == 0 else "colleague.invite_renewed",
        actor_id=user.id,
        subject_type="organisation",
        subject_id=org.id,
        data={"email": email, "account_exists": holder is not None},
    )
    return invite, (secret if holder is None else None)


def withdraw_invite(session: Session, user: User, invite_id: int) -> ColleagueInvite:
    """Take back an invitation not yet used, so its link stops working (a mistyped address)."""
    org = _employer_org(user)
    invite = session.get(ColleagueInvite, invite_id) if 0 < invite_id <= ID_MAX else None
    if invite is None or invite.organisation_id != org.id or invite.used_at is not None:
        raise NotFound(_l("No such invitation."))
    session.delete(invite)
    session.flush()
    audit.record(
        session,
        "colleague.invite_withdrawn",
        actor_id=user.id,
        subject_type="organisation",
        subject_id=org.id,
        data={"email": invite.email},
    )
    return invite


def live_invite(session: Session, secret: str) -> ColleagueInvite:
    invite = session.scalar(
        select(ColleagueInvite).where(ColleagueInvite.token_hash == hash_secret(secret))
    )
    if (
        invite is None
        or invite.used_at is not None
        or _aware(invite.expires_at) < utcnow()
        or invite.organisation.status is not OrgStatus.ACTIVE
    ):
        raise LinkGone(_l("This invitation is invalid, used or expired. Ask for a new one."))
    return invite


def accept_invite(session: Session, secret: str, data: dict[str, Any]) -> User:
    """Create the invited colleague's account in the inviting organisation; the link works once."""
    invite = live_invite(session, secret)
    user = create_user(
        session,
        email=invite.email,
        password=data["password"],
        display_name=data["display_name"],
        role=Role.EMPLOYER,
        organisation=invite.organisation,
        preferred_language=data.get("preferred_language", "sv"),
    )
    invite.used_at = utcnow()
    return user
