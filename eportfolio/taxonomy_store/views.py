"""Web pages: browse and search the taxonomy, find skills in a text, bristyrken list and edits."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from eportfolio.accounts.models import Municipality
from eportfolio.db import db
from eportfolio.errors import DomainError
from eportfolio.permissions import Permission, access, requires
from eportfolio.schemas import load
from eportfolio.taxonomy_store import bristyrken as shortage
from eportfolio.taxonomy_store import labels, search
from eportfolio.taxonomy_store.language import Label
from eportfolio.taxonomy_store.models import Concept
from eportfolio.taxonomy_store.schemas import (
    AssessmentSchema,
    BristyrkenQuerySchema,
    ConceptQuerySchema,
    ExtractSchema,
)
from taxonomy.bristyrken import LAN_CODES
from taxonomy.seed import seed_dir

bp = Blueprint("taxonomy", __name__)
bp.add_app_template_filter(labels.shortage_word, "shortage_word")
bp.add_app_template_global(labels.area_name, "area_name")
VIEW = requires(Permission.TAXONOMY_VIEW)
EDIT = requires(Permission.BRISTYRKEN_EDIT)
Page = str | tuple[str, int] | Response


def _lang() -> str:
    return str(get_locale())


@bp.get("/taxonomy")
@access(VIEW)
def index() -> Page:
    """Search concepts; the list is rendered on the server, JavaScript only adds live hints."""
    form = request.args.to_dict()
    try:
        args = load(ConceptQuerySchema(), form)
    except DomainError as exc:
        return render_template(
            "taxonomy/search.html", form=form, errors=exc.errors, matches=[]
        ), 422
    matches = search.search(db.session, args["q"], kind=args["kind"], limit=20) if args["q"] else []
    return render_template(
        "taxonomy/search.html", form=form, errors={}, matches=matches, lang=_lang()
    )


@bp.post("/taxonomy/extract")
@access(VIEW)
def extract() -> Page:
    """Show the skills found in a pasted job ad or CV text."""
    form = request.form.to_dict()
    try:
        data = load(ExtractSchema(), form)
    except DomainError as exc:
        return render_template(
            "taxonomy/search.html", form={}, extract_form=form, errors=exc.errors, matches=[]
        ), 422
    found = search.find_mentions(db.session, data["text"])
    return render_template(
        "taxonomy/search.html",
        form={},
        extract_form=form,
        errors={},
        matches=[],
        found=found,
        pieces=_highlight(data["text"], found),
        lang=_lang(),
    )


def _highlight(text: str, found: list[search.Found]) -> list[tuple[str, bool]]:
    pieces, at = [], 0
    for f in sorted(found, key=lambda x: x.mention.start):
        if f.mention.start < at:
            continue
        pieces += [
            (text[at : f.mention.start], False),
            (text[f.mention.start : f.mention.end], True),
        ]
        at = f.mention.end
    return [*pieces, (text[at:], False)]


@bp.get("/taxonomy/concepts/<int:concept_id>")
@access(VIEW)
def concept(concept_id: int) -> str:
    item = search.get_concept(db.session, concept_id)
    return render_template(
        "taxonomy/concept.html",
        concept=item,
        lang=_lang(),
        relations=search.relations(db.session, item),
    )


@bp.get("/bristyrken")
@access(VIEW)
def bristyrken() -> Page:
    form = request.args.to_dict()
    try:
        args = load(BristyrkenQuerySchema(), form)
    except DomainError as exc:
        return render_template(
            "taxonomy/bristyrken.html",
            form=form,
            errors=exc.errors,
            rows=[],
            periods=[],
            names={},
            shared=set(),
        ), 422
    kind, code = shortage.area_filter(args["area"])
    rows = shortage.list_assessments(
        db.session,
        area_kind=kind,
        area_code=code,
        period=args["period"],
        recruitment=args["recruitment"],
    )
    return render_template(
        "taxonomy/bristyrken.html",
        form=form,
        errors={},
        rows=rows,
        periods=shortage.periods(db.session),
        names=_occupation_names(rows),
        shared=shortage.shared_groups(db.session),
    )


def _occupation_names(rows: list[Any]) -> dict[int, Label]:
    """Name each assessment's occupation in the reader's language where the taxonomy knows it;
    else by the stored label, which is the source's and in Swedish."""
    lang = str(get_locale())
    refs = {r.occupation_ref for r in rows if r.occupation_ref}
    known = {
        c.uri: c.label_in(lang)
        for c in db.session.scalars(select(Concept).where(Concept.uri.in_(refs)))
    }
    codes = {ref.removeprefix("ssyk4:"): ref for ref in refs if ref.startswith("ssyk4:")}
    groups = select(Concept).where(Concept.kind == "occupation-group", Concept.code.in_(codes))
    known |= {codes[str(c.code)]: c.label_in(lang) for c in db.session.scalars(groups)}
    stored = {r.id: Label(r.occupation_label, "sv") for r in rows if r.occupation_label}
    return {
        r.id: known.get(r.occupation_ref) or stored.get(r.id) or Label(r.occupation_ref, None)
        for r in rows
    }


