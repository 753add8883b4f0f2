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


SENDERS, CASES_EACH = 8, 4


@pytest.mark.postgres
def test_cases_sent_at_once_get_one_number_each_with_no_gap(app: Flask) -> None:
    """Eight learners send cases at the same moment: through the pages (a draft sent) and
    through the API (created and sent in one request, which audits before it numbers)."""
    from eportfolio.matching_index.models import MatchingChange
    from eportfolio.portfolios.models import Portfolio, SkillClaim
    from eportfolio.taxonomy_store.models import Concept
    from eportfolio.validation import registration, services
    from eportfolio.validation.models import CaseNumberSeries
    from eportfolio.validation.states import Action

    database = app.extensions["database"]
    with database.standalone() as session:
        _reset_audit(session)
        council = Organisation(kind=OrgKind.COUNCIL, status=OrgStatus.ACTIVE, name="Numrådet")
        concept = Concept(uri="conc:weld", source="test", kind="skill", fingerprint="conc")
        learners = [
            User(email=f"conc-sender{n}@test.se", password_hash="x", display_name=f"S{n}")
            for n in range(SENDERS)
        ]
        session.add_all([council, concept, *learners])
        session.flush()
        drafts: dict[int, list[int]] = {}
        for n, learner in enumerate(learners):
            portfolio = Portfolio(
                user_id=learner.id,
                pseudonym=f"K-CONC{n:02d}",
                work_municipalities=[],
                driving_licences=[],
                claims=[SkillClaim(text_as_typed="svets", concept_id=concept.id, level=2)],
            )
            session.add(portfolio)
            session.flush()
            with app.test_request_context():
                drafts[learner.id] = [
                    services.create_case(session, learner, council.id, [portfolio.claims[0].id]).id
                    for _ in range(CASES_EACH // 2)
                ]
        ids = {"council": council.id, "concept": concept.id, "learners": [u.id for u in learners]}

    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(SENDERS)

    def send(learner_id: int) -> None:
        try:
            with app.test_request_context():
                start.wait(timeout=60)
                for n in range(CASES_EACH):
                    with database.standalone() as session:
                        learner = session.get(User, learner_id)
                        if n % 2:  # the API: created and sent in one transaction
                            claim_ids = [c.id for c in learner_claims(session, learner_id)]
                            case = services.create_case(session, learner, ids["council"], claim_ids)
                        else:  # the pages: a draft made earlier is sent
                            case = session.get(ValidationCase, drafts[learner_id][n // 2])
                        services.transition(session, learner, case, Action.SUBMIT)
                        with lock:
                            numbers.append(str(case.number))
        except BaseException as exc:
            errors.append(exc)

    def learner_claims(session: sa.orm.Session, learner_id: int) -> list[SkillClaim]:
        portfolio = session.scalar(sa.select(Portfolio).where(Portfolio.user_id == learner_id))
        return list(portfolio.claims)

    try:
        threads = [threading.Thread(target=send, args=(u,)) for u in ids["learners"]]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not any(t.is_alive() for t in threads), "a sender hangs: deadlock?"
        assert errors == []
        year = registration.year_of(dt.datetime.now(dt.UTC))
        total = SENDERS * CASES_EACH
        expected = [
            registration.format_number(ids["council"], year, n) for n in range(1, total + 1)
        ]
        assert sorted(numbers) == expected  # each once, none skipped
        with database.standalone() as session:
            stored = session.scalars(
                sa.select(ValidationCase.number)
                .where(ValidationCase.council_id == ids["council"])
                .order_by(ValidationCase.submitted_at, ValidationCase.id)
            ).all()
            assert stored == expected  # and in the order they were sent
            assert audit.verify(session).ok
    finally:
        with database.standalone() as session:
            session.execute(sa.delete(ValidationCase))
            session.execute(sa.delete(CaseNumberSeries))
            session.execute(sa.delete(Notification))
            session.execute(sa.delete(MatchingChange))
            session.execute(sa.delete(User).where(User.id.in_(ids["learners"])))
            session.execute(sa.delete(Concept).where(Concept.id == ids["concept"]))
            session.execute(sa.delete(Organisation).where(Organisation.id == ids["council"]))
            _reset_audit(session)
