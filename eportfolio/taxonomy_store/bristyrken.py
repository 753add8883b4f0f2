"""Bristyrken and demand counts: import, list, and the coordinator's edits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.audit import services as audit
from eportfolio.db import utcnow
from eportfolio.errors import Conflict, DomainError, NotFound, ValidationFailed
from eportfolio.taxonomy_store.import_messages import explain
from eportfolio.taxonomy_store.labels import area_name
from eportfolio.taxonomy_store.models import Concept, DemandCount, ShortageAssessment
from taxonomy import bristyrken as parse

KEY = ("ssyk4", "occupation_ref", "area_kind", "area_code", "period")
GROUP = ("ssyk4", "area_kind", "area_code", "period")  # what the form holds unique
OCCUPATION = ("occupation_ref", "area_kind", "area_code", "period")


def _key(row: Any, names: tuple[str, ...] = KEY) -> tuple[Any, ...]:
    return tuple(getattr(row, k) if not isinstance(row, dict) else row[k] for k in names)


def import_assessments(
    session: Session,
    records: Iterable[parse.ShortageAssessment],
    *,
    source: str,
    actor_id: int | None = None,
    absent: tuple[str, ...] = (),
) -> dict[str, int]:
    """Upsert assessments by (occupation, area, period); return counts added/updated/replaced.

    A row naming no stored occupation updates the assessment of its SSYK group, area and
    period when there is exactly one (the form allows no second), so a list that says only
    ``7212`` changes the seed's ``seed:occ:svetsare`` instead of adding a twin nobody can edit.
    A merged row (``A+B``, from ``merge_same_group``) takes the place of the assessments an
    earlier import stored for ``A`` and ``B`` one by one, and a row with an SSYK code that of
    the same occupation stored without one. Anything that would leave a group with a second
    assessment is refused, naming it, before anything is written. ``absent`` names the values
    the source does not have (Yrkesbarometer's file has no recruitment situation): a stored
    one stays instead of being emptied.
    """
    records = list(records)
    _refuse_twins(records)
    stored = list(session.scalars(select(ShortageAssessment).order_by(ShortageAssessment.id)))
    existing = {_key(a): a for a in stored}
    groups: dict[tuple[Any, ...], list[ShortageAssessment]] = {}
    for a in stored:
        if a.ssyk4:
            groups.setdefault(_key(a, GROUP), []).append(a)
    plan = [_target(existing, groups, asdict(record)) for record in records]
    added = updated = replaced = 0
    for values, row, superseded in plan:
        for old in superseded:
            session.delete(old)
            replaced += 1
        if row is None:
            session.add(ShortageAssessment(**values, source=source, updated_by_id=actor_id))
            added += 1
            continue
        for k in absent:
            values[k] = values[k] if values[k] is not None else getattr(row, k)
        if any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.source, row.updated_by_id, row.updated_at = source, actor_id, utcnow()
            updated += 1
    session.flush()
    if added or updated or replaced:
        audit.record(
            session,
            "bristyrken.imported",
            actor_id=actor_id,
            subject_type="bristyrken",
            data={"source": source, "added": added, "updated": updated, "replaced": replaced},
        )
    return {"added": added, "updated": updated, "replaced": replaced}


def _refuse_twins(records: list[parse.ShortageAssessment]) -> None:
    """Refuse two records of one occupation, or of one SSYK group, in one area and period."""
    seen: dict[tuple[Any, ...], parse.ShortageAssessment] = {}
    for record in records:
        keys = {record.occupation_ref: ("occupation", *_key(record, OCCUPATION))}
        if record.ssyk4:
            keys[f"SSYK {record.ssyk4}"] = ("group", *_key(record, GROUP))
        for what, key in keys.items():
            if key in seen:
                raise Conflict(
                    _l(
                        "Nothing was imported: %(what)s is there twice for %(area)s in "
                        "%(period)s (%(names)s). Keep one of them.",
                        what=what,
                        area=area_name(record.area_kind, record.area_code),
                        period=record.period,
                        names=", ".join(_names([seen[key], record])),
                    ),
                    field="file",
                )
            seen[key] = record


def _target(
    existing: dict[tuple[Any, ...], ShortageAssessment],
    groups: dict[tuple[Any, ...], list[ShortageAssessment]],
    values: dict[str, Any],
) -> tuple[dict[str, Any], ShortageAssessment | None, list[ShortageAssessment]]:
    """Return the values, the stored row they change (None: a new one) and rows they replace."""
    row = existing.get(_key(values))
    if not values["ssyk4"]:
        return values, row, []
    twins = [t for t in groups.get(_key(values, GROUP), []) if t is not row]
    parts = values["occupation_ref"].split(parse.MERGED_REF_SEPARATOR)
    merged = [t for t in twins if len(parts) > 1 and t.occupation_ref in parts]
    others = [t for t in twins if t not in merged]
    # The same occupation's assessment, stored before its SSYK code was found by name.
    uncoded = existing.get(_key({**values, "ssyk4": None}))
    if row is None and merged:
        row = merged.pop(0)
    elif row is None and len(others) == 1:
        row = others[0]
        if values["occupation_ref"] == f"ssyk4:{values['ssyk4']}":
            values["occupation_ref"] = row.occupation_ref  # keep the named occupation
    elif row is None and others:
        raise Conflict(
            _l(
                "Nothing was imported: SSYK %(code)s has %(count)s assessments for %(area)s in "
                "%(period)s already (%(names)s), and the import cannot tell which one to "
                "change. Keep one of them on the Bristyrken page, then import again.",
                code=values["ssyk4"],
                count=len(others),
                area=area_name(values["area_kind"], values["area_code"]),
                period=values["period"],
                names=", ".join(_names(others)),
            ),
            field="file",
        )
    elif row is None:
        row, uncoded = uncoded, None
    superseded = merged + ([uncoded] if uncoded is not None else [])
    return values, row, superseded


def _names(rows: Iterable[Any]) -> list[str]:
    return [r.occupation_label or r.occupation_ref for r in rows]


def import_demand(
    session: Session, records: Iterable[parse.DemandCount], actor_id: int | None = None
) -> dict[str, int]:
    """Upsert job-ad counts by (SSYK-4, kommun, period)."""
    existing = {(d.ssyk4, d.kommunkod, d.period): d for d in session.scalars(select(DemandCount))}
    added = updated = 0
    for record in records:
        row = existing.get((record.ssyk4, record.kommunkod, record.period))
        if row is None:
            row = DemandCount(
                ssyk4=record.ssyk4, kommunkod=record.kommunkod, period=record.period, ads=record.ads
            )
            session.add(row)
            existing[(record.ssyk4, record.kommunkod, record.period)] = row
            added += 1
        elif row.ads != record.ads:
            row.ads = record.ads
            updated += 1
    session.flush()
    if added or updated:
        audit.record(
            session,
            "demand.imported",
            actor_id=actor_id,
            subject_type="demand",
            data={"added": added, "updated": updated},
        )
    return {"added": added, "updated": updated}


def area_filter(area: str | None) -> tuple[str | None, str | None]:
    """Read an area as people write it ("riket", "00", a län code "12", a kommunkod "1290")."""
    if not area:
        return None, None
    if area in ("riket", "00"):
        return "riket", None
    return ("lan" if len(area) == 2 else "kommun"), area


def list_assessments(
    session: Session,
    *,
    area_kind: str | None = None,
    area_code: str | None = None,
    period: str | None = None,
    recruitment: str | None = None,
    limit: int = 500,
) -> list[ShortageAssessment]:
    query = select(ShortageAssessment)
    if area_kind:
        query = query.where(ShortageAssessment.area_kind == area_kind)
    if area_code:
        query = query.where(ShortageAssessment.area_code == area_code)
    if period:
        query = query.where(ShortageAssessment.period == period)
    if recruitment:
        query = query.where(ShortageAssessment.recruitment == recruitment)
    query = query.order_by(
        ShortageAssessment.period.desc(),
        ShortageAssessment.area_kind,
        ShortageAssessment.area_code,
        ShortageAssessment.occupation_label,
        ShortageAssessment.id,
    ).limit(limit)
    return list(session.scalars(query))


def periods(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(ShortageAssessment.period))), reverse=True)


def get_assessment(session: Session, assessment_id: int) -> ShortageAssessment:
    row = session.get(ShortageAssessment, assessment_id)
    if row is None:
        raise NotFound(_l("No such assessment."))
    return row


def twins(
    session: Session, group: Any, assessment_id: int | None = None
) -> list[ShortageAssessment]:
    """Return the other assessments of a row's (or form data's) SSYK group, area and period."""
    ssyk4, area_kind, area_code, period = _key(group, GROUP)
    if not ssyk4:
        return []
    query = select(ShortageAssessment).where(
        ShortageAssessment.ssyk4 == ssyk4,
        ShortageAssessment.area_kind == area_kind,
        ShortageAssessment.area_code == area_code,
        ShortageAssessment.period == period,
        ShortageAssessment.id != (assessment_id or 0),
    )
    return list(session.scalars(query.order_by(ShortageAssessment.id)))


def shared_groups(session: Session) -> set[tuple[str, str, str, str]]:
    """Return the (SSYK group, area kind, area code, period) held by more than one assessment."""
    columns = [getattr(ShortageAssessment, k) for k in GROUP]
    query = (
        select(*columns)
        .where(ShortageAssessment.ssyk4.is_not(None))
        .group_by(*columns)
        .having(func.count() > 1)
    )
    return {(str(a), str(b), str(c), str(d)) for a, b, c, d in session.execute(query)}


# SSYK 2012 has 429 unit groups (four digits). Codes are checked against the taxonomy only when
# it holds them all (JobTech does): the seed's 51 groups would refuse real codes such as 2611.
SSYK_UNIT_GROUPS = 429


def unknown_ssyk(session: Session, codes: set[str]) -> list[str]:
    """Return the codes that name no SSYK 2012 unit group, when the whole list is known."""
    groups = select(Concept.code).where(
        Concept.kind == "occupation-group", func.length(Concept.code) == 4
    )
    count = session.scalar(select(func.count()).select_from(groups.subquery()))
    if not codes or (count or 0) < SSYK_UNIT_GROUPS:
        return []
    return sorted(codes - set(session.scalars(groups.where(Concept.code.in_(codes)))))


def save_assessment(
    session: Session, data: dict[str, Any], actor_id: int, assessment_id: int | None = None
) -> ShortageAssessment:
    """Create or change one assessment from validated form data."""
    row = (
        get_assessment(session, assessment_id)
        if assessment_id is not None
        else ShortageAssessment(source="manual")
    )
    if unknown_ssyk(session, {data["ssyk4"]}):
        raise ValidationFailed({"ssyk4": [_l("There is no SSYK 2012 group with that code.")]})
    # A second assessment of a group is refused; one that was there before this form (an
    # older import stored some) must not stop either of them from being corrected.
    moved = row.id is None or _key(row, GROUP) != _key(data, GROUP)
    if moved and twins(session, data, row.id):
        raise Conflict(
            _l(
                "There is already an assessment of this SSYK group for the area and period. "
                "Change that one instead."
            ),
            field="ssyk4",
        )
    ref = data.get("occupation_ref")
    if not ref and row.id is not None and row.ssyk4 == data["ssyk4"]:
        ref = row.occupation_ref  # the form does not show it: keep the named occupation
    for k, v in data.items():
        setattr(row, k, v)
    row.occupation_ref = ref or f"ssyk4:{data['ssyk4']}"
    row.updated_by_id, row.updated_at = actor_id, utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        "bristyrke.saved",
        actor_id=actor_id,
        subject_type="bristyrke",
        subject_id=row.id,
        data={k: v for k, v in data.items()},
    )
    return row


def delete_assessment(session: Session, assessment_id: int, actor_id: int) -> None:
    row = get_assessment(session, assessment_id)
    session.delete(row)
    audit.record(
        session,
        "bristyrke.deleted",
        actor_id=actor_id,
        subject_type="bristyrke",
        subject_id=assessment_id,
    )


MAX_CSV_BYTES = 2 * 1024 * 1024


class _Uploaded:
    """An uploaded file in the shape the taxonomy readers accept (a Traversable's read)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def read_bytes(self) -> bytes:
        return self._data

    def __str__(self) -> str:
        return self.name


def import_csv_upload(session: Session, upload: Any, actor_id: int) -> dict[str, int]:
    """Validate an uploaded bristyrken CSV completely, then save all rows (or none)."""
    from taxonomy import TaxonomyFormatError

    if upload is None or not getattr(upload, "filename", ""):
        raise DomainError(_l("Choose a CSV file to upload."), field="file")
    raw = upload.read(MAX_CSV_BYTES + 1)
    if not raw:
        raise DomainError(_l("The file is empty."), field="file")
    if len(raw) > MAX_CSV_BYTES:
        raise DomainError(_l("The file is larger than 2 MB."), field="file")
    try:
        records = list(parse.iter_bristyrken_csv(_Uploaded(upload.filename, raw)))
    except TaxonomyFormatError as exc:
        problem = explain(exc.message)
        where = _l("line %(line)s", line=exc.line) if exc.line else ""
        raise DomainError(f"{where}: {problem}" if where else problem, field="file") from exc
    if not records:
        raise DomainError(_l("The file has no rows below its header."), field="file")
    unknown = unknown_ssyk(session, {r.ssyk4 for r in records if r.ssyk4})  # as the form
    if unknown:
        raise DomainError(
            _l("These SSYK codes name no SSYK 2012 group: %(codes)s.", codes=", ".join(unknown)),
            field="file",
        )
    return import_assessments(session, records, source="csv", actor_id=actor_id)