def _assessment_form(assessment_id: int | None) -> Page:
    row = shortage.get_assessment(db.session, assessment_id) if assessment_id else None
    form: dict[str, Any] = (
        {
            k: getattr(row, k) or ""
            for k in (
                "ssyk4",
                "occupation_label",
                "area_kind",
                "area_code",
                "period",
                "job_opportunities",
                "outlook_5y",
                "recruitment",
            )
        }
        if row
        else {"area_kind": "lan", "area_code": "12"}
    )
    form["area"] = f"{form['area_kind']}:{form['area_code']}"
    if request.method == "POST":
        form = request.form.to_dict()
        kind, _sep, code = form.get("area", "").partition(":")  # one list of areas by name
        form.setdefault("area_kind", kind)
        form.setdefault("area_code", code)
        try:
            data = load(AssessmentSchema(), form)
            shortage.save_assessment(db.session, data, current_user.id, assessment_id)
        except DomainError as exc:
            errors = dict(exc.errors)
            area = errors.pop("area_kind", []) + errors.pop("area_code", [])
            if area:
                errors["area"] = area
            return _assessment_page(form, errors, row), 422
        flash(_("The assessment has been saved."), "success")
        return redirect(url_for("taxonomy.bristyrken"))
    return _assessment_page(form, {}, row)


def _assessment_page(form: dict[str, Any], errors: dict[str, Any], row: Any) -> str:
    kommuner = db.session.execute(
        select(Municipality.code, Municipality.name).order_by(Municipality.name)
    ).all()
    return render_template(
        "taxonomy/bristyrke_form.html",
        form=form,
        errors=errors,
        row=row,
        lan=sorted((code, name) for name, code in LAN_CODES.items()),
        kommuner=kommuner,
        twins=shortage.twins(db.session, row, row.id) if row else [],
    )


@bp.route("/bristyrken/new", methods=["GET", "POST"])
@access(EDIT)
def new_assessment() -> Page:
    return _assessment_form(None)


@bp.route("/bristyrken/<int:assessment_id>/edit", methods=["GET", "POST"])
@access(EDIT)
def edit_assessment(assessment_id: int) -> Page:
    return _assessment_form(assessment_id)


@bp.post("/bristyrken/<int:assessment_id>/delete")
@access(EDIT)
def delete_assessment(assessment_id: int) -> Response:
    shortage.delete_assessment(db.session, assessment_id, current_user.id)
    flash(_("The assessment has been removed."), "success")
    return redirect(url_for("taxonomy.bristyrken"))  # type: ignore[return-value]


@bp.get("/bristyrken/template.csv")
@access(EDIT)
def assessment_template() -> Response:
    """The CSV template the import page asks for, with two example rows."""
    body = seed_dir().joinpath("bristyrken_template.csv").read_bytes()
    return Response(
        "\ufeff".encode() + body,  # Excel reads UTF-8 only with the mark; the import skips it
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="bristyrken-mall.csv"'},
    )


@bp.route("/bristyrken/import", methods=["GET", "POST"])
@access(EDIT)
def import_assessments() -> Page:
    """Upload a filled-in bristyrken CSV: every row is checked first, then all are saved."""
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            counts = shortage.import_csv_upload(db.session, upload, current_user.id)
        except DomainError as exc:
            return render_template("taxonomy/bristyrken_import.html", errors=exc.errors), 422
        flash(_("Assessments added: %(added)s. Updated: %(updated)s.", **counts), "success")
        return redirect(url_for("taxonomy.bristyrken"))
    return render_template("taxonomy/bristyrken_import.html", errors={})
