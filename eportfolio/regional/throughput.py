"""Validation throughput per valideringsråd and per occupation, one calendar year at a time.

Years partition the cases, so no published figure is a difference of two others; the trend
reuses each year's own suppressed totals for the same reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Organisation
from eportfolio.db import utcnow
from eportfolio.regional.aggregates import median, percentile, published, rate
from eportfolio.taxonomy_store.models import Concept
from eportfolio.validation.states import FINAL_STATES, State

# The validation state machine's states, in the order the tables show them (drafts are not cases
# yet), named through the machine's own enum; a test checks none is left out.
STATES = tuple(
    s.value
    for s in (
        State.SUBMITTED,
        State.IN_ASSESSMENT,
        State.AWAITING_LEARNER,
        State.REASSESSMENT_REQUESTED,
        State.ASSESSED,
        State.CERTIFIED,
        State.NOT_CERTIFIED,
        State.WITHDRAWN,
    )
)
OPEN = {s for s in STATES if s not in FINAL_STATES}


def available() -> bool:
    """Whether the validation workflow's tables exist in this build."""
    try:
        from eportfolio.validation.models import ValidationCase  # noqa: F401
    except ImportError:  # pragma: no cover - before the validation package lands
        return False
    return True


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _cases(session: Session) -> list[tuple[int, int | None, str, dt.datetime, dt.datetime | None]]:
    from eportfolio.validation.models import ValidationCase

    rows = session.execute(
        select(
            ValidationCase.council_id,
            ValidationCase.occupation_concept_id,
            ValidationCase.state,
            ValidationCase.submitted_at,
            ValidationCase.decided_at,
        ).where(ValidationCase.submitted_at.is_not(None))
    )
    return [
        (c, o, str(getattr(s, "value", s)), _aware(sub), _aware(dec) if dec else None)
        for c, o, s, sub, dec in rows
    ]


def years(session: Session) -> list[str]:
    """The calendar years with submitted cases, newest first."""
    if not available():
        return []
    return sorted({str(c[3].year) for c in _cases(session)}, reverse=True)


def compute(session: Session, year: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """Return the throughput figures for cases submitted in ``year``."""
    now = now or utcnow()
    cases = [c for c in _cases(session) if str(c[3].year) == year] if available() else []
    councils = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.kind == "council")
        ).all()
    )
    by_council = _table(cases, lambda c: c[0], now)
    by_occupation = _table(cases, lambda c: c[1] or 0, now, col_totals=False)
    labels = {
        c.id: {"sv": c.label("sv"), "en": c.label("en")}  # the page shows the reader's
        for c in session.scalars(
            select(Concept).where(Concept.id.in_([int(k) for k in by_occupation["keys"]]))
        )
    }
    by_council["labels"] = {k: councils.get(int(k), k) for k in by_council["keys"]}
    by_occupation["labels"] = {k: labels.get(int(k), "–") for k in by_occupation["keys"]}
    per_council = {}
    for council_key in by_council["keys"]:
        own = [c for c in cases if str(c[0]) == council_key]
        table = _table(own, lambda c: c[1] or 0, now, col_totals=False)
        table["labels"] = {k: labels.get(int(k), "–") for k in table["keys"]}
        per_council[council_key] = table
    return {
        "year": year,
        "states": list(STATES),
        "council": by_council,
        "occupation": by_occupation,
        "occupation_by_council": per_council,
    }


def _table(cases: list[Any], key: Any, now: dt.datetime, col_totals: bool = True) -> dict[str, Any]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for c in cases:
        groups[key(c)].append(c)
    keys = sorted(groups, key=str)
    matrix = [[sum(1 for c in groups[k] if c[2] == s) for s in STATES] for k in keys]
    table = published(matrix, row_totals=True, col_totals=col_totals and bool(keys))
    stats = []
    for k, row in zip(keys, table["cells"], strict=True):  # type: ignore[arg-type]
        waiting = [(now - c[3]).days for c in groups[k] if c[2] in OPEN]
        decided = [
            (c[4] - c[3]).days for c in groups[k] if c[4] and c[2] in ("certified", "not_certified")
        ]
        stats.append(
            {
                "waiting_median": median(waiting),
                "waiting_p90": percentile(waiting, 90),
                "decision_median": median(decided),
                "decision_p90": percentile(decided, 90),
                "certification_rate": rate(
                    row[STATES.index("certified")], row[STATES.index("not_certified")]
                ),
            }
        )
    return {"keys": [str(k) for k in keys], **table, "stats": stats}
