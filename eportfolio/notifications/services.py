"""Tell people what happened: an in-app notification, and an e-mail once the change commits."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context, has_request_context, request
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from eportfolio.accounts.models import User
from eportfolio.db import utcnow
from eportfolio.notifications.models import Notification

# kind -> message; params fill the placeholders. Kept here so mail and page say the same.
MESSAGES: dict[str, Any] = {
    "case_in_queue": _l("Validation case %(case)s is waiting in your council's queue."),
    "case_taken": _l("An assessor has started on your validation case %(case)s."),
    "evidence_requested": _l("The assessor asks for more evidence in validation case %(case)s."),
    "case_resubmitted": _l("The learner has added evidence to validation case %(case)s."),
    "case_assessed": _l("Validation case %(case)s is assessed and waits for the chair."),
    "case_returned": _l("The chair returned validation case %(case)s for more assessment."),
    "case_certified": _l("Validation case %(case)s is certified. Your credential is ready."),
    "case_not_certified": _l("Validation case %(case)s ended without certification."),
    "credential_revoked": _l("A credential from validation case %(case)s has been revoked."),
    "reassessment_requested": _l("Validation case %(case)s waits for a new assessment."),
    "case_handed_on": _l(
        "Validation case %(case)s is no longer yours to assess: another assessor of the council "
        "takes it on."
    ),
    "organisation_approved": _l(
        "%(organisation)s is approved: you can now describe competence needs and meet candidates."
    ),
    "organisation_rejected": _l(
        "%(organisation)s was not approved. Contact the coordinators if you think it should be."
    ),
    "contact_requested": _l(
        "%(organisation)s would like to contact you about “%(need)s”. You decide whether they "
        "learn who you are."
    ),
    "contact_accepted": _l("Candidate %(candidate)s accepted your contact request (“%(need)s”)."),
    "contact_declined": _l("Candidate %(candidate)s declined your contact request (“%(need)s”)."),
}

_PENDING = "pending_mail"


def text_of(note: Notification) -> str:
    """Return the notification's message in the current language."""
    return str(MESSAGES[note.kind]) % note.params if note.kind in MESSAGES else note.kind


def notify(
    session: Session, user: User, kind: str, params: dict[str, Any], link: str | None = None
) -> Notification:
    """Store an in-app notification and queue its e-mail until the transaction commits."""
    note = Notification(user_id=user.id, kind=kind, params=params, link=link)
    session.add(note)
    session.flush()
    with force_locale(user.preferred_language or "sv"):
        body = text_of(note)
        subject = gettext("Meritportfölj: %(message)s", message=body[:60])
    if link:
        body = f"{body}\n\n{_absolute(link)}"
    session.info.setdefault(_PENDING, []).append((user.email, subject, body))
    return note


def for_user(session: Session, user: User, limit: int = 50) -> list[Notification]:
    """Return the user's newest notifications."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def unread_count(session: Session, user: User) -> int:
    return len([n for n in for_user(session, user) if n.read_at is None])


def mark_read(session: Session, user: User) -> None:
    """Mark all the user's notifications read."""
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def _absolute(link: str) -> str:
    """Make a link a mail can carry: on PUBLIC_BASE_URL, else on the host the request came to."""
    base = current_app.config.get("PUBLIC_BASE_URL") or (
        request.host_url if has_request_context() else ""
    )
    return f"{base.rstrip('/')}{link}"


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    # Mail goes only for what was committed: a rolled-back decision tells nobody anything.
    pending = session.info.pop(_PENDING, [])
    if not pending or not has_app_context():
        return
    from eportfolio.mail import send_mail

    for to, subject, body in pending:
        try:
            send_mail(to, subject, body)
        except OSError:  # the in-app notification stands; a mail server outage must not 500
            current_app.logger.warning("notification mail to user failed", exc_info=True)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING, None)
