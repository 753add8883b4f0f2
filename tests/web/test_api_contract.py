"""The API answers as its OpenAPI document says: date-times with offsets.

Schemathesis's checks (status code, content type, body schema and formats) are the ones an
audit with ``--checks all`` runs, here on chosen requests instead of generated ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from marshmallow import Schema, class_registry, fields

from eportfolio.schemas import UtcDateTime
from tests.conftest import csrf_token, login

API = "/api/v1"


def _token(client: FlaskClient, user: Any) -> dict[str, str]:
    login(client, user)
    made = client.post(
        f"{API}/me/tokens",
        json={"name": "contract"},
        headers={"X-CSRFToken": csrf_token(client, "/account")},
    )
    assert made.status_code == 201, made.json
    return {"Authorization": f"Bearer {made.json['token']}"}


def test_date_times_carry_an_offset_however_often_they_are_read(
    app: Flask, client: FlaskClient, demo: dict[str, Any]
) -> None:
    login(client, demo["arbetsgivare"])
    headers = {"X-CSRFToken": csrf_token(client, "/account")}
    need = client.post(
        f"{API}/needs",
        json={"title": "Svetsare", "skills": [{"text": "TIG-svetsning", "min_level": 2}]},
        headers=headers,
    ).json
    candidate = client.get(f"{API}/needs/{need['id']}/matches?limit=1").json[0]["candidate"]
    made = client.post(
        f"{API}/needs/{need['id']}/matches/{candidate}/contact", json={}, headers=headers
    )
    assert made.status_code == 201, made.json

    bare = FlaskClient(app, use_cookies=False)
    for welder in ("larande", "larande2"):  # the demo's two; the candidate is one of them
        auth = _token(FlaskClient(app, use_cookies=True), demo[welder])
        listed = bare.get(f"{API}/me/contact-requests", headers=auth).json
        read = next((r for r in listed if r["id"] == made.json["id"]), None)
        if read is not None:
            break
    assert read is not None
    for text in (made.json["created_at"], read["created_at"]):
        assert dt.datetime.fromisoformat(text).utcoffset() is not None, text
    assert read["created_at"] == made.json["created_at"]  # one format, however it is read
    for token in bare.get(f"{API}/me/tokens", headers=auth).json:
        assert dt.datetime.fromisoformat(token["created_at"]).utcoffset() == dt.timedelta(0)

    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    case = schema[f"{API}/me/contact-requests"]["GET"].Case(headers=auth)
    case.validate_response(case.call())  # date-time format included


def test_every_date_time_field_is_written_in_utc() -> None:
    # A plain fields.DateTime writes SQLite's naive times without an offset.
    plain = [
        f"{name}.{key}"
        for name, found in class_registry._registry.items()
        if "." in name and name.startswith("eportfolio.")
        for schema in found
        if issubclass(schema, Schema)
        for key, field in schema._declared_fields.items()
        if isinstance(field, fields.DateTime) and not isinstance(field, UtcDateTime)
    ]
    assert plain == []
