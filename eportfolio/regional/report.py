"""Rows for pages, CSV files and the API, cut from one snapshot so all three agree."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.regional.aggregates import display
from eportfolio.regional.modules import modules_teaching_uris
from eportfolio.regional.municipalities import SKANE_COUNTY, SKNO_MUNICIPALITIES
from eportfolio.regional.throughput import STATES
from eportfolio.taxonomy_store.language import Label
from eportfolio.taxonomy_store.models import Concept

REGION = "SKNO"
NAMES = dict(SKNO_MUNICIPALITIES)
MAX_GAP_ROWS = 20


def area_name(area: str) -> str:
    return NAMES.get(area, "Skåne Nordost")


def _cell(table: dict[str, Any], row: int, area: str, kommuner: list[str]) -> int | None:
    """A count for one area: a kommun's cell, or the region's total."""
    if area == REGION:
        return table["row_totals"][row]  # type: ignore[no-any-return]
    return table["cells"][row][kommuner.index(area)]  # type: ignore[no-any-return]


def shortage_of(data: dict[str, Any], group: str, area: str) -> str | None:
    """The recruitment situation: the kommun's own assessment, else Skåne's."""
    by_area = data["shortage"].get(group, {})
    return by_area.get(area) or by_area.get(SKANE_COUNTY)


def group_name(data: dict[str, Any], group: str, lang: str) -> Label:
    """The group's name in ``lang``, else in Swedish, else in whatever language the snapshot has."""
    names = data["labels"].get(group) or {}
    for wanted in (lang, "sv", *names):
        if names.get(wanted):
            return Label(names[wanted], wanted)
    return Label("", None)


def group_label(data: dict[str, Any], group: str, lang: str) -> str:
    return f"{group} {group_name(data, group, lang)}".strip()


def groups_shown(data: dict[str, Any], group: str | None) -> list[int]:
    return [k for k, g in enumerate(data["groups"]) if group in (None, "", g)]


def supply_rows(
    data: dict[str, Any], area: str, group: str | None, lang: str
) -> list[dict[str, Any]]:
    """One row per occupation group: demand beside supply in the chosen area."""
    kommuner = data["kommuner"]
    ads = data["ads"]
    out = []
    for k in groups_shown(data, group):
        g = data["groups"][k]
        needs = data["needs"].get(g, [0] * len(kommuner))
        by_kommun = ads["by_kommun"].get(g, [0] * len(kommuner))
        out.append(
            {
                "ssyk4": g,
                "label": group_label(data, g, lang),
                "group_name": group_name(data, g, lang),  # for pages: marks its language
                "shortage": shortage_of(data, g, area),
                "needs": sum(needs) if area == REGION else needs[kommuner.index(area)],
                "ads": sum(by_kommun) if area == REGION else by_kommun[kommuner.index(area)],
                "ads_skane": ads["skane"].get(g, 0),
                "targeting": _cell(data["targeting"], k, area, kommuner),
                "qualified": _cell(data["qualified"], k, area, kommuner),
                "validated": _cell(data["validated"], k, area, kommuner),
            }
        )
    return out


def kommun_rows(data: dict[str, Any], group: str | None, lang: str) -> list[dict[str, Any]]:
    """Occupation groups compared across the seven kommuner and the region: the chosen
    group, or without one every group, kommun by kommun."""
    rows = []
    for k in groups_shown(data, group):
        for area in [*data["kommuner"], REGION]:
            row = supply_rows(data, area, data["groups"][k], lang)[0]
            rows.append({"area": area, "name": area_name(area), **row})
    return rows


def gap_rows(
    session: Session, data: dict[str, Any], area: str, group: str | None, lang: str
) -> list[dict[str, Any]]:
    """Missing skills ranked by people they would lift over the threshold, and who teaches them.

    Without a chosen group the list spans every bristyrke in the area.
    """
    kommuner = data["kommuner"]
    found = []
    for g in data["groups"]:
        if group and g != group:
            continue
        if not group and shortage_of(data, g, area) != "brist":
            continue
        gaps = data["gaps"].get(g) or {"skills": []}
        for row, uri in enumerate(gaps["skills"]):
            found.append((g, uri, _cell(gaps["lifted"], row, area, kommuner), row))
    # Hidden counts go last; the snapshot's order (by the region's count) breaks ties.
    found.sort(key=lambda f: (f[2] is None, -(f[2] or 0), f[3], f[0]))
    found = found[:MAX_GAP_ROWS]
    uris = {f[1] for f in found}
    labels = {
        c.uri: c.label_in(lang)
        for c in session.scalars(select(Concept).where(Concept.uri.in_(uris)))
    }
    teaching = modules_teaching_uris(session, uris)
    return [
        {
            "skill": uri,
            "skill_label": str(labels.get(uri, uri)),
            "skill_name": labels.get(uri) or Label(uri, None),  # for pages: marks its language
            "ssyk4": g,
            "group_label": group_label(data, g, lang),
            "group_name": group_name(data, g, lang),
            "lifted": lifted,
            "modules": [
                {"id": m.id, "name": m.name, "centre": m.organisation.name}
                for m in teaching.get(uri, [])
            ],
        }
        for g, uri, lifted, _ in found
    ]


def ads_trend(data: dict[str, Any], group: str | None) -> list[tuple[str, int]]:
    """Job ads in the region per period, for one group or all."""
    totals: dict[str, int] = {}
    for g, periods in data["ads"]["trend"].items():
        if group and g != group:
            continue
        for period, n in periods.items():
            totals[period] = totals.get(period, 0) + n
    return sorted(totals.items())


def validation_rows(
    table: dict[str, Any], states: list[str], lang: str = "sv"
) -> list[dict[str, Any]]:
    rows = []
    for k, key in enumerate(table["keys"]):
        label = table["labels"].get(key, key)
        if isinstance(label, dict):  # occupations carry both languages (older snapshots: sv)
            label = label.get(lang) or label.get("sv")
        if str(key) == "0":  # cases for single skills, without an occupation
            label = gettext("Single skills, no occupation")
        rows.append(
            {
                "key": key,
                "label": label,
                "total": table["row_totals"][k],
                **dict(zip(states, table["cells"][k], strict=True)),
                **table["stats"][k],
            }
        )
    return rows


def to_csv(header: list[tuple[str, str]], rows: Iterable[dict[str, Any]]) -> str:
    """Write rows as CSV with the given (key, heading) columns; hidden counts read "<5"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([title for _key, title in header])
    for row in rows:
        writer.writerow([_csv_value(row.get(key), key) for key, _title in header])
    return buffer.getvalue()


COUNT_KEYS = {"targeting", "qualified", "validated", "lifted", "total"}


def _csv_value(value: Any, key: str) -> str:
    if isinstance(value, list):
        return ", ".join(f"{m['name']} ({m['centre']})" for m in value)
    if value is None:
        return "<5" if key in COUNT_KEYS or key in STATE_KEYS else ""
    if isinstance(value, float):
        # A semicolon file is read by Excel with Swedish settings: decimal comma, no ".0".
        return f"{value:.1f}".removesuffix(".0").replace(".", ",")
    return str(value)


STATE_KEYS = set(STATES)
__all__ = ["display"]
