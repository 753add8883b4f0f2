"""Coordinator and admin pages: organisation approval and audit log status."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from eportfolio.accounts import services as accounts
from eportfolio.accounts.models import User
from eportfolio.accounts.schemas import DecisionSchema
from eportfolio.audit import services as audit_log
from eportfolio.audit.models import AuditEvent
from eportfolio.db import db, parse_id
from eportfolio.permissions import Permission, access, requires
from eportfolio.schemas import load

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/organisations")
@access(requires(Permission.ORGANISATION_APPROVE))
def organisations() -> str:
    pending = accounts.pending_organisations(db.session)
    decided = accounts.decided_employers(db.session)
    return render_template(
        "admin/organisations.html",
        pending=pending,
        decided=decided,
        people=accounts.people_of(db.session, pending + decided),
    )


@bp.post("/organisations/<int:org_id>/decision")
@access(requires(Permission.ORGANISATION_APPROVE))
def decide(org_id: int) -> Response:
    approve = load(DecisionSchema(), request.form.to_dict())["decision"] == "approve"
    org = accounts.decide_organisation(db.session, current_user, org_id, approve)
    flash(
        _("%(name)s has been approved.", name=org.name)
        if approve
        else _("%(name)s has been rejected.", name=org.name),
        "success",
    )
    return redirect(url_for("admin.organisations"))  # type: ignore[return-value]


PAGE = 50


@bp.get("/audit")
@access(requires(Permission.AUDIT_VIEW))
def audit() -> str:
    """Check the chain, and read the events: newest first, by action and by person."""
    action = (request.args.get("action") or "").strip()[:80]
    person = (request.args.get("person") or "").strip().casefold()[:254]
    page = max(parse_id(request.args.get("page", "1")) or 1, 1)
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if person:
        found = db.session.scalar(select(User.id).where(User.email == person))
        query = query.where(
            or_(AuditEvent.actor_id == (found or -1), AuditEvent.on_behalf_of_id == (found or -1))
        )
    events = list(db.session.scalars(query.offset((page - 1) * PAGE).limit(PAGE + 1)))
    people = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(
                User.id.in_({e.actor_id for e in events} | {e.on_behalf_of_id for e in events})
            )
        )
    }
    # Reading the log is reading personal data: it goes in the log itself.
    audit_log.record(
        db.session,
        "audit.viewed",
        actor_id=current_user.id,
        data={"action": action, "person": person, "page": page},
    )
    return render_template(
        "admin/audit.html",
        report=audit_log.verify(db.session),
        events=events[:PAGE],
        more=len(events) > PAGE,
        people=people,
        page=page,
        filters={"action": action, "person": person},
    )
