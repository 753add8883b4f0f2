"""Whatever is typed or sent to the evidence and privacy forms and API, the answer is never 5xx."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token, login

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXT = st.text(max_size=120) | st.sampled_from(["0", "-1", "1", "99999999999999999999", "1:2"])
FORMS = {
    "/portfolio/evidence/links": ["url", "link_title", "link_claim_id"],
    "/portfolio/evidence/files": ["title", "claim_id"],
    "/privacy/guides": ["guide"],
    "/privacy/consents/matching": ["decision", "guided"],
    "/privacy/delete-account": ["password"],
}
JSON = [
    "/api/v1/me/portfolio/evidence/links",
    "/api/v1/me/consents",
    "/api/v1/me/guides",
    "/api/v1/me/portfolio/evidence/1/claims",
]


@FUZZ
@given(
    path=st.sampled_from(sorted(FORMS)),
    values=st.lists(TEXT, min_size=3, max_size=3),
    query=TEXT,
    filename=st.text(max_size=60),
    content=st.binary(max_size=300),
)
def test_fuzzed_forms_never_fail_with_5xx(
    client: FlaskClient,
    create_user: Any,
    path: str,
    values: list[str],
    query: str,
    filename: str,
    content: bytes,
) -> None:
    if client.get_cookie("mp_session") is None or client.get("/account").status_code != 200:
        login(client, create_user("learner"))
    data: dict[str, Any] = dict(zip(FORMS[path], values, strict=False))
    data["csrf_token"] = csrf_token(client, "/account")
    if path.endswith("/files"):
        data["file"] = (io.BytesIO(content), filename)
    response = client.post(
        path, data=data, query_string={"learner": query}, content_type="multipart/form-data"
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert client.get("/portfolio/evidence", query_string={"learner": query}).status_code < 500


@FUZZ
@given(
    path=st.sampled_from(JSON),
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "url",
                        "title",
                        "claim_id",
                        "kind",
                        "granted",
                        "employer_id",
                        "guide_id",
                        "organisation_id",
                        "x",
                    ]
                ),
                inner,
                max_size=5,
            )
        ),
        max_leaves=10,
    ),
)
def test_fuzzed_json_never_fails_with_5xx(
    client: FlaskClient, create_user: Any, path: str, body: Any
) -> None:
    if client.get("/api/v1/me").status_code != 200:
        login(client, create_user("learner"))
    token = csrf_token(client, "/account")
    response = client.post(path, json=body, headers={"X-CSRFToken": token})
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.mimetype in ("application/json", "application/problem+json")
