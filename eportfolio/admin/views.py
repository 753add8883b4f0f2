"""Coordinator and admin pages: organisation approval and audit log status."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eportfolio.accounts import services as accounts
from eportfolio.audit import services as audit_log
from eportfolio.db import db
from eportfolio.permissions import Permission, access, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/organisations")
@access(requires(Permission.ORGANISATION_APPROVE))
def organisations() -> str:
    return render_template(
        "admin/organisations.html", pending=accounts.pending_organisations(db.session)
    )


@bp.post("/organisations/<int:org_id>/decision")
@access(requires(Permission.ORGANISATION_APPROVE))
def decide(org_id: int) -> Response:
    approve = request.form.get("decision") == "approve"
    org = accounts.decide_organisation(db.session, current_user, org_id, approve)
    flash(
        _("%(name)s has been approved.", name=org.name)
        if approve
        else _("%(name)s has been rejected.", name=org.name),
        "success",
    )
    return redirect(url_for("admin.organisations"))  # type: ignore[return-value]


@bp.get("/audit")
@access(requires(Permission.AUDIT_VIEW))
def audit() -> str:
    return render_template("admin/audit.html", report=audit_log.verify(db.session))
