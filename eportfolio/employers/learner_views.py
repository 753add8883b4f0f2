"""The learner's side of matching: Matchningar, and answers to employers' contact requests."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eportfolio.db import db
from eportfolio.employers import services
from eportfolio.employers.views import bp, ui_language
from eportfolio.errors import Conflict
from eportfolio.permissions import Permission, access, requires


@bp.get("/matches")
@access(requires(Permission.CONTACT_ANSWER))
def matches() -> str:
    """Matchningar: occupations, open needs and bristyrken that fit, with what is missing."""
    from eportfolio.employers.recommendations import recommend
    from eportfolio.portfolios.services import portfolio_for

    portfolio = portfolio_for(db.session, current_user)
    found = recommend(db.session, portfolio)
    skills = {c.id for group in found.values() for s in group for c, _, _ in s.gaps}
    return render_template(
        "employers/matches.html",
        found=found,
        lang=ui_language(),
        teaching=_teaching(sorted(skills)),
        has_skills=bool(portfolio.claims),
    )


def _teaching(concept_ids: list[int]) -> dict[int, list[Any]]:
    """Where each skill can be learned: the lärcentra's training catalogue."""
    from eportfolio.regional.modules import modules_teaching

    result: dict[int, list[Any]] = modules_teaching(db.session, concept_ids)
    return result


@bp.get("/contacts")
@access(requires(Permission.CONTACT_ANSWER))
def contacts() -> str:
    """The learner's contact requests from employers."""
    from eportfolio.privacy.services import identity_shared, matching_visible

    found = services.requests_for_learner(db.session, current_user)
    return render_template(
        "employers/contacts.html",
        requests=found,
        # A yes stands while the consent it gave stands; the learner may withdraw it later.
        withdrawn={
            r.id
            for r in found
            if r.state == "accepted"
            and not identity_shared(db.session, current_user.id, r.need.organisation_id)
        },
        visible=matching_visible(db.session, current_user.id),
    )


@bp.post("/contacts/<int:request_id>")
@access(requires(Permission.CONTACT_ANSWER))
def answer(request_id: int) -> Response:
    """Answer a request, or turn a no into a yes (from this page or the consents page)."""
    accept = request.form.get("answer") == "accept"
    try:
        services.answer_request(db.session, current_user, request_id, accept)
    except Conflict as exc:  # answered already, or the need has closed since
        flash(str(exc.message), "error")
    else:
        flash(
            _("The employer can now see your name and e-mail address.")
            if accept
            else _("You said no. The employer does not learn who you are."),
            "success",
        )
    back = "privacy.consents" if request.form.get("back") == "consents" else "employers.contacts"
    return redirect(url_for(back))  # type: ignore[return-value]
