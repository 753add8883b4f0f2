"""Erasing a learner keeps their credentials verifiable as bare status records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

import eportfolio.credentials.views  # noqa: F401 - registers the erasure hook, as the app does
from eportfolio.credentials import services as credentials
from eportfolio.credentials.models import IssuedCredential
from eportfolio.privacy import erasure
from eportfolio.validation import services
from eportfolio.validation.models import CaseClaim, ValidationCase
from eportfolio.validation.states import Action
from tests.validation_world import build


def test_erasure_strips_the_credential_but_its_status_stays_revocable(
    app: Flask, db_session: Session, create_user: Callable[..., Any], create_org: Any
) -> None:
    w = build(db_session, create_user, create_org)
    with app.test_request_context("/", base_url="https://localhost"):
        case = services.create_case(db_session, w.learner, w.council.id, w.claim_ids[:1])
        services.transition(db_session, w.learner, case, Action.SUBMIT)
        services.transition(db_session, w.assessor, case, Action.TAKE)
        data = {
            "method": "interview",
            "decision": "verified",
            "verified_level": 2,
            "rationale": "r",
        }
        services.assess_claim(db_session, w.assessor, case, case.claims[0].id, data)
        services.transition(db_session, w.assessor, case, Action.CONCLUDE)
        services.transition(db_session, w.chair, case, Action.CERTIFY)
        uuid = db_session.scalar(select(IssuedCredential.uuid))
        assert credentials.strip_personal_data in erasure.before_erasure
        erasure.erase(db_session, w.learner)
        db_session.flush()
        issued = db_session.scalar(select(IssuedCredential).where(IssuedCredential.uuid == uuid))
        assert issued is not None and issued.token is None and issued.case_id is None
        assert issued.erased_at is not None and issued.title is None
        assert db_session.scalar(select(ValidationCase.id)) is None
        assert db_session.scalar(select(CaseClaim.id)) is None
        # The chair can still revoke it; the public status list is what verifiers read.
        before = credentials.verify_uuid(db_session, uuid)
        assert before is not None and before.state == "valid" and before.credential is None
        credentials.revoke(db_session, w.chair, uuid, "Återkallat efter radering")
        after = credentials.verify_uuid(db_session, uuid)
        assert after is not None and after.state == "revoked" and after.credential is None
