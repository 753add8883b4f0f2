"""The need form: typed or pasted from a job ad, every mistake shown beside its row."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select

from eportfolio.accounts.models import Municipality
from eportfolio.db import db, parse_id
from eportfolio.employers import services
from eportfolio.employers.schemas import MAX_SKILLS, NeedSchema, form_skill_rows
from eportfolio.employers.views import NEEDS, Page, bp, ui_language
from eportfolio.errors import DomainError, ValidationFailed
from eportfolio.permissions import access
from eportfolio.portfolios.languages import language_name, language_options
from eportfolio.portfolios.models import CEFR
from eportfolio.portfolios.services import resolve_concept
from eportfolio.schemas import load
from eportfolio.taxonomy_store.models import Concept

LANGUAGE_ROWS = range(1, 4)  # as many as NeedSchema reads


def _need_form(need_id: int | None) -> Page:
    need = services.need_for(db.session, current_user, need_id) if need_id else None
    form: dict[str, Any] = _form_of(need) if need else {}
    errors: dict[str, Any] = {}
    choices: dict[str, list[Concept]] = {}
    if request.method == "POST":
        form = _take_choices(request.form.to_dict())
        if request.form.get("action") == "suggest":
            form = {**form, **_suggested_rows(form)}
        else:
            try:
                saved = services.save_need(
                    db.session,
                    current_user,
                    load(NeedSchema(), form),
                    need_id,
                    rows=[n for n, _ in form_skill_rows(form)],
                )
            except ValidationFailed as exc:
                row_errors, choices = _skill_row_errors(form)
                errors = {**row_errors, **exc.errors}
            except DomainError as exc:
                errors = exc.errors
            else:
                typed = (form.get("occupation") or "").strip()
                read = saved.occupation.label(ui_language()) if saved.occupation else ""
                if typed and read and typed.casefold() != read.casefold():
                    flash(
                        _("The occupation was read as “%(occupation)s”.", occupation=read), "info"
                    )
                return redirect(url_for("employers.need", need_id=saved.id))  # type: ignore[return-value]
    municipalities = list(db.session.scalars(select(Municipality).order_by(Municipality.name)))
    return render_template(
        "employers/need_form.html",
        form=form,
        errors=errors,
        choices=choices,
        lang=ui_language(),
        need=need,
        rows=_rows_shown(form),
        municipalities=municipalities,
        cefr=CEFR,
        languages=language_options(ui_language()),
    ), 422 if errors else 200


def _skill_row_errors(
    form: dict[str, Any],
) -> tuple[dict[str, list[Any]], dict[str, list[Concept]]]:
    """Name the skill rows that do not resolve, with the skills each may mean, also when
    other fields failed first, so one submit shows every mistake."""
    try:
        rows = form_skill_rows(form)
        items = [dict(item, concept_id=parse_id(item["concept_id"]) or None) for _, item in rows]
    except ValidationError:
        return {}, {}  # the schema's own message for these rows stands
    _found, errors, choices = services.skill_errors(db.session, items, [n for n, _ in rows])
    return errors, choices


def _take_choices(form: dict[str, Any]) -> dict[str, Any]:
    """Put the skill chosen among a row's suggestions in that row under its own name, so the
    page shows what was chosen; a choice made for words since changed is dropped."""
    taken = dict(form)
    for n in range(1, MAX_SKILLS + 1):
        chosen = parse_id(taken.pop(f"choice_{n}", None))
        offered_for = str(taken.pop(f"choice_for_{n}", "")).strip().casefold()
        if chosen is None or offered_for != str(taken.get(f"skill_{n}", "")).strip().casefold():
            continue
        concept = resolve_concept(db.session, offered_for, "skill", chosen)
        if concept is not None:
            taken |= _chosen_row(n, concept)
    return taken


def _chosen_row(n: int, concept: Concept) -> dict[str, str]:
    """Return row ``n`` holding a chosen skill: its name as the row's words, chosen for them."""
    label = concept.label(ui_language())
    return {f"skill_{n}": label, f"concept_for_{n}": label, f"concept_{n}": str(concept.id)}


