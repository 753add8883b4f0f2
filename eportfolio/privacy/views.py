"""Web pages: consents, guide access, who has seen the portfolio, export, and account deletion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from eportfolio.db import db
from eportfolio.errors import DomainError, NotFound
from eportfolio.evidence.storage import storage
from eportfolio.extensions import limiter
from eportfolio.permissions import Permission, access, requires
from eportfolio.privacy import erasure, export, services
from eportfolio.privacy.models import ConsentKind
from eportfolio.privacy.schemas import EraseSchema, GuideGrantSchema, MatchingDecisionSchema
from eportfolio.schemas import load

bp = Blueprint("privacy", __name__)
Page = str | tuple[str, int] | Response


@bp.get("/privacy/consents")
@access(requires(Permission.CONSENT_MANAGE))
def consents() -> Page:
    """Show what the learner has agreed to, one button to change it, and the history."""
    from eportfolio.employers.services import requests_for_learner

    history = services.consent_history(db.session, current_user)
    requests = requests_for_learner(db.session, current_user)
    identities = services.identity_consents(db.session, current_user)
    return render_template(
        "privacy/consents.html",
        visible=services.matching_visible(db.session, current_user.id),
        identities=identities,
        requests=requests,  # answered ones too: a no can become a yes while the need is open
        pending=sum(r.state == "pending" for r in requests),
        shared={org.id for org, granted in identities if granted},
        history=history,
        employers=services.employer_names(db.session, history),
        version=services.TEXT_VERSIONS[ConsentKind.MATCHING],
    )


@bp.post("/privacy/consents/matching")
@access(requires(Permission.CONSENT_MANAGE))
def matching_consent() -> Page:
    """Give or withdraw visibility in employer matching; both take one click."""
    data = load(MatchingDecisionSchema(), request.form.to_dict())
    if data["decision"] == "give":
        services.give_matching_consent(db.session, current_user)
        flash(_("Employers can now find your portfolio, without your name."), "success")
    else:
        services.withdraw_matching_consent(db.session, current_user)
        flash(_("Employers can no longer find your portfolio."), "success")
    return redirect(url_for("privacy.consents", **_guided()))  # type: ignore[return-value]


def _guided() -> dict[str, Any]:
    return {"guided": 1} if request.values.get("guided") else {}


@bp.post("/privacy/consents/identity/<int:org_id>/withdraw")
@access(requires(Permission.CONSENT_MANAGE))
def withdraw_identity(org_id: int) -> Response:
    """Stop sharing name and contact details with one employer."""
    services.withdraw_identity(db.session, current_user, org_id)
    flash(_("The employer can no longer see who you are."), "success")
    return redirect(url_for("privacy.consents"))  # type: ignore[return-value]


@bp.post("/privacy/consents/identity/<int:org_id>/grant")
@access(requires(Permission.CONSENT_MANAGE))
def grant_identity(org_id: int) -> Response:
    """Share name and contact details again with an employer the learner withdrew them from."""
    decided = {org.id for org, _granted in services.identity_consents(db.session, current_user)}
    if org_id not in decided:  # only a withdrawn yes is given back here; new ones answer requests
        raise NotFound(_("No such employer among your decisions."))
    services.grant_identity(db.session, current_user, org_id)
    flash(_("The employer can see who you are again."), "success")
    return redirect(url_for("privacy.consents"))  # type: ignore[return-value]


def _guides_page(form: dict[str, Any], errors: dict[str, Any]) -> Page:
    grants = services.grants_of(db.session, current_user)
    live = {(g.organisation_id, g.guide_id) for g in grants if g.revoked_at is None}
    # Only guides who do not have access already are offered.
    offered = [
        (org, [p for p in people if (org.id, p.id) not in live])
        for org, people in services.available_guides(db.session)
    ]
    html = render_template(
        "privacy/guides.html",
        grants=grants,
        available=[(org, people) for org, people in offered if people],
        form=form,
        errors=errors,
    )
    return (html, 422) if errors else html


@bp.route("/privacy/guides", methods=["GET", "POST"])
@access(requires(Permission.GUIDE_GRANT_MANAGE))
def guides() -> Page:
    """Give a guide at a lärcentrum access to help with the portfolio, or see who has it."""
    if request.method == "GET":
        return _guides_page({}, {})
    form = request.form.to_dict()
    try:
        data = load(GuideGrantSchema(), form)
        grant = services.grant_guide(
            db.session, current_user, data["guide_id"], data["organisation_id"]
        )
    except DomainError as exc:
        return _guides_page(form, {"guide": [m for v in exc.errors.values() for m in v]})
    flash(
        _("%(name)s can now help you with your portfolio.", name=grant.guide.display_name),
        "success",
    )
    return redirect(url_for("privacy.guides"))  # type: ignore[return-value]


@bp.post("/privacy/guides/<int:grant_id>/revoke")
@access(requires(Permission.GUIDE_GRANT_MANAGE))
def revoke_guide(grant_id: int) -> Response:
    grant = services.revoke_guide(db.session, current_user, grant_id)
    flash(_("%(name)s no longer has access.", name=grant.guide.display_name), "success")
    return redirect(url_for("privacy.guides"))  # type: ignore[return-value]


@bp.get("/guide/learners")
@access(requires(Permission.GUIDED_LEARNERS_VIEW))
def guided_learners() -> str:
    """List the learners who have given this guide access, with links to their portfolios."""
    return render_template(
        "privacy/guided_learners.html", learners=services.learners_of(db.session, current_user)
    )


@bp.get("/privacy/access-log")
@access(requires(Permission.ACCESS_LOG_VIEW))
def access_log() -> str:
    """Who has looked at the learner's portfolio: role and organisation, and when."""
    return render_template(
        "privacy/access_log.html",
        entries=services.access_log(db.session, current_user),
        changes=services.changes_for(db.session, current_user),
    )


@bp.get("/privacy/export")
@access(requires(Permission.DATA_EXPORT))
def export_page() -> str:
    return render_template("privacy/export.html")


@bp.post("/privacy/export")
@access(requires(Permission.DATA_EXPORT))
def download_export() -> Response:
    """Send everything the service holds about the person as one zip file."""
    return export_response(current_user)


def export_response(user: Any) -> Response:
    """Build the zip download shared by the page and the API."""
    archive = export.write_zip(db.session, user, storage())
    name = f"meritportfolj-{dt.date.today().isoformat()}.zip"
    response = send_file(
        archive, mimetype="application/zip", as_attachment=True, download_name=name, max_age=0
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/privacy/delete-account", methods=["GET", "POST"])
@access(requires(Permission.ACCOUNT_ERASE))
@limiter.limit("10 per hour", methods=["POST"])
def erase() -> Page:
    """Delete the account and everything in it, after the password is confirmed."""
    if request.method == "GET":
        return render_template("privacy/erase.html", errors={})
    try:
        data = load(EraseSchema(), request.form.to_dict())
        erasure.erase_account(db.session, current_user._get_current_object(), data["password"])
    except DomainError as exc:
        return render_template("privacy/erase.html", errors=exc.errors), 422
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Your account and everything in it have been deleted."), "success")
    return redirect(url_for("web.index"))  # type: ignore[return-value]
