"""The JSON API skeleton: OpenAPI document, problem+json errors, cookie and token auth."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import csrf_token, login


def _token(client: FlaskClient, user: Any, name: str = "ci") -> str:
    login(client, user)
    response = client.post(
        "/api/v1/me/tokens",
        json={"name": name},
        headers={"X-CSRFToken": csrf_token(client, "/account")},
    )
    assert response.status_code == 201, response.json
    secret: str = response.json["token"]
    return secret


def test_openapi_document_describes_the_endpoints(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/me", "/api/v1/me/tokens", "/api/v1/me/tokens/{token_id}"} <= set(spec["paths"])
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    assert "TokenCreate" in spec["components"]["schemas"]


def test_me_with_a_bearer_token_and_no_cookie(client: FlaskClient, create_user: Any) -> None:
    user = create_user("assessor")
    secret = _token(client, user)
    bare = FlaskClient(client.application, use_cookies=False)
    response = bare.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json["email"] == user.email and response.json["roles"] == ["assessor"]
    assert "Set-Cookie" not in response.headers  # token calls never start a cookie session


def test_the_bearer_scheme_is_case_insensitive(client: FlaskClient, create_user: Any) -> None:
    secret = _token(client, create_user())
    bare = FlaskClient(client.application, use_cookies=False)
    for scheme in ("bearer", "BEARER", "Bearer"):
        response = bare.get("/api/v1/me", headers={"Authorization": f"{scheme} {secret}"})
        assert response.status_code == 200, scheme
    assert bare.get("/api/v1/me", headers={"Authorization": f"Basic {secret}"}).status_code == 401


def test_tokens_are_listed_without_secrets_and_revoked_by_their_owner_only(
    client: FlaskClient, create_user: Any
) -> None:
    owner, other = create_user(), create_user()
    secret = _token(client, owner)
    bare = FlaskClient(client.application, use_cookies=False)
    auth = {"Authorization": f"Bearer {secret}"}
    listed = bare.get("/api/v1/me/tokens", headers=auth).json
    assert len(listed) == 1 and "token" not in listed[0] and secret.startswith(listed[0]["prefix"])

    other_secret = _token(FlaskClient(client.application, use_cookies=True), other, "other")
    other_auth = {"Authorization": f"Bearer {other_secret}"}
    response = bare.delete(f"/api/v1/me/tokens/{listed[0]['id']}", headers=other_auth)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert bare.get("/api/v1/me", headers=auth).status_code == 200

    assert bare.delete(f"/api/v1/me/tokens/{listed[0]['id']}", headers=auth).status_code == 204
    assert bare.get("/api/v1/me", headers=auth).status_code == 401


def test_unauthenticated_api_calls_get_problem_json_401(client: FlaskClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401 and response.json["title"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/api/v1/me", headers={"Authorization": "Bearer mp_not-a-token"})
    assert wrong.status_code == 401


def test_cookie_api_writes_need_the_csrf_header(client: FlaskClient, create_user: Any) -> None:
    login(client, create_user())
    response = client.post("/api/v1/me/tokens", json={"name": "x"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_invalid_json_bodies_give_field_errors(client: FlaskClient, create_user: Any) -> None:
    secret = _token(client, create_user())
    bare = FlaskClient(client.application, use_cookies=False)
    auth = {"Authorization": f"Bearer {secret}"}
    empty = bare.post("/api/v1/me/tokens", json={"name": ""}, headers=auth)
    assert empty.status_code == 422 and "name" in empty.json["errors"]
    missing = bare.post("/api/v1/me/tokens", json={}, headers=auth)
    assert missing.status_code == 422 and "name" in missing.json["errors"]
    wrong_type = bare.post("/api/v1/me/tokens", json={"name": 42}, headers=auth)
    assert wrong_type.status_code == 422
    not_object = bare.post("/api/v1/me/tokens", json=["name"], headers=auth)
    assert 400 <= not_object.status_code < 500
    broken = bare.post(
        "/api/v1/me/tokens", data="{name: ", headers={**auth, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.mimetype == "application/problem+json"
    form = bare.post(
        "/api/v1/me/tokens", data="name=x", headers={**auth, "Content-Type": "text/plain"}
    )
    assert form.status_code == 415 and form.mimetype == "application/problem+json"


def test_a_refused_action_is_titled_as_not_possible_not_as_a_clash(
    client: FlaskClient, create_user: Any
) -> None:
    """Withdrawing a consent never given clashes with nothing stored: it is not possible."""
    login(client, create_user("learner"))
    headers = {"X-CSRFToken": csrf_token(client, "/account")}
    refused = client.post(
        "/api/v1/me/consents", json={"kind": "matching", "granted": False}, headers=headers
    )
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["title"] == "Det går inte i det här läget"
    assert body["detail"] == "Det finns inget samtycke att återkalla."
