"""Self-registration, confirmed by e-mail: no account exists until the address's owner says so.

The form answers the same whatever the address. A new address is mailed a link that creates the
account; one that already has an account is mailed how to log in. So the form tells no one who
has an account here, and no one gets an account in another person's name.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import (
    Organisation,
    OrgKind,
    OrgStatus,
    PendingRegistration,
    Role,
    User,
)
from eportfolio.accounts.passwords import check_password_policy, hash_password
from eportfolio.accounts.services import add_user, find_user_by_email, hash_secret
from eportfolio.db import utcnow
from eportfolio.errors import Conflict, LinkGone

REGISTRATION_LIFETIME = dt.timedelta(hours=24)
LIFETIME_HOURS = REGISTRATION_LIFETIME // dt.timedelta(hours=1)  # as the mail and pages say it


@dataclass(frozen=True)
class Started:
    """What to mail: a ``pending`` registration's link (its ``secret``), or, when the address
    already has an account, a note to its ``holder`` on how to log in."""

    email: str
    pending: PendingRegistration | None = None
    secret: str | None = None
    holder: User | None = None


def start_registration(session: Session, data: dict[str, Any], role: Role) -> Started:
    """Keep a learner's or employer's registration until its address is confirmed.

    Registering again with the same address replaces the earlier registration: only the newest
    link works. An address that has an account gets no registration, after the same work.
    """
    email = data["email"].strip().casefold()
    if role is Role.EMPLOYER:
        _refuse_registered_organisation(session, data["org_number"])  # numbers are public
    check_password_policy(data["password"], "password", email.split("@")[0], data["display_name"])
    # Hashed for an address with an account too, so the two answers take the same time.
    password_hash = hash_password(data["password"])
    # Registrations never confirmed go once expired: nothing typed is kept longer than needed.
    session.execute(delete(PendingRegistration).where(PendingRegistration.expires_at < utcnow()))
    holder = find_user_by_email(session, email)
    if holder is not None:
        return Started(email, holder=holder)
    pending = session.scalar(
        select(PendingRegistration).where(PendingRegistration.email == email)
    ) or PendingRegistration(email=email)
    secret = secrets.token_urlsafe(32)
    pending.token_hash = hash_secret(secret)
    pending.password_hash = password_hash
    pending.display_name = data["display_name"]
    pending.preferred_language = data.get("preferred_language", "sv")
    pending.role = role
    pending.organisation_name = data.get("organisation_name")
    pending.org_number = data.get("org_number")
    pending.expires_at = utcnow() + REGISTRATION_LIFETIME
    session.add(pending)
    session.flush()
    return Started(email, pending=pending, secret=secret)


def live_registration(session: Session, secret: str) -> PendingRegistration:
    """Return the registration a mailed link confirms, unless it is used, replaced or expired."""
    pending = session.scalar(
        select(PendingRegistration).where(
            PendingRegistration.token_hash == hash_secret(secret),
            PendingRegistration.expires_at >= utcnow(),
        )
    )
    if pending is None:
        raise LinkGone(
            _l(
                "It has been used, a newer one has been sent, or more than %(hours)s hours have "
                "passed. If you have created your account, log in. Otherwise register again and "
                "open the link in the new message.",
                hours=LIFETIME_HOURS,
            )
        )
    return pending


def confirm_registration(session: Session, secret: str) -> User:
    """Create the account (and an employer's organisation) a registration describes; once."""
    pending = live_registration(session, secret)
    organisation = None
    if pending.role is Role.EMPLOYER:
        assert pending.organisation_name and pending.org_number
        # Another registration of the same organisation may have been confirmed meanwhile.
        _refuse_registered_organisation(session, pending.org_number)
        organisation = Organisation(
            kind=OrgKind.EMPLOYER,
            name=pending.organisation_name,
            org_number=pending.org_number,
            status=OrgStatus.PENDING,  # waits for a coordinator's approval, as ever
        )
        session.add(organisation)
        session.flush()
    user = add_user(
        session,
        email=pending.email,
        password_hash=pending.password_hash,
        display_name=pending.display_name,
        role=pending.role,
        organisation=organisation,
        preferred_language=pending.preferred_language,
    )
    session.delete(pending)
    session.flush()
    return user


def _refuse_registered_organisation(session: Session, org_number: str) -> None:
    if session.scalar(select(Organisation.id).where(Organisation.org_number == org_number)):
        raise Conflict(
            _l(
                "This organisation is already registered. Ask a colleague who has an account "
                "to invite you (under Colleagues), or the coordinators for help."
            ),
            field="org_number",
        )
