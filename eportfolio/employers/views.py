"""Employer pages: needs, candidates and their explanations, shortlist, contact requests.

The need form, colleagues and the learner's side (Matchningar, answers) have modules of their
own on the same blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from eportfolio.db import db, parse_id
from eportfolio.employers import services
from eportfolio.employers.models import Need
from eportfolio.employers.schemas import ContactSchema
from eportfolio.errors import Conflict, ValidationFailed
from eportfolio.extensions import limiter
from eportfolio.matching_index.loading import cefr
from eportfolio.permissions import Permission, access, requires
from eportfolio.portfolios.languages import language_name
from eportfolio.portfolios.models import CEFR, Portfolio
from eportfolio.schemas import load
from eportfolio.taxonomy_store.language import Label
from eportfolio.taxonomy_store.models import Concept

bp = Blueprint("employers", __name__)
NEEDS = requires(Permission.NEED_MANAGE)
Page = str | tuple[str, int] | Response


def ui_language() -> str:
    """The language the page is shown in."""
    return str(get_locale())


@bp.get("/needs")
@access(NEEDS)
def needs() -> str:
    return render_template(
        "employers/needs.html", needs=services.needs_of(db.session, current_user)
    )


@bp.get("/needs/<int:need_id>")
@access(NEEDS)
@limiter.limit("120 per minute", key_func=lambda: f"search:{current_user.get_id()}")
def need(need_id: int) -> str:
    """Rank pseudonymous candidates for the need, 20 to a page, at most 5 pages."""
    item = services.need_for(db.session, current_user, need_id)
    page = request.args.get("page", "1")
    number = parse_id(page) or 1
    found = services.candidates(db.session, current_user, item, number)
    return render_template(
        "employers/candidates.html",
        need=item,
        candidates=found,
        page=min(max(number, 1), services.MAX_PAGES),
        max_pages=services.MAX_PAGES,
        lang=ui_language(),
        shortlisted={e.portfolio_id for e in services.shortlist(db.session, item)},
        sent=[
            (r, services.revealed_identity(db.session, r))
            for r in services.requests_for_need(db.session, item)
        ],
        via=_via_labels(
            [t.via for c in found for t in c.explanation.skills if t.status == "related"]
        ),
    )


@bp.get("/needs/<int:need_id>/candidates/<pseudonym>")
@access(NEEDS)
def candidate(need_id: int, pseudonym: str) -> str:
    """Explain one candidate's score, term by term."""
    return _candidate_page(need_id, pseudonym, {}, {})


def _candidate_page(
    need_id: int, pseudonym: str, form: dict[str, Any], errors: dict[str, Any]
) -> str:
    item = services.need_for(db.session, current_user, need_id)
    found = services.candidate(db.session, current_user, item, pseudonym)
    contacted = next(
        (
            r
            for r in services.requests_for_need(db.session, item)
            if r.portfolio_id == found.portfolio.id
        ),
        None,
    )
    return render_template(
        "employers/candidate.html",
        need=item,
        candidate=found,
        lang=ui_language(),
        request_=contacted,
        errors=errors,
        form=form,
        identity=services.revealed_identity(db.session, contacted) if contacted else None,
        shortlisted=any(
            e.portfolio_id == found.portfolio.id for e in services.shortlist(db.session, item)
        ),
        languages=_language_notes(item, found.portfolio),
        place=_place_note(item, found.portfolio),
        via=_via_labels([t.via for t in found.explanation.skills if t.status == "related"]),
        links=_link_names(),
    )


def _via_labels(uris: list[str | None]) -> dict[str, Label]:
    """Name the candidate's skills that met need skills through the taxonomy."""
    wanted = {u for u in uris if u}
    if not wanted:
        return {}
    found = db.session.scalars(select(Concept).where(Concept.uri.in_(wanted)))
    return {c.uri: c.label_in(ui_language()) for c in found}


