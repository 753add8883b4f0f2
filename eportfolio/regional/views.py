"""Regional overview pages for coordinators and chairs, CSV downloads, the training catalogue."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eportfolio.db import db, parse_id
from eportfolio.errors import DomainError, NotFound
from eportfolio.permissions import Permission, access, requires
from eportfolio.regional import modules as catalogue
from eportfolio.regional import report, services
from eportfolio.regional.charts import bar_chart
from eportfolio.regional.schemas import ModuleSchema
from eportfolio.schemas import load
from eportfolio.taxonomy_store.labels import shortage_name
from eportfolio.validation.states import State
from eportfolio.validation.views import case_state

bp = Blueprint("regional", __name__)
OVERVIEW = requires(Permission.REGIONAL_OVERVIEW_VIEW)
VALIDATION = requires(Permission.REGIONAL_VALIDATION_VIEW)
MANAGE = requires(Permission.TRAINING_MODULE_MANAGE)
Page = str | tuple[str, int] | Response


def _lang() -> str:
    return str(get_locale())


def _filters(data: dict[str, Any]) -> tuple[str, str | None, Any]:
    """The chosen area and group, and what was not found; the page shows the whole region
    then (a stale bookmark still opens), saying why."""
    try:
        area, group = services.overview_filters(
            data, request.args.get("kommun"), request.args.get("group")
        )
    except NotFound as exc:
        return report.REGION, None, exc.message
    return area, group, None


@bp.get("/regional")
@access(OVERVIEW)
def overview() -> str:
    data, computed_at, fresh = services.overview(db.session)
    area, group, unknown = _filters(data)
    lang = _lang()
    rows = report.supply_rows(data, area, group, lang)
    gaps = report.gap_rows(db.session, data, area, group, lang)
    compare = report.kommun_rows(data, group, lang) if group else []
    trend = report.ads_trend(data, group)
    area_label = report.area_name(area)
    charts = {
        "supply": bar_chart(
            "chart-supply",
            _("People at or above the threshold per occupation group, %(area)s", area=area_label),
            _("Bars show the same numbers as the table below. Counts under 5 show as <5."),
            [r["label"] for r in rows],
            [r["qualified"] for r in rows],
            [r["shortage"] == "brist" for r in rows],
        ),
        "gaps": bar_chart(
            "chart-gaps",
            _(
                "Skills that would lift the most people over the threshold, %(area)s",
                area=area_label,
            ),
            _("Each bar is the number of people one more skill would lift over the threshold."),
            [g["skill_label"] for g in gaps],
            [g["lifted"] for g in gaps],
        ),
    }
    if compare:
        charts["compare"] = bar_chart(
            "chart-compare",
            _("Kommuner compared: people at or above the threshold"),
            _("One bar per kommun and one for the whole region, as in the table beside it."),
            [r["name"] for r in compare],
            [r["qualified"] for r in compare],
        )
    if len(trend) > 1:
        charts["trend"] = bar_chart(
            "chart-trend",
            _("Job ads in Skåne Nordost per period"),
            _("One bar per period of imported job-ad counts."),
            [p for p, _n in trend],
            [n for _p, n in trend],
        )
    return render_template(
        "regional/overview.html",
        data=data,
        unknown=unknown,
        area=area,
        group=group,
        rows=rows,
        gaps=gaps,
        compare=compare,
        trend=trend,
        charts=charts,
        area_label=area_label,
        computed_at=computed_at,
        fresh=fresh,
        kommuner=[(code, report.area_name(code)) for code in data["kommuner"]],
        group_options=[(g, report.group_label(data, g, lang)) for g in data["groups"]],
    )


# A CSV file says what its page says, in the reader's language: the same catalogue entries.
SUPPLY_COLUMNS = [
    ("ssyk4", "SSYK"),
    ("label", _l("Occupation group")),
    ("shortage", _l("Recruitment situation")),
    ("needs", _l("Open needs")),
    ("ads", _l("Job ads")),
    ("ads_skane", _l("Job ads, Skåne")),
    ("targeting", _l("Aiming for it")),
    ("qualified", _l("At or above the threshold")),
    ("validated", _l("Of those, validated")),
]
GAP_COLUMNS = [
    ("skill", _l("Concept")),
    ("skill_label", _l("Skill")),
    ("ssyk4", "SSYK"),
    ("group_label", _l("Occupation group")),
    ("lifted", _l("People lifted over the threshold")),
    ("modules", _l("Taught by")),
]
COMPARE_COLUMNS = [("area", _l("Code")), ("name", _l("Area")), *SUPPLY_COLUMNS]


@bp.get("/regional/<any(supply, gaps, kommuner):table>.csv")
@access(OVERVIEW)
def download(table: str) -> Response:
    data, _at, _fresh = services.overview(db.session)
    # A file is named after its filter: one for an unknown filter is refused, not replaced.
    area, group = services.overview_filters(
        data, request.args.get("kommun"), request.args.get("group")
    )
    if table == "supply":
        columns, rows = SUPPLY_COLUMNS, report.supply_rows(data, area, group, _lang())
    elif table == "gaps":
        columns, rows = GAP_COLUMNS, report.gap_rows(db.session, data, area, group, _lang())
    else:
        columns, rows = COMPARE_COLUMNS, report.kommun_rows(data, group, _lang())
    # "brist" is "shortage" in English, as on the page
    rows = [{**r, "shortage": shortage_name(r["shortage"])} if "shortage" in r else r for r in rows]
    body = report.to_csv([(key, str(title)) for key, title in columns], rows)
    return _csv(body, f"{table}-{area}{'-' + group if group else ''}.csv")


def _csv(body: str, name: str) -> Response:
    return Response(
        "\ufeff" + body,  # Excel reads UTF-8 only with the mark
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/regional/validation")
@access(VALIDATION)
def validation() -> str:
    year = services.validation_year(db.session, request.args.get("year"))
    data, computed_at, fresh = services.validation(db.session, current_user, year)
    councils = report.validation_rows(data["council"], data["states"], _lang())
    occupations = report.validation_rows(data["occupation"], data["states"], _lang())
    charts = {
        "councils": bar_chart(
            "chart-councils",
            _("Cases submitted in %(year)s per valideringsråd", year=year),
            _("Bars show the same numbers as the table below. Counts under 5 show as <5."),
            [r["label"] for r in councils],
            [r["total"] for r in councils],
        ),
        "trend": bar_chart(
            "chart-years",
            _("Cases submitted per year"),
            _("One bar per year: the sum over the councils you may see."),
            *_year_trend(),
        ),
    }
    return render_template(
        "regional/validation.html",
        year=year,
        years=services.validation_years(db.session),
        data=data,
        columns=_throughput_columns(data["states"]),
        stat_keys=[key for key, _title in THROUGHPUT_STATS],
        councils=councils,
        occupations=occupations,
        charts=charts,
        computed_at=computed_at,
        fresh=fresh,
    )


def _year_trend() -> tuple[list[str], list[int | None]]:
    labels, values = [], []
    for year in sorted(services.validation_years(db.session)):
        data, _at, _fresh = services.validation(db.session, current_user, year)
        totals = data["council"]["row_totals"]
        labels.append(year)
        values.append(None if any(t is None for t in totals) else sum(totals))
    return labels, values


THROUGHPUT_STATS = [
    ("waiting_median", _l("Days waiting, median")),
    ("waiting_p90", _l("Days waiting, 90th percentile")),
    ("decision_median", _l("Days to decision, median")),
    ("decision_p90", _l("Days to decision, 90th percentile")),
    ("certification_rate", _l("Certified, %")),
]


def _throughput_columns(states: list[str]) -> list[tuple[str, str]]:
    """Name the throughput tables' columns alike on the page and in its CSV files."""
    return [
        ("label", _("Name")),
        ("total", _("Cases")),
        *[(s, case_state(State(s), for_learner=False)) for s in states],
        *[(key, str(title)) for key, title in THROUGHPUT_STATS],
    ]