def _rows_shown(form: dict[str, Any]) -> int:
    """Show every filled skill row and three empty ones after the last (six at least)."""
    filled = [n for n in range(1, MAX_SKILLS + 1) if str(form.get(f"skill_{n}") or "").strip()]
    return min(MAX_SKILLS, max(6, (filled[-1] if filled else 0) + 3))


def _suggested_rows(form: dict[str, Any]) -> dict[str, Any]:
    """Fill empty rows with what the pasted ad names (nothing is saved): skills, must or nice
    by their sentence, and languages (named as skills in the taxonomy) as language rows."""
    found = services.skills_from_ad(db.session, form.get("text") or "")
    lang = ui_language()
    taken = {form.get(f"skill_{n}", "").strip().casefold() for n in range(1, MAX_SKILLS + 1)}
    # A row already holding a chosen skill under other words takes that skill too.
    chosen = {
        str(form.get(f"concept_{n}"))
        for n in range(1, MAX_SKILLS + 1)
        if form.get(f"concept_{n}")
        and str(form.get(f"concept_for_{n}", "")).strip().casefold()
        == str(form.get(f"skill_{n}", "")).strip().casefold()
    }
    free = [n for n in range(1, MAX_SKILLS + 1) if not form.get(f"skill_{n}", "").strip()]
    languages = {
        name.casefold(): code for locale in ("sv", "en") for code, name in language_options(locale)
    }
    asked = {form.get(f"language_{n}") for n in LANGUAGE_ROWS} - {None, ""}
    free_languages = [n for n in LANGUAGE_ROWS if not form.get(f"language_{n}")]
    left_out = []  # languages the ad names that no language row can honestly hold
    rows: dict[str, Any] = {}
    skills = []
    for item in found:
        code = languages.get(item.concept.label("sv").casefold()) or languages.get(
            item.concept.label("en").casefold()
        )
        if code is None:
            label = item.concept.label(lang).casefold()
            if label not in taken and str(item.concept.id) not in chosen:
                skills.append(item)
        elif code in asked:
            continue
        elif item.must and free_languages:
            n = free_languages.pop(0)
            rows[f"language_{n}"], rows[f"cefr_{n}"] = code, "B1"
            asked.add(code)
        else:  # a language row is a requirement: a merit, or one too many, is said instead
            left_out.append(language_name(code, lang))
            asked.add(code)
    for item, n in zip(skills, free, strict=False):
        rows |= _chosen_row(n, item.concept)
        rows[f"kind_{n}"], rows[f"level_{n}"] = ("must" if item.must else "nice"), "2"
    if not found:
        flash(_("No skills were recognised in the text."), "info")
    if left_out:
        flash(
            _(
                "The ad also names %(languages)s: as a merit, or more languages than the rows "
                "hold. Each language row is a requirement; add one yourself if it is required.",
                languages=", ".join(left_out),
            ),
            "info",
        )
    return rows


def _form_of(need: Any) -> dict[str, Any]:
    form = {
        "title": need.title,
        "text": need.text or "",
        "municipality_code": need.municipality_code or "",
        "start_date": need.start_date.isoformat() if need.start_date else "",
        "occupation": need.occupation.label(ui_language()) if need.occupation else "",
    }
    for n, skill in enumerate(need.skills, start=1):
        form |= {
            f"skill_{n}": skill.text,
            f"concept_{n}": str(skill.concept_id),
            f"concept_for_{n}": skill.text,
            f"kind_{n}": "must" if skill.must else "nice",
            f"level_{n}": str(skill.min_level),
        }
    for n, lang in enumerate(need.languages, start=1):
        form |= {f"language_{n}": lang.language, f"cefr_{n}": lang.min_cefr}
    return form


@bp.route("/needs/new", methods=["GET", "POST"])
@access(NEEDS)
def new_need() -> Page:
    """Describe a need, or paste a job ad and accept the suggested skills."""
    return _need_form(None)


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@access(NEEDS)
def edit_need(need_id: int) -> Page:
    return _need_form(need_id)
