"""Regional figures as served: snapshots computed ahead, refreshed when the data moved on."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Organisation, OrgKind, User
from eportfolio.db import utcnow
from eportfolio.employers.models import Need
from eportfolio.errors import DomainError, NotFound
from eportfolio.matching_index.models import MatchingChange
from eportfolio.permissions import Forbidden, can
from eportfolio.portfolios.models import Portfolio, SkillClaim, TargetOccupation
from eportfolio.regional import report, supply, throughput
from eportfolio.regional.models import RegionalSnapshot
from eportfolio.taxonomy_store.models import Concept, DemandCount, ShortageAssessment

OVERVIEW = "overview"
VALIDATION = "validation"
# Above this many portfolios a stale snapshot is served as it is (with its date) and the
# scheduled `flask regional refresh` recomputes it, so no request waits for the computation.
INLINE_LIMIT = 5000
FORMAT = 4  # bump when the snapshot layout changes: old snapshots then count as stale


def signature(session: Session) -> str:
    """Return a short fingerprint of everything the figures are computed from.

    Cheap by design (index lookups, small tables): it runs on every page view. Edits to
    portfolios, claims and consent all write a matching change row (``tracking``), so its
    highest id stands for them; the other maxima catch bulk inserts that bypass the hook.
    """
    parts: list[Any] = [
        FORMAT,
        session.scalar(select(func.count(Portfolio.id))),
        session.scalar(select(func.max(Portfolio.id))),
        session.scalar(select(func.max(SkillClaim.id))),
        session.scalar(select(func.max(TargetOccupation.id))),
        session.scalar(select(func.max(MatchingChange.id))),
        session.scalar(select(func.count(Need.id)).where(Need.is_open.is_(True))),
        session.scalar(select(func.max(Need.id))),
        session.scalar(select(func.max(ShortageAssessment.updated_at))),
        session.scalar(select(func.count(ShortageAssessment.id))),
        session.scalar(select(func.max(DemandCount.id))),
        session.scalar(select(func.count(DemandCount.id))),
        session.scalar(select(func.sum(DemandCount.ads))),
        session.scalar(select(func.max(Concept.id))),
    ]
    if throughput.available():
        from eportfolio.validation.models import ValidationCase

        parts += [
            session.scalar(select(func.count(ValidationCase.id))),
            session.scalar(select(func.max(ValidationCase.updated_at))),
        ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def _setting(name: str, default: Any) -> Any:
    return current_app.config.get(name, default) if has_app_context() else default


def overview_key() -> str:
    return f"t{_setting('REGIONAL_THRESHOLD', 60)}-n{_setting('REGIONAL_NEAR', 20)}"


def refresh(session: Session, *, force: bool = True) -> list[str]:
    """Recompute every snapshot (or only stale ones); return the keys written."""
    sig = signature(session)
    written = []
    key = overview_key()
    if force or _stale(session, OVERVIEW, key, sig):
        data = supply.compute(
            session, float(_setting("REGIONAL_THRESHOLD", 60)), float(_setting("REGIONAL_NEAR", 20))
        )
        _store(session, OVERVIEW, key, sig, data)
        written.append(f"{OVERVIEW}:{key}")
    years = throughput.years(session) or [str(utcnow().year)]
    for year in years:
        if force or _stale(session, VALIDATION, year, sig):
            _store(session, VALIDATION, year, sig, throughput.compute(session, year))
            written.append(f"{VALIDATION}:{year}")
    _store(session, VALIDATION, "years", sig, {"years": years})
    return written


def _stale(session: Session, kind: str, key: str, sig: str) -> bool:
    snap = _get(session, kind, key)
    return snap is None or snap.signature != sig


def _get(session: Session, kind: str, key: str) -> RegionalSnapshot | None:
    return session.scalar(
        select(RegionalSnapshot).where(RegionalSnapshot.kind == kind, RegionalSnapshot.key == key)
    )


def _store(session: Session, kind: str, key: str, sig: str, data: dict[str, Any]) -> None:
    snap = _get(session, kind, key)
    if snap is None:
        snap = RegionalSnapshot(kind=kind, key=key)
        session.add(snap)
    snap.signature, snap.data, snap.computed_at = sig, data, utcnow()
    session.flush()


def _current(
    session: Session, kind: str, key: str, compute: Any
) -> tuple[dict[str, Any], dt.datetime, bool]:
    """Return (figures, computed at, up to date), computing inline only while that is cheap."""
    snap = _get(session, kind, key)
    sig = signature(session)
    if snap is not None and snap.signature == sig:
        return snap.data, _aware(snap.computed_at), True
    small = (session.scalar(select(func.count(Portfolio.id))) or 0) <= _setting(
        "REGIONAL_INLINE_LIMIT", INLINE_LIMIT
    )
    if snap is None or small:
        _store(session, kind, key, sig, compute())
        snap = _get(session, kind, key)
        assert snap is not None
        return snap.data, _aware(snap.computed_at), True
    return snap.data, _aware(snap.computed_at), False


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def overview(session: Session) -> tuple[dict[str, Any], dt.datetime, bool]:
    """Supply, demand and gaps for every occupation group and kommun."""
    return _current(
        session,
        OVERVIEW,
        overview_key(),
        lambda: supply.compute(
            session, float(_setting("REGIONAL_THRESHOLD", 60)), float(_setting("REGIONAL_NEAR", 20))
        ),
    )


def overview_filters(
    data: dict[str, Any], kommun: str | None, group: str | None
) -> tuple[str, str | None]:
    """Return the overview's area and occupation group as asked; an unknown one is a 404.

    The message names what was not found: a mistyped kommunkod would otherwise read as a
    wrong address.
    """
    area = kommun or report.REGION
    if area != report.REGION and area not in data["kommuner"]:
        raise NotFound(
            _l(
                "No kommun in Skåne Nordost has the code %(code)s. Use one of %(codes)s.",
                code=area,
                codes=", ".join(data["kommuner"]),
            ),
            field="kommun",
        )
    group = group or None
    if group is not None and group not in data["groups"]:
        raise NotFound(
            _l("The overview has no occupation group %(group)s.", group=group), field="group"
        )
    return area, group


def validation_years(session: Session) -> list[str]:
    years = throughput.years(session)
    return years or [str(utcnow().year)]


def validation_year(session: Session, text: str | None) -> str:
    """Return the year asked for (the latest when none is), or say what is wrong with it.

    Something that is not a year is a 400 and a year without figures a 404, each naming the
    value and the years there are, so a changed link does not read as a missing page.
    """
    years = validation_years(session)
    if not text:
        return years[0]
    choose = ", ".join(sorted(years))
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise DomainError(
            _l(
                "“%(year)s” is not a year. Choose one of the years with figures: %(years)s.",
                year=text[:20],
                years=choose,
            ),
            field="year",
        )
    if text not in years:
        raise NotFound(
            _l(
                "No validation cases were submitted in %(year)s. Choose one of the years with "
                "figures: %(years)s.",
                year=text,
                years=choose,
            ),
            field="year",
        )
    return text


def validation(session: Session, user: User, year: str) -> tuple[dict[str, Any], dt.datetime, bool]:
    """Throughput for ``year``: every council for coordinators, their own for chairs."""
    from eportfolio.permissions import Permission

    if not can(user, Permission.REGIONAL_VALIDATION_VIEW):
        raise Forbidden(Permission.REGIONAL_VALIDATION_VIEW)
    data, at, fresh = _current(session, VALIDATION, year, lambda: throughput.compute(session, year))
    if can(user, Permission.REGIONAL_OVERVIEW_VIEW):
        return data, at, fresh
    return _only_councils(data, own_councils(user)), at, fresh


def own_councils(user: User) -> set[str]:
    """The councils a user chairs, as the string keys the tables use."""
    return {
        str(m.organisation_id)
        for m in user.memberships
        if m.role == "chair"
        and m.organisation is not None
        and m.organisation.kind == OrgKind.COUNCIL
    }


def _only_councils(data: dict[str, Any], councils: set[str]) -> dict[str, Any]:
    """Keep a chair's own rows; column totals and per-occupation rows span every council."""
    table = data["council"]
    keep = [k for k, key in enumerate(table["keys"]) if key in councils]
    council = {
        "keys": [table["keys"][k] for k in keep],
        "cells": [table["cells"][k] for k in keep],
        "row_totals": [table["row_totals"][k] for k in keep],
        "stats": [table["stats"][k] for k in keep],
        "labels": {table["keys"][k]: table["labels"][table["keys"][k]] for k in keep},
    }
    empty = {"keys": [], "cells": [], "row_totals": [], "stats": [], "labels": {}}
    mine = [data.get("occupation_by_council", {}).get(key) for key in council["keys"]]
    occupation = mine[0] if len(mine) == 1 and mine[0] else empty
    return {**data, "council": council, "occupation": occupation, "scoped": True}


def learning_centres(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.LEARNING_CENTRE)
            .order_by(Organisation.name)
        )
    )
