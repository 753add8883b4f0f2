"""Coordinator pages: create and edit valideringsråd, their scope, kommuner and members."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from eportfolio.accounts.models import Municipality
from eportfolio.db import db
from eportfolio.errors import Conflict, DomainError
from eportfolio.permissions import Permission, access, requires
from eportfolio.schemas import load
from eportfolio.taxonomy_store.models import Concept
from eportfolio.validation import councils
from eportfolio.validation.schemas import CouncilSchema, MemberSchema
from eportfolio.validation.views import Page, _form, bp


@bp.get("/councils")
@access(requires(Permission.COUNCIL_MANAGE))
def council_list() -> str:
    items = [
        (org, councils.scope_of(db.session, org.id), councils.members_of(db.session, org.id))
        for org in councils.councils(db.session)
    ]
    return render_template("validation/councils.html", items=items)


def _council_page(
    council_id: int | None,
    member_form: dict[str, Any] | None = None,
    member_errors: dict[str, Any] | None = None,
    status: int = 422,
) -> Page:
    org = councils.council(db.session, council_id) if council_id else None
    form: dict[str, Any] = {}
    if org is not None:
        form = {
            "name": org.name,
            "branch": org.branch or "",
            "occupation_ids": [str(c.id) for c in councils.scope_of(db.session, org.id)],
            "municipality_codes": councils.municipalities_of(db.session, org.id),
        }
    errors: dict[str, Any] = {}
    if request.method == "POST" and member_form is None:  # not the members form's own POST
        form = _form("occupation_ids", "municipality_codes")
        try:
            saved = councils.save_council(
                db.session, current_user, load(CouncilSchema(), form), council_id
            )
        except DomainError as exc:
            errors = exc.errors
        else:
            flash(_("The council is saved."), "success")
            return redirect(url_for("validation.edit_council", council_id=saved.id))  # type: ignore[return-value]
    session = db.session
    occupations = session.scalars(
        select(Concept).where(Concept.kind == "occupation").order_by(Concept.code, Concept.id)
    ).all()
    return render_template(
        "validation/council_form.html",
        council=org,
        form=form,
        errors=errors,
        occupations=occupations,
        municipalities=session.scalars(
            select(Municipality).where(Municipality.in_region).order_by(Municipality.name)
        ).all(),
        members=councils.members_of(session, org.id) if org else [],
        member_form=member_form or {},
        member_errors=member_errors or {},
    ), (422 if errors else status) if errors or member_errors else 200


@bp.route("/councils/new", methods=["GET", "POST"])
@access(requires(Permission.COUNCIL_MANAGE))
def new_council() -> Page:
    return _council_page(None)


@bp.route("/councils/<int:council_id>", methods=["GET", "POST"])
@access(requires(Permission.COUNCIL_MANAGE))
def edit_council(council_id: int) -> Page:
    return _council_page(council_id)


@bp.post("/councils/<int:council_id>/members")
@access(requires(Permission.COUNCIL_MANAGE))
def add_member(council_id: int) -> Page:
    form = request.form.to_dict()
    try:
        data = load(MemberSchema(), form)
        councils.add_member(db.session, current_user, council_id, data["email"], data["role"])
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _council_page(council_id, form, exc.errors)  # the typed address stays
    flash(_("The member is added."), "success")
    return redirect(url_for("validation.edit_council", council_id=council_id, _anchor="members"))  # type: ignore[return-value]


@bp.post("/councils/<int:council_id>/members/<int:membership_id>/remove")
@access(requires(Permission.COUNCIL_MANAGE))
def remove_member(council_id: int, membership_id: int) -> Page:
    try:
        councils.remove_member(db.session, current_user, council_id, membership_id)
    except Conflict as exc:  # the refusal stands beside the member, on the council's page
        return _council_page(council_id, {}, exc.errors, status=exc.status)
    flash(_("The member is removed."), "success")
    return redirect(url_for("validation.edit_council", council_id=council_id, _anchor="members"))  # type: ignore[return-value]
