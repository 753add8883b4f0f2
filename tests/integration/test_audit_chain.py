"""The audit log is hash-chained: any edit or deletion is detected and located."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from sqlalchemy.orm import Session

from eportfolio.audit import services as audit
from eportfolio.audit.models import AuditEvent


def _log(session: Session, n: int) -> None:
    for i in range(n):
        audit.record(
            session,
            "test.event",
            actor_id=i,
            subject_type="thing",
            subject_id=i,
            data={"i": i, "text": "åäö"},
        )


def test_an_untouched_log_verifies(db_session: Session) -> None:
    _log(db_session, 5)
    report = audit.verify(db_session)
    assert report.ok and report.events == 5


def test_changing_an_event_is_detected_at_that_event(db_session: Session) -> None:
    _log(db_session, 5)
    db_session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 3).values(data={"i": 99}))
    db_session.expire_all()
    report = audit.verify(db_session)
    assert not report.ok and report.broken_at == 3 and report.reason == "event content changed"


def test_deleting_an_event_is_detected(db_session: Session) -> None:
    _log(db_session, 5)
    db_session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 2))
    report = audit.verify(db_session)
    assert not report.ok and report.broken_at == 2


def test_deleting_the_newest_event_is_detected(db_session: Session) -> None:
    _log(db_session, 4)
    db_session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 4))
    report = audit.verify(db_session)
    assert not report.ok and report.broken_at == 4


def test_rewriting_an_event_and_its_hash_breaks_the_next_link(db_session: Session) -> None:
    _log(db_session, 4)
    db_session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(hash="f" * 64))
    db_session.expire_all()
    report = audit.verify(db_session)
    assert not report.ok and report.broken_at == 2


def test_cli_verify_reports_intact_and_broken_logs(app: Flask, db_session: Session) -> None:
    _log(db_session, 3)
    db_session.commit()  # released to the outer test transaction, visible to the CLI session
    runner = app.test_cli_runner()
    ok: Result = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 3 events" in ok.output
    db_session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(action="forged"))
    db_session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "BROKEN at event 2" in broken.output


@pytest.mark.postgres
def test_concurrent_appends_keep_one_chain(app: Flask) -> None:
    database = app.extensions["database"]
    with database.standalone() as session:
        session.execute(sa.delete(AuditEvent))
        session.execute(
            sa.text("UPDATE audit_head SET last_seq = 0, last_hash = :g"), {"g": audit.GENESIS}
        )

    def writer(n: int) -> None:
        for i in range(10):
            with database.standalone() as session:
                audit.record(session, "concurrent", actor_id=n, data={"i": i})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with database.standalone() as session:
        report = audit.verify(session)
        assert report.ok and report.events == 40
        session.execute(sa.delete(AuditEvent))
        session.execute(
            sa.text("UPDATE audit_head SET last_seq = 0, last_hash = :g"), {"g": audit.GENESIS}
        )
