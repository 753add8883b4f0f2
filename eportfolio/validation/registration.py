"""Diarienummer: each valideringsråd numbers its cases per year, as in VR3-2026-0042.

"VR3" is the council (its id), then the Swedish calendar year the learner first sent the case,
then the case's place in that council's series for the year. A draft has no number. A number
never changes and is never given again, not even after the case is erased, and since each
council counts on its own, it tells nothing about how many cases the other councils have.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from eportfolio.audit import services as audit
from eportfolio.db import utcnow
from eportfolio.validation.models import CaseNumberSeries, ValidationCase

SWEDEN = ZoneInfo("Europe/Stockholm")


def format_number(council_id: int, year: int, seq: int) -> str:
    return f"VR{council_id}-{year}-{seq:04d}"


def year_of(moment: dt.datetime) -> int:
    """Return the year in Sweden: a case sent at 00:30 on New Year's Day is the new year's."""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(SWEDEN).year


def reserve(session: Session, council_id: int, year: int, count: int = 1) -> int:
    """Take the next ``count`` numbers of the council's series for ``year``; return the first."""
    audit.take_lock(session)  # as in ``register``
    return _bump(session, council_id, year, count)


def register(session: Session, case: ValidationCase) -> str:
    """Receive a case sent for the first time: note the moment, and give it its number."""
    assert case.number is None
    # Every write takes the audit log's lock, some before they get here (the API creates and
    # sends a case in one request). Taking it before the series' lock keeps the two locks in
    # one order for everyone, so two submissions queue instead of deadlocking.
    audit.take_lock(session)
    case.submitted_at = utcnow()  # read under the lock: the register's order is the time order
    year = year_of(case.submitted_at)
    case.number = format_number(case.council_id, year, _bump(session, case.council_id, year, 1))
    return case.number


def _bump(session: Session, council_id: int, year: int, count: int) -> int:
    # One statement bumps the series row, so two submissions at once get different numbers;
    # the row stays locked until the transaction ends, and a rollback leaves no gap.
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    bump = (
        insert(CaseNumberSeries)
        .values(council_id=council_id, year=year, last=count)
        .on_conflict_do_update(
            index_elements=[CaseNumberSeries.council_id, CaseNumberSeries.year],
            set_={"last": CaseNumberSeries.last + count},
        )
        .returning(CaseNumberSeries.last)
    )
    last: int = session.execute(bump).scalar_one()
    return last - count + 1
