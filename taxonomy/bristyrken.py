"""Bristyrken and demand: shortage assessments and job-ad counts per occupation and area.

Three sources feed the coordinator's view of what the region lacks:

- Arbetsförmedlingen's Yrkesbarometer (``barometer_regional.json`` with
  ``region_name_id.json``, or its flattened ``barometer_regional_long.csv``): job
  opportunities and 5-year outlook per barometer occupation and län. It carries no SSYK
  code and no recruitment situation; ``match_ssyk4`` finds codes by name. Its occupations
  are finer than SSYK groups (Lastbilsförare and Fjärrbilsförare are both 8332), so
  ``merge_same_group`` makes one assessment of each group, area and period.
- A bristyrken list filled in by hand (``taxonomy/seed/bristyrken_template.csv``), one row
  per occupation, area and period. Columns:

  ==================  ==========================================================================
  ssyk4               SSYK 2012 unit group, 4 digits (``5321``); the key matching joins on
  occupation_label    the occupation's name as the coordinator wants it shown (may be empty)
  occupation_ref      optional column: a concept id (``seed:occ:svetsare``), else ``ssyk4:<code>``
  area_kind           ``riket``, ``lan`` or ``kommun``
  area_code           ``00`` for riket, län code (2 digits, ``12`` = Skåne), kommunkod (4 digits,
                      ``1290`` = Kristianstad)
  period              the assessment round: ``2025``, ``2025-1`` (round 1) or ``2025-10`` (month)
  job_opportunities   ``små``, ``medelstora``, ``stora`` or empty
  outlook_5y          ``öka``, ``vara oförändrad``, ``minska`` or empty
  recruitment         ``brist``, ``balans``, ``överskott`` or empty
  ==================  ==========================================================================

  At least one of the last three must be filled in, and the list holds one row per SSYK
  group, area and period. Lines starting with ``#`` above the header are a free-text note.
  Save as UTF-8 CSV.
- Job-ad counts per SSYK-4 and kommun (``ads_2024_by_ssyk4_municipality.csv`` or the raw
  ``ssyk_kommun_annonser_2024.json``), or entered by hand in ``demand_template.csv`` with the
  columns ``ssyk4, kommunkod, period, ads``.

Every reader streams records and raises TaxonomyFormatError naming the file and line.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar, cast, get_args

from taxonomy.model import TaxonomyFormatError
from taxonomy.seed.csvrows import Source, iter_rows, read_text, source_name
from taxonomy.ssyk_names import match_ssyk4

AreaKind = Literal["riket", "lan", "kommun"]
JobOpportunities = Literal["små", "medelstora", "stora"]
Outlook = Literal["öka", "vara oförändrad", "minska"]
Recruitment = Literal["brist", "balans", "överskott"]

RIKET_CODE = "00"
RIKET_CONCEPT_ID = "i46j_HmG_v64"  # JobTech's concept for the whole country
LAN_CODES: dict[str, str] = {
    "Stockholms län": "01", "Uppsala län": "03", "Södermanlands län": "04",
    "Östergötlands län": "05", "Jönköpings län": "06", "Kronobergs län": "07",
    "Kalmar län": "08", "Gotlands län": "09", "Blekinge län": "10", "Skåne län": "12",
    "Hallands län": "13", "Västra Götalands län": "14", "Värmlands län": "17",
    "Örebro län": "18", "Västmanlands län": "19", "Dalarnas län": "20",
    "Gävleborgs län": "21", "Västernorrlands län": "22", "Jämtlands län": "23",
    "Västerbottens län": "24", "Norrbottens län": "25",
}  # fmt: skip
SKANE_LAN = "12"
SKANE_NORDOST: dict[str, str] = {
    "1256": "Östra Göinge", "1266": "Hörby", "1272": "Bromölla", "1273": "Osby",
    "1275": "Perstorp", "1290": "Kristianstad", "1293": "Hässleholm",
}  # fmt: skip

_SSYK4 = re.compile(r"\d{4}")
_KOMMUN = re.compile(r"\d{4}")
_PERIOD = re.compile(r"\d{4}(-\d{1,2})?")
_E = TypeVar("_E", bound=str)

__all__ = [  # match_ssyk4 lives in taxonomy.ssyk_names; it is part of this module's API
    "DemandCount",
    "MergedGroup",
    "ShortageAssessment",
    "check_area",
    "check_period",
    "check_ssyk4",
    "iter_ads_csv",
    "iter_ads_json",
    "iter_barometer_csv",
    "iter_barometer_json",
    "iter_bristyrken_csv",
    "iter_demand_csv",
    "match_ssyk4",
    "merge_same_group",
    "read_barometer_names",
    "read_region_ids",
]


@dataclass(frozen=True, slots=True)
class ShortageAssessment:
    """How hard an occupation is to recruit for in one area and period."""

    occupation_ref: str
    occupation_label: str | None
    ssyk4: str | None
    area_kind: AreaKind
    area_code: str
    period: str
    job_opportunities: JobOpportunities | None
    outlook_5y: Outlook | None
    recruitment: Recruitment | None


@dataclass(frozen=True, slots=True)
class DemandCount:
    """How many job ads an SSYK-4 group had in one kommun and period."""

    ssyk4: str
    kommunkod: str
    period: str
    ads: int


@contextmanager
def _at(path: str, line: int | Callable[[], int | None] | None) -> Iterator[None]:
    """Turn a value check's ValueError into an error that names the file and line."""
    try:
        yield
    except TaxonomyFormatError:
        raise
    except ValueError as exc:
        # JSON lines are found by searching the text, so only once something is wrong
        where = line() if callable(line) else line
        raise TaxonomyFormatError(path, where, str(exc)) from None


