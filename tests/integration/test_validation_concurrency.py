"""Eight assessors pressing "take next" at once: every case is taken once, nobody waits forever."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
import sqlalchemy as sa
from flask import Flask

from eportfolio.accounts.models import Membership, Organisation, OrgKind, OrgStatus, Role, User
from eportfolio.audit import services as audit
from eportfolio.audit.models import AuditEvent
from eportfolio.notifications.models import Notification
from eportfolio.validation import queue
from eportfolio.validation.models import ValidationCase

CASES, THREADS = 1000, 8


def _reset_audit(session: sa.orm.Session) -> None:
    session.execute(sa.delete(AuditEvent))
    session.execute(
        sa.text("UPDATE audit_head SET last_seq = 0, last_hash = :g"), {"g": audit.GENESIS}
    )


@pytest.mark.postgres
def test_eight_threads_take_every_case_exactly_once(app: Flask) -> None:
    database = app.extensions["database"]
    with database.standalone() as session:
        _reset_audit(session)
        council = Organisation(kind=OrgKind.COUNCIL, status=OrgStatus.ACTIVE, name="Rådet")
        learner = User(email="conc-learner@test.se", password_hash="x", display_name="L")
        assessors = [
            User(email=f"conc-assessor{n}@test.se", password_hash="x", display_name=f"A{n}")
            for n in range(THREADS)
        ]
        session.add_all([council, learner, *assessors])
        session.flush()
        session.add_all(
            Membership(user_id=a.id, organisation_id=council.id, role=Role.ASSESSOR)
            for a in assessors
        )
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        session.execute(
            sa.insert(ValidationCase),
            [
                {
                    "learner_id": learner.id,
                    "council_id": council.id,
                    "state": "submitted",
                    "past_assessor_ids": [],
                    "snapshot": {},
                    "submitted_at": start + dt.timedelta(minutes=n),
                }
                for n in range(CASES)
            ],
        )
        ids = {"council": council.id, "learner": learner.id, "assessors": [a.id for a in assessors]}

    taken: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(assessor_id: int) -> None:
        with app.app_context():
            try:
                while True:
                    with database.standalone() as session:
                        case = queue.take_next(session, session.get(User, assessor_id))
                        if case is None:
                            return
                        with lock:
                            taken.append((case.id, assessor_id))
            except BaseException as exc:
                errors.append(exc)

    try:
        threads = [threading.Thread(target=worker, args=(a,)) for a in ids["assessors"]]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not any(t.is_alive() for t in threads), "a taker hangs: deadlock?"
        assert errors == []
        counts = Counter(case_id for case_id, _ in taken)
        assert len(counts) == CASES and set(counts.values()) == {1}
        with database.standalone() as session:
            held = session.execute(
                sa.select(ValidationCase.id, ValidationCase.assessor_id, ValidationCase.state)
            ).all()
            assert all(state == "in_assessment" for _, _, state in held)
            assert dict(taken) == {case_id: assessor for case_id, assessor, _ in held}
            assert audit.verify(session).ok
    finally:
        with database.standalone() as session:
            session.execute(sa.delete(ValidationCase))
            session.execute(sa.delete(Notification))
            session.execute(sa.delete(User).where(User.id.in_([ids["learner"], *ids["assessors"]])))
            session.execute(sa.delete(Organisation).where(Organisation.id == ids["council"]))
            _reset_audit(session)
