"""The API answers as its OpenAPI document says: problem+json errors, offsets, empty 204s.

Schemathesis's checks (status code, content type, body schema and formats) are the ones an
audit with ``--checks all`` runs, here on chosen requests instead of generated ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from marshmallow import Schema, class_registry, fields

from eportfolio.schemas import UtcDateTime
from tests.conftest import csrf_token, login

API = "/api/v1"


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get(f"{API}/openapi.json").json
    return document


def _token(client: FlaskClient, user: Any) -> dict[str, str]:
    login(client, user)
    made = client.post(
        f"{API}/me/tokens",
        json={"name": "contract"},
        headers={"X-CSRFToken": csrf_token(client, "/account")},
    )
    assert made.status_code == 201, made.json
    return {"Authorization": f"Bearer {made.json['token']}"}


def _response_schema(spec: dict[str, Any], ref: str) -> Draft202012Validator:
    """Return a validator for the problem+json body of the response component ``ref``."""
    pointer = f"{ref}/content/application~1problem+json/schema"
    return Draft202012Validator({"$ref": pointer, "components": spec["components"]})


def test_every_error_response_is_documented_as_problem_json(spec: dict[str, Any]) -> None:
    responses = spec["components"]["responses"]
    used = {
        r["$ref"].rsplit("/", 1)[-1]
        for path in spec["paths"].values()
        for method, op in path.items()
        if method != "parameters"
        for status, r in op["responses"].items()
        if status == "default" or status.startswith("4")
    }
    assert {"DEFAULT_ERROR", "NOT_FOUND", "UNAUTHORIZED", "UNPROCESSABLE_ENTITY"} <= used
    for name in used:
        assert set(responses[name]["content"]) == {"application/problem+json"}, name
    problem = spec["components"]["schemas"]["Problem"]
    assert problem["properties"]["status"]["type"] == "integer"
    assert problem["properties"]["errors"]["additionalProperties"]["items"]["type"] == "string"
    assert problem.get("additionalProperties") is not False
    assert "Error" not in spec["components"]["schemas"]  # flask-smorest's, which we never send


def test_operations_list_the_refusals_they_can_answer(spec: dict[str, Any]) -> None:
    def statuses(path: str, method: str) -> set[str]:
        return set(spec["paths"][f"{API}{path}"][method]["responses"]) - {"default"}

    assert statuses("/me", "get") == {"200", "401"}
    assert statuses("/me/tokens/{token_id}", "delete") == {"204", "401", "404"}
    assert statuses("/needs/{need_id}/matches/{candidate}/contact", "post") == {
        "201",
        "401",
        "403",
        "404",
        "409",
        "415",
        "422",
    }
    # public: no login to refuse; 413 for a credential too large to be one
    assert statuses("/verify", "post") == {"200", "413", "415", "422"}
    assert statuses("/validation/cases/{case_id}", "get") == {"200", "401", "404"}
    assert "404" in statuses("/regional/overview", "get")  # an unknown kommun
    assert "422" in statuses("/training-modules", "post")  # its body is read in the view


def test_real_errors_match_the_document(
    app: Flask, client: FlaskClient, spec: dict[str, Any], create_user: Any
) -> None:
    auth = _token(client, create_user())
    bare = FlaskClient(app, use_cookies=False)
    not_found = bare.delete(f"{API}/me/tokens/999999", headers=auth)
    unauthorised = bare.get(f"{API}/me")
    invalid = bare.post(f"{API}/me/tokens", json={"name": ""}, headers=auth)
    for response, ref in [
        (not_found, "#/components/responses/NOT_FOUND"),
        (unauthorised, "#/components/responses/UNAUTHORIZED"),
        (invalid, "#/components/responses/UNPROCESSABLE_ENTITY"),
    ]:
        assert response.mimetype == "application/problem+json"
        _response_schema(spec, ref).validate(response.json)
    assert invalid.json["errors"]["name"] and isinstance(invalid.json["errors"]["name"][0], str)

    # The same, judged by schemathesis as the audit did.
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    delete = schema[f"{API}/me/tokens/{{token_id}}"]["DELETE"]
    case = delete.Case(path_parameters={"token_id": 999999}, headers=auth)
    response = case.call()
    assert response.status_code == 404
    case.validate_response(response)


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


def test_no_content_answers_claim_no_content_type(
    app: Flask, client: FlaskClient, create_user: Any
) -> None:
    auth = _token(client, create_user())
    bare = FlaskClient(app, use_cookies=False)
    token_id = bare.get(f"{API}/me/tokens", headers=auth).json[0]["id"]
    response = bare.delete(f"{API}/me/tokens/{token_id}", headers=auth)
    assert response.status_code == 204
    assert response.data == b"" and "Content-Type" not in response.headers


def test_options_answers_with_the_allowed_methods_and_no_content(
    app: Flask, client: FlaskClient, create_user: Any
) -> None:
    """It answered 200 with an empty text/html body, which no JSON client expects."""
    auth = _token(client, create_user("employer"))
    bare = FlaskClient(app, use_cookies=False)
    response = bare.options(f"{API}/needs", headers=auth)
    assert response.status_code == 204 and "Content-Type" not in response.headers
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST", "OPTIONS"}
    assert bare.options(f"{API}/needs").status_code == 401  # still behind the access rule