def _enum(value: str, allowed: object, what: str) -> _E | None:
    """Return ``value`` if it is one of the Literal ``allowed``'s values, None if empty."""
    choices: tuple[str, ...] = get_args(allowed)
    if not value:
        return None
    if value not in choices:
        raise ValueError(f"{what} {value!r} is not one of: {', '.join(choices)}")
    return cast(_E, value)


def check_area(kind: str, code: str) -> tuple[AreaKind, str]:
    """Return a validated (area_kind, area_code); riket may leave the code empty."""
    if kind == "riket" and code in ("", RIKET_CODE):
        return "riket", RIKET_CODE
    if kind == "lan" and code in LAN_CODES.values():
        return "lan", code
    if kind == "kommun" and _KOMMUN.fullmatch(code) and code[:2] in LAN_CODES.values():
        return "kommun", code
    if kind not in get_args(AreaKind):
        raise ValueError(f"area_kind {kind!r} is not one of: riket, lan, kommun")
    wanted = {"riket": "'00'", "lan": "a 2-digit län code", "kommun": "a 4-digit kommunkod"}
    raise ValueError(f"area_code {code!r} is not {wanted[kind]}")


def check_period(period: str) -> str:
    """Return ``period`` if it reads as a year, a round (2025-1) or a month (2025-10)."""
    if not _PERIOD.fullmatch(period):
        raise ValueError(f"period {period!r} must look like 2025, 2025-1 or 2025-10")
    year, _, part = period.partition("-")
    if not 1990 <= int(year) <= 2100 or (part and not 1 <= int(part) <= 12):
        raise ValueError(f"period {period!r} names no year from 1990 or month from 1 to 12")
    return period


def check_ssyk4(code: str) -> str:
    """Return ``code`` if it is a 4-digit SSYK 2012 code."""
    if not _SSYK4.fullmatch(code):
        raise ValueError(f"ssyk4 {code!r} is not a 4-digit SSYK 2012 code")
    return code


