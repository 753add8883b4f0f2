"""The credential that `make run`'s demo flow produces verifies independently and fits OB 3.0."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.credentials.models import IssuedCredential
from eportfolio.validation.models import ValidationCase
from eportfolio.validation.states import State
from tests.conftest import shared_dir

# `make run` serves on 127.0.0.1:5000; the demo names that host, so ask as a browser there would.
HOST = "http://127.0.0.1:5000"


@pytest.mark.shared_data
def test_the_demo_credential_verifies(
    app: Flask, db_session: Session, client: FlaskClient, demo: dict[str, Any]
) -> None:
    from eportfolio.demo.validation import load_demo_validation

    with app.app_context():
        load_demo_validation(db_session)
        load_demo_validation(db_session)  # a second run changes nothing
    cases = db_session.scalars(select(ValidationCase).order_by(ValidationCase.id)).all()
    assert [c.state for c in cases] == [State.CERTIFIED, State.SUBMITTED]
    issued = db_session.scalars(select(IssuedCredential)).one()
    token = issued.token or ""
    jwks = client.get(f"/councils/{issued.council_id}/jwks.json", base_url=HOST).get_json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    payload = jwt.decode(
        token,
        key.key,
        algorithms=["EdDSA"],
        issuer=f"https://127.0.0.1:5000/councils/{issued.council_id}",
    )
    credential = {
        k: v for k, v in payload.items() if k not in {"iss", "jti", "sub", "nbf", "iat", "exp"}
    }
    path = shared_dir("data", "openbadges-3.0") / "achievementcredential.schema.json"
    validator = jsonschema.Draft201909Validator(json.loads(path.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(credential)] == []
    page = client.get(f"/verify/{issued.uuid}", base_url=HOST).get_data(as_text=True)
    assert 'data-state="valid"' in page