def _link_names() -> dict[str, str]:
    """Say how a related skill stands to the skill asked for (the engine's link kinds)."""
    return {
        "narrower": _("a more specific skill"),
        "broader": _("a broader skill"),
        "related": _("a related skill"),
        "sibling": _("a skill in the same group"),
        "cooccurs": _("a skill the same occupations ask for"),
    }


def _language_notes(need: Need, portfolio: Portfolio) -> list[str]:
    """Say, per language the need asks for, what the candidate holds as the engine reads it:
    a mother tongue, else the weakest of the four CEFR skills."""
    held = {lang.language: lang for lang in portfolio.languages}
    notes = []
    for asked in need.languages:
        name, level = language_name(asked.language, ui_language()), asked.min_cefr
        lang = held.get(asked.language)
        if lang is None:
            notes.append(_("%(language)s: %(asked)s asked, not stated", language=name, asked=level))
        elif lang.mother_tongue:
            notes.append(
                _("%(language)s: %(asked)s asked, mother tongue", language=name, asked=level)
            )
        else:
            skills = (lang.listening, lang.reading, lang.speaking, lang.writing)
            weakest = CEFR[cefr(False, *skills) - 1]  # the engine's reading of the grid
            notes.append(
                _(
                    "%(language)s: %(asked)s asked, has %(held)s",
                    language=name,
                    asked=level,
                    held=weakest,
                )
            )
    return notes


def _place_note(need: Need, portfolio: Portfolio) -> str:
    """Say where the candidate lives against where the job is, when both are known."""
    if need.municipality is None or portfolio.municipality is None:
        return ""
    return _(
        "Lives in %(home)s; the job is in %(work)s",
        home=portfolio.municipality.name,
        work=need.municipality.name,
    )


@bp.post("/needs/<int:need_id>/candidates/<pseudonym>/shortlist")
@access(NEEDS)
def shortlist(need_id: int, pseudonym: str) -> Response:
    item = services.need_for(db.session, current_user, need_id)
    added = services.toggle_shortlist(db.session, current_user, item, pseudonym)
    flash(_("Added to the shortlist.") if added else _("Taken off the shortlist."), "success")
    return redirect(url_for("employers.candidate", need_id=need_id, pseudonym=pseudonym))  # type: ignore[return-value]


@bp.post("/needs/<int:need_id>/candidates/<pseudonym>/contact")
@access(NEEDS)
def contact(need_id: int, pseudonym: str) -> Page:
    item = services.need_for(db.session, current_user, need_id)
    form = request.form.to_dict()
    try:
        data = load(ContactSchema(), form)
        services.request_contact(db.session, current_user, item, pseudonym, data.get("message"))
    except ValidationFailed as exc:  # the typed message stays in the form, with the error
        return _candidate_page(need_id, pseudonym, form, exc.errors), 422
    except Conflict as exc:  # asked already (from an old tab): the page says where it stands
        flash(str(exc.message), "info")
    else:
        flash(
            _("Your request has been sent. The candidate decides whether to share their name."),
            "success",
        )
    return redirect(url_for("employers.candidate", need_id=need_id, pseudonym=pseudonym))


@bp.post("/needs/<int:need_id>/close")
@access(NEEDS)
def close_need(need_id: int) -> Response:
    """Close a filled or withdrawn need: learners no longer see it among their matches."""
    services.set_open(db.session, current_user, need_id, False)
    flash(_("The need is closed. Learners no longer see it."), "success")
    return redirect(url_for("employers.need", need_id=need_id))  # type: ignore[return-value]


@bp.post("/needs/<int:need_id>/reopen")
@access(NEEDS)
def reopen_need(need_id: int) -> Response:
    services.set_open(db.session, current_user, need_id, True)
    flash(_("The need is open again."), "success")
    return redirect(url_for("employers.need", need_id=need_id))  # type: ignore[return-value]


# The other pages on this blueprint.
from eportfolio.employers import colleague_views, learner_views, need_form_views  # noqa: E402,F401
