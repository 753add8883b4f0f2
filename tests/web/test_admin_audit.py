"""The administrator reads the audit log, not only its integrity check."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.audit import services as audit
from eportfolio.audit.models import AuditEvent
from tests.conftest import login


def test_the_admin_reads_events_by_person_and_action_and_the_reading_is_logged(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    learner = create_user("learner")
    guide = create_user("guide")
    audit.record(db_session, "portfolio.claim.saved", actor_id=guide.id, on_behalf_of_id=learner.id)
    audit.record(db_session, "contact.requested", actor_id=create_user("employer").id)
    db_session.flush()
    admin = create_user("admin")
    login(client, admin)
    page = client.get("/admin/audit").text
    assert "portfolio.claim.saved" in page and "contact.requested" in page
    mine = client.get("/admin/audit", query_string={"person": learner.email}).text
    assert "portfolio.claim.saved" in mine and "contact.requested" not in mine
    assert guide.email in mine  # who did it, and for whom
    contacts = client.get("/admin/audit", query_string={"action": "contact."}).text
    assert "contact.requested" in contacts and "portfolio.claim.saved" not in contacts
    assert client.get("/admin/audit", query_string={"page": "99999999999999"}).status_code == 200
    viewed = list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.viewed")))
    assert viewed and all(e.actor_id == admin.id for e in viewed)