def _json(source: Source) -> tuple[str, dict[str, object]]:
    name, text = source_name(source), read_text(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TaxonomyFormatError(name, exc.lineno, f"invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise TaxonomyFormatError(name, 1, "expected a JSON object")
    return text, data


def _json_line(text: str, *keys: str) -> int | None:
    """Return the line where the nested ``keys`` appear, so JSON errors point somewhere."""
    pos = 0
    for key in keys:
        found = text.find(json.dumps(key, ensure_ascii=False), pos)
        if found < 0:
            found = text.find(json.dumps(key), pos)  # the file may escape non-ASCII
        if found < 0:
            return None
        pos = found
    return text.count("\n", 0, pos) + 1


def _nested(
    source: Source,
) -> Iterator[tuple[str, Callable[[], int | None], str, str, object]]:
    """Yield (name, line finder, outer key, inner key, value) from {key: {key: value}}."""
    name = source_name(source)
    text, data = _json(source)
    for outer, inner in data.items():
        if not isinstance(inner, dict):
            raise TaxonomyFormatError(name, _json_line(text, outer), f"{outer!r}: not an object")
        for key, value in inner.items():
            yield name, partial(_json_line, text, outer, key), outer, key, value


def read_region_ids(source: Source) -> dict[str, tuple[AreaKind, str]]:
    """Read ``region_name_id.json`` ({län name: concept id}) into concept id -> area."""
    name = source_name(source)
    text, data = _json(source)
    areas: dict[str, tuple[AreaKind, str]] = {RIKET_CONCEPT_ID: ("riket", RIKET_CODE)}
    for lan, concept_id in data.items():
        if lan not in LAN_CODES or not isinstance(concept_id, str):
            raise TaxonomyFormatError(name, _json_line(text, lan), f"unknown län {lan!r}")
        areas[concept_id] = ("lan", LAN_CODES[lan])
    return areas


def read_barometer_names(source: Source) -> dict[str, str]:
    """Read ``yb_concept_id_names_derived.csv`` into barometer concept id -> name."""
    rows = iter_rows(source, ("yb_concept_id", "yb_name"))
    return {row.required("yb_concept_id"): row.required("yb_name") for row in rows}


def iter_barometer_json(
    source: Source,
    regions: Mapping[str, tuple[AreaKind, str]],
    *,
    period: str,
    names: Mapping[str, str] | None = None,
    ssyk4: Mapping[str, str | None] | None = None,
) -> Iterator[ShortageAssessment]:
    """Yield one assessment per occupation and area from ``barometer_regional.json``.

    ``regions`` comes from ``read_region_ids``; ``names`` and ``ssyk4`` (barometer concept
    id -> name / code, e.g. from ``match_ssyk4``) fill in what the file lacks.
    """
    with _at(source_name(source), None):
        check_period(period)
    for name, line, occ, region, values in _nested(source):
        with _at(name, line):
            if region not in regions:
                raise ValueError(f"unknown region concept {region!r}")
            if not (isinstance(values, list) and len(values) == 2):
                raise ValueError("expected [jobbmojligheter, prognos]")
            found = ShortageAssessment(
                occupation_ref=occ,
                occupation_label=(names or {}).get(occ),
                ssyk4=(ssyk4 or {}).get(occ),
                area_kind=regions[region][0],
                area_code=regions[region][1],
                period=period,
                job_opportunities=_enum(str(values[0] or ""), JobOpportunities, "jobbmojligheter"),
                outlook_5y=_enum(str(values[1] or ""), Outlook, "prognos"),
                recruitment=None,  # Yrkesbarometerns rekryteringssituation is not in the file
            )
        yield found


def iter_barometer_csv(
    source: Source, *, period: str, ssyk4: Mapping[str, str | None] | None = None
) -> Iterator[ShortageAssessment]:
    """Yield assessments from the flattened ``barometer_regional_long.csv``."""
    with _at(source_name(source), None):
        check_period(period)
    columns = ("yb_concept_id", "yb_name", "lan_code", "jobbmojligheter", "prognos_5ar")
    for row in iter_rows(source, columns):
        with _at(row.path, row.line):
            occ, code = row.required("yb_concept_id"), row.required("lan_code")
            area_kind, area_code = check_area("riket" if code == RIKET_CODE else "lan", code)
            found = ShortageAssessment(
                occupation_ref=occ,
                occupation_label=row["yb_name"] or None,
                ssyk4=(ssyk4 or {}).get(occ),
                area_kind=area_kind,
                area_code=area_code,
                period=period,
                job_opportunities=_enum(
                    row["jobbmojligheter"], JobOpportunities, "jobbmojligheter"
                ),
                outlook_5y=_enum(row["prognos_5ar"], Outlook, "prognos_5ar"),
                recruitment=None,
            )
        yield found


# From the weakest to the strongest sign that employers need people.
STRENGTH: dict[str, tuple[str, ...]] = {
    "job_opportunities": get_args(JobOpportunities),
    "outlook_5y": ("minska", "vara oförändrad", "öka"),
    "recruitment": ("överskott", "balans", "brist"),
}
MERGED_REF_SEPARATOR = "+"
MAX_LABEL = 200  # the stored occupation_label's length


@dataclass(frozen=True, slots=True)
class MergedGroup:
    """Occupations whose assessments were merged into one for their SSYK group."""

    ssyk4: str
    occupation_refs: tuple[str, ...]
    occupation_labels: tuple[str, ...]
    areas: int  # how many (area, period) pairs they shared


def merge_same_group(
    records: Iterable[ShortageAssessment],
) -> tuple[list[ShortageAssessment], list[MergedGroup]]:
    """Make one assessment of each SSYK group, area and period; say which were merged.

    Matching joins on the SSYK code, and the form keeps one assessment per group, area and
    period, but Yrkesbarometern assesses occupations finer than SSYK groups. Where several
    share a group, the merged assessment names them all (references joined by ``+`` in
    sorted order, labels by " / " in alphabetical order) and takes the strongest sign of
    demand among them for each of job opportunities, outlook and recruitment, whatever order
    the records come in. Records without an SSYK code pass as they are; the merged one takes
    the place of its group's first record.
    """
    records = list(records)
    by_group: dict[tuple[str, str, str, str], list[ShortageAssessment]] = {}
    for record in records:
        if record.ssyk4:
            key = (record.ssyk4, record.area_kind, record.area_code, record.period)
            by_group.setdefault(key, []).append(record)
    out: list[ShortageAssessment] = []
    shared: Counter[tuple[str, tuple[str, ...], tuple[str, ...]]] = Counter()
    for record in records:
        key = (record.ssyk4 or "", record.area_kind, record.area_code, record.period)
        group = by_group.get(key, [record]) if record.ssyk4 else [record]
        if len(group) == 1:
            out.append(record)
        elif group[0] is record:
            out.append(_merge(group))
            shared[(key[0], _refs(group), _labels(group))] += 1
    merged = [
        MergedGroup(ssyk4=code, occupation_refs=refs, occupation_labels=labels, areas=areas)
        for (code, refs, labels), areas in sorted(shared.items())
    ]
    return out, merged


def _refs(group: list[ShortageAssessment]) -> tuple[str, ...]:
    return tuple(sorted({r.occupation_ref for r in group}))


def _labels(group: list[ShortageAssessment]) -> tuple[str, ...]:
    return tuple(sorted({r.occupation_label or r.occupation_ref for r in group}))


def _merge(group: list[ShortageAssessment]) -> ShortageAssessment:
    def strongest(field: str) -> Any:
        values = [getattr(r, field) for r in group if getattr(r, field)]
        return max(values, key=STRENGTH[field].index) if values else None

    label = " / ".join(_labels(group))
    if len(label) > MAX_LABEL:
        label = label[: MAX_LABEL - 1] + "…"
    first = group[0]
    return ShortageAssessment(
        occupation_ref=MERGED_REF_SEPARATOR.join(_refs(group)),
        occupation_label=label,
        ssyk4=first.ssyk4,
        area_kind=first.area_kind,
        area_code=first.area_code,
        period=first.period,
        job_opportunities=strongest("job_opportunities"),
        outlook_5y=strongest("outlook_5y"),
        recruitment=strongest("recruitment"),
    )


BRISTYRKEN_COLUMNS = (
    "ssyk4", "occupation_label", "area_kind", "area_code", "period",
    "job_opportunities", "outlook_5y", "recruitment",
)  # fmt: skip
DEMAND_COLUMNS = ("ssyk4", "kommunkod", "period", "ads")


def iter_bristyrken_csv(source: Source) -> Iterator[ShortageAssessment]:
    """Yield the assessments in a hand-filled bristyrken CSV (see the module doc)."""
    seen: dict[tuple[str, str, str, str], int] = {}
    groups: dict[tuple[str, str, str, str], int] = {}
    for row in iter_rows(source, BRISTYRKEN_COLUMNS, delimiter=None):
        with _at(row.path, row.line):
            code = check_ssyk4(row.required("ssyk4"))
            area_kind, area_code = check_area(row["area_kind"], row["area_code"])
            found = ShortageAssessment(
                occupation_ref=row["occupation_ref"] or f"ssyk4:{code}",
                occupation_label=row["occupation_label"] or None,
                ssyk4=code,
                area_kind=area_kind,
                area_code=area_code,
                period=check_period(row.required("period")),
                job_opportunities=_enum(
                    row["job_opportunities"], JobOpportunities, "job_opportunities"
                ),
                outlook_5y=_enum(row["outlook_5y"], Outlook, "outlook_5y"),
                recruitment=_enum(row["recruitment"], Recruitment, "recruitment"),
            )
            if not (found.job_opportunities or found.outlook_5y or found.recruitment):
                raise ValueError("fill in job_opportunities, outlook_5y or recruitment")
            key = (found.occupation_ref, area_kind, area_code, found.period)
            if key in seen:
                raise ValueError(f"same occupation, area and period as line {seen[key]}")
            group = (code, area_kind, area_code, found.period)
            if group in groups:
                # Matching joins on the SSYK code: two occupations of one group in one area
                # and period would say two things about it, and the form keeps one.
                raise ValueError(
                    f"ssyk4 {code!r} is on line {groups[group]} already for this area and "
                    "period; the list holds one assessment per SSYK group, area and period"
                )
            seen[key] = groups[group] = row.line
        yield found


def _demand(ssyk4: str, kommunkod: str, period: str, ads: object) -> DemandCount:
    if isinstance(ads, str) and re.fullmatch(r"\d+", ads.strip()):
        ads = int(ads)
    # bool is an int to Python, but true/false in a count column is a mistake
    if not isinstance(ads, int) or isinstance(ads, bool) or ads < 0:
        raise ValueError(f"ads {ads!r} is not a whole number of ads")
    return DemandCount(
        ssyk4=check_ssyk4(ssyk4),
        kommunkod=check_area("kommun", kommunkod)[1],
        period=check_period(period),
        ads=ads,
    )


def _demand_rows(
    source: Source, columns: tuple[str, str, str, str], period: str | None
) -> Iterator[DemandCount]:
    ssyk4, kommunkod, period_column, ads = columns
    seen: dict[tuple[str, str, str], int] = {}
    required = (ssyk4, kommunkod, ads) if period else columns
    for row in iter_rows(source, required):
        with _at(row.path, row.line):
            found = _demand(row[ssyk4], row[kommunkod], period or row[period_column], row[ads])
            key = (found.ssyk4, found.kommunkod, found.period)
            if key in seen:
                raise ValueError(f"same ssyk4, kommunkod and period as line {seen[key]}")
            seen[key] = row.line
        yield found


def iter_demand_csv(source: Source) -> Iterator[DemandCount]:
    """Yield the counts in a hand-filled demand CSV: ssyk4, kommunkod, period, ads."""
    return _demand_rows(source, DEMAND_COLUMNS, None)


def iter_ads_csv(source: Source, *, period: str = "2024") -> Iterator[DemandCount]:
    """Yield counts from ``ads_<period>_by_ssyk4_municipality.csv`` (column ``ads_<period>``)."""
    with _at(source_name(source), None):
        check_period(period)
    return _demand_rows(source, ("ssyk_code_2012", "kommunkod", "", f"ads_{period}"), period)


def iter_ads_json(
    source: Source,
    *,
    period: str,
    ssyk4_codes: Mapping[str, str],
    kommunkoder: Mapping[str, str],
) -> Iterator[DemandCount]:
    """Yield counts from the raw {SSYK-4 concept id: {kommun concept id: ads}} JSON.

    ``ssyk4_codes`` and ``kommunkoder`` map JobTech concept ids to the codes.
    """
    with _at(source_name(source), None):
        check_period(period)
    for name, line, group, kommun, ads in _nested(source):
        with _at(name, line):
            if group not in ssyk4_codes:
                raise ValueError(f"unknown SSYK-4 concept {group!r}")
            if kommun not in kommunkoder:
                raise ValueError(f"unknown kommun concept {kommun!r}")
            found = _demand(ssyk4_codes[group], kommunkoder[kommun], period, ads)
        yield found
