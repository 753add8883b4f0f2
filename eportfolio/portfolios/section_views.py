"""Pages for the portfolio's list sections: experience, education, languages, skill claims."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema

from eportfolio.db import db, parse_id
from eportfolio.errors import DomainError
from eportfolio.permissions import access
from eportfolio.portfolios import services
from eportfolio.portfolios.languages import language_options
from eportfolio.portfolios.models import CEFR, Portfolio
from eportfolio.portfolios.schemas import (
    ClaimSchema,
    CvTextSchema,
    EducationSchema,
    ExperienceSchema,
    LanguageSchema,
)
from eportfolio.portfolios.views import (
    EDIT,
    Page,
    after_save,
    bp,
    current_portfolio,
    to_overview,
)
from eportfolio.schemas import load
from eportfolio.taxonomy_store import search

Saver = Callable[..., Any]
SECTIONS: dict[str, tuple[str, type[Schema], Saver, str]] = {
    # section: (items attribute, schema, service, guided step)
    "experience": ("experiences", ExperienceSchema, services.save_experience, "experience"),
    "education": ("educations", EducationSchema, services.save_education, "experience"),
    "language": ("languages", LanguageSchema, services.save_language, "languages"),
}


def _form_of(item: Any, schema: type[Schema]) -> dict[str, Any]:
    dumped = schema().dump(item)
    if (
        hasattr(item, "end")
        and getattr(item, "end", None) is None
        and hasattr(item, "employer_name")
    ):
        dumped["ongoing"] = True
    return {k: ("" if v is None else v) for k, v in dumped.items()}


def _section_page(section: str, item_id: int | None) -> Page:
    attribute, schema, save, step = SECTIONS[section]
    portfolio = current_portfolio()
    item = services._owned(getattr(portfolio, attribute), item_id) if item_id else None
    form = _form_of(item, schema) if item else {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            save(db.session, current_user, portfolio, load(schema(), form), item_id)
        except DomainError as exc:
            errors = exc.errors
        else:
            if request.form.get("action") == "another":
                flash(_("Saved. Add another one."), "success")
                return redirect(request.full_path.rstrip("?"))  # type: ignore[return-value]
            return after_save(portfolio, step, "portfolios.overview")
    return render_template(
        f"portfolios/{section}_form.html",
        form=form,
        errors=errors,
        item=item,
        portfolio=portfolio,
        guided=request.values.get("guided"),
        languages=language_options(str(get_locale())),
        cefr=CEFR,
    ), 422 if errors else 200


def _delete(section: str, item_id: int) -> Response:
    portfolio = current_portfolio()
    services.delete_item(db.session, current_user, portfolio, section, item_id)
    flash(_("Removed."), "success")
    return to_overview()


@bp.route("/experience/new", methods=["GET", "POST"])
@access(EDIT)
def new_experience() -> Page:
    return _section_page("experience", None)


@bp.route("/experience/<int:item_id>", methods=["GET", "POST"])
@access(EDIT)
def edit_experience(item_id: int) -> Page:
    return _section_page("experience", item_id)


@bp.post("/experience/<int:item_id>/delete")
@access(EDIT)
def delete_experience(item_id: int) -> Response:
    return _delete("experience", item_id)


@bp.route("/education/new", methods=["GET", "POST"])
@access(EDIT)
def new_education() -> Page:
    return _section_page("education", None)


@bp.route("/education/<int:item_id>", methods=["GET", "POST"])
@access(EDIT)
def edit_education(item_id: int) -> Page:
    return _section_page("education", item_id)


@bp.post("/education/<int:item_id>/delete")
@access(EDIT)
def delete_education(item_id: int) -> Response:
    return _delete("education", item_id)


@bp.route("/languages/new", methods=["GET", "POST"])
@access(EDIT)
def new_language() -> Page:
    return _section_page("language", None)


@bp.route("/languages/<int:item_id>", methods=["GET", "POST"])
@access(EDIT)
def edit_language(item_id: int) -> Page:
    return _section_page("language", item_id)


@bp.post("/languages/<int:item_id>/delete")
@access(EDIT)
def delete_language(item_id: int) -> Response:
    return _delete("language", item_id)


def _claim_page(
    portfolio: Portfolio, form: dict[str, Any], errors: dict[str, Any], claim: Any = None
) -> Page:
    candidates = []
    if (errors.get("text") or form.get("concept_choice")) and form.get("text"):
        # A choice already made stays offered (and ticked) when another field is wrong.
        # Without JavaScript the suggestions come back with the page: pick one and save again.
        candidates = search.did_you_mean(db.session, form["text"])
    return render_template(
        "portfolios/claim_form.html",
        form=form,
        errors=errors,
        claim=claim,
        portfolio=portfolio,
        candidates=candidates,
        guided=request.values.get("guided"),
        lang=str(get_locale()),
        suggestions=services.suggested_skills(db.session, portfolio) if claim is None else [],
    ), 422 if errors else 200


@bp.route("/skills/new", methods=["GET", "POST"])
@access(EDIT)
def new_claim() -> Page:
    """Add a skill: free text with suggestions, a self-assessed level and where it was learned."""
    portfolio = current_portfolio()
    if request.method == "POST":
        form = {**request.form.to_dict(), "experience_ids": request.form.getlist("experience_ids")}
        form["concept_id"] = _chosen_skill(form)
        try:
            services.save_claim(db.session, current_user, portfolio, load(ClaimSchema(), form))
        except DomainError as exc:
            return _claim_page(portfolio, form, exc.errors)
        if request.form.get("action") == "another":
            flash(_("Saved. Add another one."), "success")
            return redirect(request.full_path.rstrip("?"))
        return after_save(portfolio, "skills", "portfolios.overview")
    return _claim_page(portfolio, {"level": "2"}, {})


def _flash_added(count: int) -> None:
    if count:
        flash(
            ngettext(
                "%(num)d skill added. Check its level.",
                "%(num)d skills added. Check the level of each one.",
                count,
            ),
            "success",
        )
    else:
        flash(_("No skill was added: tick the ones you have."), "info")


def _chosen_skill(form: dict[str, Any]) -> str:
    """Return the skill the person picked: one of "did you mean", else a suggestion clicked
    for exactly the words now in the field; words typed after a click are found anew."""
    if form.get("concept_choice"):
        return str(form["concept_choice"])
    typed = str(form.get("text") or "").strip().casefold()
    if str(form.get("concept_for") or "").strip().casefold() == typed:
        return str(form.get("concept_id") or "")
    return ""


@bp.route("/skills/<int:item_id>", methods=["GET", "POST"])
@access(EDIT)
def edit_claim(item_id: int) -> Page:
    portfolio = current_portfolio()
    claim = services._owned(portfolio.claims, item_id)
    form: dict[str, Any] = {
        "text": claim.text_as_typed,
        "level": str(claim.level),
        "years": claim.years or "",
        "learned_in": claim.learned_in or "",
        "experience_ids": [str(e.id) for e in claim.experiences],
    }
    if request.method == "POST":
        form = {
            **request.form.to_dict(),
            "text": claim.text_as_typed,
            "experience_ids": request.form.getlist("experience_ids"),
        }
        try:
            services.save_claim(
                db.session, current_user, portfolio, load(ClaimSchema(), form), item_id
            )
        except DomainError as exc:
            return _claim_page(portfolio, form, exc.errors, claim)
        return after_save(portfolio, "skills", "portfolios.overview")
    return _claim_page(portfolio, form, {}, claim)


@bp.post("/skills/<int:item_id>/delete")
@access(EDIT)
def delete_claim(item_id: int) -> Response:
    return _delete("claim", item_id)


@bp.post("/skills/suggested")
@access(EDIT)
def add_suggested() -> Response:
    """Add the skills the person ticked among the suggestions."""
    portfolio = current_portfolio()
    ids = [i for i in map(parse_id, request.form.getlist("concept_ids")) if i is not None]
    added = services.add_claims(db.session, current_user, portfolio, ids)
    _flash_added(len(added))
    learner = request.args.get("learner")
    if request.form.get("guided"):  # stay on the guided step: the next skill can be typed
        return redirect(
            url_for("portfolios.new_claim", guided=1, **({"learner": learner} if learner else {}))
        )
    return to_overview()


@bp.route("/skills/from-text", methods=["GET", "POST"])
@access(EDIT)
def claims_from_text() -> Page:
    """Paste a CV text, then accept or reject each skill found in it."""
    portfolio = current_portfolio()
    form, errors, found = request.form.to_dict(), {}, []
    if request.method == "POST" and request.form.get("step") == "accept":
        ids = [i for i in map(parse_id, request.form.getlist("concept_ids")) if i is not None]
        texts = {
            i: v
            for k, v in request.form.items()
            if k.startswith("text_") and (i := parse_id(k[5:])) is not None
        }
        added = services.add_claims(db.session, current_user, portfolio, ids, texts)
        _flash_added(len(added))
        return to_overview()
    if request.method == "POST":
        try:
            data = load(CvTextSchema(), form)
            found = services.skills_in_text(db.session, portfolio, data["text"])
        except DomainError as exc:
            errors = exc.errors
    return render_template(
        "portfolios/claims_from_text.html",
        form=form,
        errors=errors,
        found=found,
        lang=str(get_locale()),
    ), 422 if errors else 200
