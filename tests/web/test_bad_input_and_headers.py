"""Bad input never causes a 500 or a stack trace; every response carries security headers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, login


def test_unknown_pages_are_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Sidan kunde inte hittas" in html and "Traceback" not in html


def test_unknown_api_routes_are_problem_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_wrong_method_is_405_with_allow_header(client: FlaskClient) -> None:
    response = client.delete("/api/v1/me")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert client.put("/login").status_code == 405


def test_oversized_bodies_are_refused_with_413(client: FlaskClient) -> None:
    token = csrf_token(client)
    big = "x" * (client.application.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data={"email": big, "password": "x", "csrf_token": token})
    assert response.status_code == 413
    api = client.post("/api/v1/me/tokens", data=big, content_type="application/json")
    assert api.status_code == 413 and api.mimetype == "application/problem+json"


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Any) -> None:
    from tests.conftest import make_test_app

    broken = make_test_app(f"sqlite:///{tmp_path}/missing/dir/db.sqlite", tmp_path)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/me", "/no-such-page", "/healthz"])
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_lax(client: FlaskClient) -> None:
    client.get("/login")
    cookie = client.get_cookie("mp_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_pages_have_no_inline_script(client: FlaskClient) -> None:
    for path in ("/", "/login", "/register", "/register/employer", "/password/forgot"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(
        st.sampled_from(
            [
                "display_name",
                "email",
                "password",
                "preferred_language",
                "org_number",
                "organisation_name",
                "extra",
            ]
        ),
        st.text(max_size=300),
        max_size=7,
    )
)
def test_fuzzed_registration_forms_never_fail_with_5xx(
    client: FlaskClient, form: dict[str, str]
) -> None:
    token = csrf_token(client, "/register")
    for path in ("/register", "/register/employer"):
        response = client.post(path, data={**form, "csrf_token": token})
        assert response.status_code < 500


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=50),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_fuzzed_json_never_fails_with_5xx(client: FlaskClient, create_user: Any, body: Any) -> None:
    response = client.post("/api/v1/me/tokens", json=body)
    assert response.status_code < 500 and response.mimetype == "application/problem+json"


def test_a_nul_character_anywhere_is_a_clear_400_and_saves_nothing(
    client: FlaskClient, demo: dict[str, Any], db_session: Session
) -> None:
    """PostgreSQL cannot store NUL in text: it must never get as far as a query (a 500)."""
    from eportfolio.employers.models import Need

    login(client, demo["arbetsgivare"])
    before = db_session.scalar(select(func.count(Need.id)))
    token = csrf_token(client, "/needs/new")
    form = {"title": "Svets\x00are", "skill_1": "TIG-svetsning", "csrf_token": token}
    page = client.post("/needs/new", data=form)
    assert page.status_code == 400
    assert "NUL-tecknet" in page.get_data(as_text=True)
    assert client.get("/needs/1/candidates/a\x00b").status_code == 400
    assert client.get("/needs", query_string={"page": "\x00"}).status_code == 400
    api = client.post(
        "/api/v1/needs",
        json={"title": "Svetsare", "skills": [{"text": "TIG\x00"}]},
        headers={"X-CSRFToken": token},
    )
    assert api.status_code == 400 and api.mimetype == "application/problem+json"
    assert "NUL" in api.get_json()["detail"]
    assert db_session.scalar(select(func.count(Need.id))) == before


def test_an_id_too_long_for_any_row_is_a_404_not_a_database_error(
    client: FlaskClient, demo: dict[str, Any]
) -> None:
    login(client, demo["arbetsgivare"])
    huge = "9" * 40
    assert client.get(f"/needs/{huge}").status_code == 404
    api = client.get(f"/api/v1/needs/{huge}/matches")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert client.get(f"/needs/{2**31 - 1}").status_code == 404  # the largest id is just unknown
    spec = client.get("/api/v1/openapi.json").get_json()
    params = spec["paths"]["/api/v1/needs/{need_id}/matches"]["parameters"]
    (param,) = [p for p in params if p["name"] == "need_id"]
    assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def test_api_input_errors_are_in_the_readers_language(
    client: FlaskClient, create_user: Any
) -> None:
    """Messages marshmallow writes itself reach a Swedish client in Swedish, not English."""
    login(client, create_user("coordinator"))
    year = client.get("/api/v1/regional/validation?year=abcd")
    assert year.status_code == 422 and year.mimetype == "application/problem+json"
    assert year.get_json()["errors"] == {
        "year": ["Skriv året med fyra siffror, till exempel 2026."]
    }
    login(client, create_user("learner"))
    token = csrf_token(client, "/account")
    listed = client.post("/api/v1/validation/cases", json=[1, 2], headers={"X-CSRFToken": token})
    assert listed.status_code == 422 and listed.mimetype == "application/problem+json"
    assert listed.get_json()["errors"] == {"_schema": ["Skicka ett JSON-objekt."]}