@bp.get("/regional/validation/<any(councils, occupations):table>.csv")
@access(VALIDATION)
def download_validation(table: str) -> Response:
    year = services.validation_year(db.session, request.args.get("year"))
    data, _at, _fresh = services.validation(db.session, current_user, year)
    source = data["council"] if table == "councils" else data["occupation"]
    rows = report.validation_rows(source, data["states"], _lang())
    return _csv(
        report.to_csv(_throughput_columns(data["states"]), rows),
        f"validering-{table}-{year}.csv",
    )


# --- training catalogue -----------------------------------------------------------------------


@bp.get("/training")
@access(requires(Permission.TRAINING_CATALOGUE_VIEW))
def training() -> str:
    centre = parse_id(request.args.get("centre"))  # beyond INTEGER: no such centre
    return render_template(
        "regional/training.html",
        modules=catalogue.modules(db.session, centre),
        centres=services.learning_centres(db.session),
        centre=centre,
        lang=_lang(),
    )


@bp.get("/training/modules.csv")
@access(requires(Permission.TRAINING_CATALOGUE_VIEW))
def training_csv() -> Response:
    rows = [
        {
            "name": m.name,
            "centre": m.organisation.name,
            "skills": ", ".join(s.concept.label(_lang()) for s in m.skills),
            "start": m.start_date.isoformat() if m.start_date else "",
            "length": m.length or "",
            "url": m.url or "",
        }
        for m in catalogue.modules(db.session)
    ]
    columns = [
        ("name", _("Module")),
        ("centre", _("Lärcentrum")),
        ("skills", _("Skills")),
        ("start", _("Start")),
        ("length", _("Length")),
        ("url", _("Web address")),
    ]
    return _csv(report.to_csv(columns, rows), "utbildningar.csv")


def _module_form(module_id: int | None) -> Page:
    item = catalogue.module(db.session, module_id) if module_id else None
    form: dict[str, Any] = {}
    if item is not None:
        form = {
            "name": item.name,
            "organisation_id": str(item.organisation_id),
            "description": item.description or "",
            "skills": "\n".join(s.concept.label(_lang()) for s in item.skills),
            "start_date": item.start_date.isoformat() if item.start_date else "",
            "length": item.length or "",
            "url": item.url or "",
        }
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            catalogue.save_module(db.session, current_user, load(ModuleSchema(), form), module_id)
        except DomainError as exc:
            errors = exc.errors
        else:
            return redirect(url_for("regional.training"))  # type: ignore[return-value]
    return render_template(
        "regional/module_form.html",
        form=form,
        errors=errors,
        item=item,
        centres=services.learning_centres(db.session),
    ), 422 if errors else 200


@bp.route("/training/new", methods=["GET", "POST"])
@access(MANAGE)
def new_module() -> Page:
    return _module_form(None)


@bp.route("/training/<int:module_id>/edit", methods=["GET", "POST"])
@access(MANAGE)
def edit_module(module_id: int) -> Page:
    return _module_form(module_id)


@bp.post("/training/<int:module_id>/delete")
@access(MANAGE)
def delete_module(module_id: int) -> Response:
    catalogue.delete_module(db.session, current_user, module_id)
    return redirect(url_for("regional.training"))  # type: ignore[return-value]
