"""Web pages: the evidence list, file upload, links, backing claims, downloads and removal.

A guide works on a learner's evidence with ``?learner=<user id>``, like the portfolio pages.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eportfolio.db import db
from eportfolio.errors import DomainError, NotFound
from eportfolio.evidence import services
from eportfolio.evidence.schemas import AttachSchema, LearnerQuerySchema, LinkSchema, UploadSchema
from eportfolio.permissions import Permission, access, requires
from eportfolio.portfolios.models import Portfolio
from eportfolio.schemas import load

bp = Blueprint("evidence", __name__)
VIEW = requires(Permission.PORTFOLIO_VIEW)
EDIT = requires(Permission.PORTFOLIO_EDIT)
Page = str | tuple[str, int] | Response


def _learner_id() -> int | None:
    try:
        learner: int | None = load(LearnerQuerySchema(), request.args.to_dict())["learner"]
    except DomainError as exc:
        raise NotFound(_("No such portfolio.")) from exc
    return learner


def _portfolio(permission: str) -> Portfolio:
    return services.resolve_portfolio(db.session, current_user, _learner_id(), permission)


def _back(portfolio: Portfolio) -> Response:
    learner = portfolio.user_id if portfolio.user_id != current_user.id else None
    guided = 1 if request.form.get("guided") else None  # stay in the guided first run
    return redirect(url_for("evidence.index", learner=learner, guided=guided))  # type: ignore[return-value]


def _page(portfolio: Portfolio, errors: dict[str, Any] | None = None, **forms: Any) -> Page:
    items = services.list_evidence(db.session, current_user, portfolio)
    acting_for = portfolio.user_id if portfolio.user_id != current_user.id else None
    html = render_template(
        "evidence/list.html",
        portfolio=portfolio,
        items=items,
        claims=sorted(portfolio.claims, key=lambda c: c.text_as_typed.casefold()),
        used_mb=round(services.used_bytes(db.session, portfolio) / services.MB, 1),
        limit_mb=services.max_total_bytes() // services.MB,
        file_limit_mb=services.max_file_bytes() // services.MB,
        learner=acting_for,
        learner_user=_learner_user(acting_for),
        errors=errors or {},
        upload_form=forms.get("upload_form", {}),
        link_form=forms.get("link_form", {}),
    )
    return (html, 422) if errors else html


def _learner_user(learner_id: int | None) -> Any:
    from eportfolio.accounts.models import User

    return db.session.get(User, learner_id) if learner_id else None


@bp.get("/portfolio/evidence")
@access(VIEW)
def index() -> Page:
    """List the portfolio's files and links, with the forms to add more."""
    if _learner_id() is None and not current_user.has_role("learner"):
        return redirect(url_for("privacy.guided_learners"))  # type: ignore[return-value]
    return _page(_portfolio(Permission.PORTFOLIO_VIEW))


@bp.post("/portfolio/evidence/files")
@access(EDIT)
def upload() -> Page:
    """Upload a file; a refused file is not kept, and the page says why."""
    portfolio = _portfolio(Permission.PORTFOLIO_EDIT)
    form = request.form.to_dict()
    try:
        data = load(UploadSchema(), form)
        ev = services.add_file(
            db.session,
            current_user,
            portfolio,
            request.files.get("file"),
            data["title"],
            data["claim_id"],
        )
    except DomainError as exc:
        return _page(portfolio, exc.errors, upload_form=form)
    flash(_("The file %(name)s has been added.", name=ev.original_name), "success")
    return _back(portfolio)


_LINK_FIELDS = {"link_title": "title", "url": "url", "link_claim_id": "claim_id"}


@bp.post("/portfolio/evidence/links")
@access(EDIT)
def add_link() -> Page:
    """Add a web address as evidence."""
    portfolio = _portfolio(Permission.PORTFOLIO_EDIT)
    form = request.form.to_dict()
    data = {ours: form.get(theirs) for theirs, ours in _LINK_FIELDS.items() if theirs in form}
    try:
        ev = services.add_link(db.session, current_user, portfolio, load(LinkSchema(), data))
    except DomainError as exc:
        back = {v: k for k, v in _LINK_FIELDS.items()}
        errors = {back.get(k, k): v for k, v in exc.errors.items()}
        return _page(portfolio, errors, link_form=form)
    flash(_("The link %(title)s has been added.", title=ev.title), "success")
    return _back(portfolio)


@bp.get("/portfolio/evidence/<int:evidence_id>/file")
@access(VIEW)
def download(evidence_id: int) -> Response:
    """Send a file as a download, never to be shown inline by the browser."""
    portfolio = _portfolio(Permission.PORTFOLIO_VIEW)
    ev, fh = services.open_file(db.session, current_user, portfolio, evidence_id)
    return file_response(ev, fh)


def file_response(ev: Any, fh: Any) -> Response:
    """Build the attachment response shared by the web page and the API."""
    response = send_file(
        fh,
        mimetype=ev.content_type,
        as_attachment=True,
        download_name=ev.original_name,
        max_age=0,
        conditional=False,
        etag=False,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/portfolio/evidence/<int:evidence_id>/delete", methods=["GET", "POST"])
@access(EDIT)
def delete(evidence_id: int) -> Page:
    """Ask first (a page, so it works without JavaScript), then remove on the confirming POST."""
    portfolio = _portfolio(Permission.PORTFOLIO_EDIT)
    if request.method == "GET":
        ev = services.get_evidence(db.session, portfolio, evidence_id)
        acting_for = portfolio.user_id if portfolio.user_id != current_user.id else None
        return render_template("evidence/delete.html", ev=ev, learner=acting_for)
    services.delete_evidence(db.session, current_user, portfolio, evidence_id)
    flash(_("The evidence has been removed."), "success")
    return _back(portfolio)


@bp.post("/portfolio/evidence/<int:evidence_id>/claims")
@access(EDIT)
def attach(evidence_id: int) -> Page:
    """Let the evidence back one more skill."""
    portfolio = _portfolio(Permission.PORTFOLIO_EDIT)
    services.get_evidence(db.session, portfolio, evidence_id)  # someone else's: 404 first
    try:
        data = load(AttachSchema(), request.form.to_dict())
        services.attach(db.session, current_user, portfolio, evidence_id, data["claim_id"])
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _page(portfolio, {f"claim-{evidence_id}": next(iter(exc.errors.values()))})
    flash(_("The evidence now backs the skill."), "success")
    return _back(portfolio)


@bp.post("/portfolio/evidence/<int:evidence_id>/claims/<int:claim_id>/remove")
@access(EDIT)
def detach(evidence_id: int, claim_id: int) -> Response:
    portfolio = _portfolio(Permission.PORTFOLIO_EDIT)
    try:
        services.detach(db.session, current_user, portfolio, evidence_id, claim_id)
    except DomainError as exc:
        raise NotFound(exc.message) from exc
    flash(_("The evidence no longer backs the skill."), "success")
    return _back(portfolio)
