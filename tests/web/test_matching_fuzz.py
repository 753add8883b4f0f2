"""Whatever an employer types or sends to the need, match and contact surfaces: never a 5xx."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token, login

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXT = st.text(max_size=80) | st.sampled_from(
    ["0", "-1", "1", "2", "99999999999999999999", "²", "2026-02-30", "svetsare", "1273", "B2", "sv"]
)
FIELDS = [
    "title", "text", "occupation", "municipality_code", "start_date", "action",
    "skill_1", "concept_1", "kind_1", "level_1", "skill_2", "concept_2", "kind_2", "level_2",
    "language_1", "cefr_1",
]  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
SKILL = st.fixed_dictionaries(
    {},
    optional={"text": TEXT, "concept_id": JSON, "must": JSON, "min_level": JSON},
)
VALID = {"title": "Svetsare", "skills": [{"text": "TIG-svetsning", "min_level": 2}]}
NEED = st.fixed_dictionaries(
    {},
    optional={
        "title": TEXT,
        "occupation": TEXT,
        "municipality_code": JSON,
        "start_date": TEXT,
        "text": TEXT,
        "skills": st.lists(SKILL, max_size=3) | JSON,
        "languages": st.lists(
            st.fixed_dictionaries({}, optional={"language": TEXT, "min_cefr": TEXT}), max_size=2
        ),
    },
).map(lambda fuzzed: {**VALID, **fuzzed})


@FUZZ
@given(
    form=st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=6).map(
        lambda fuzzed: {"title": "Svetsare", "skill_1": "TIG-svetsning", **fuzzed}
    ),
    page=TEXT,
    who=TEXT,
)
def test_fuzzed_need_forms_never_fail_with_5xx(
    client: FlaskClient, demo: dict[str, Any], form: dict[str, str], page: str, who: str
) -> None:
    if client.get("/needs").status_code != 200:
        login(client, demo["arbetsgivare"])
    token = csrf_token(client, "/needs/new")
    response = client.post("/needs/new", data={**form, "csrf_token": token})
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code == 302:
        need_url = response.headers["Location"]
        assert client.get(need_url, query_string={"page": page}).status_code < 500
        assert client.get(f"{need_url}/candidates/{who}").status_code < 500
        assert client.get(f"{need_url}/edit").status_code < 500


@FUZZ
@given(body=NEED | JSON, limit=TEXT, who=TEXT, contact=JSON)
def test_fuzzed_need_api_never_fails_with_5xx(
    client: FlaskClient, demo: dict[str, Any], body: Any, limit: str, who: str, contact: Any
) -> None:
    if client.get("/needs").status_code != 200:
        login(client, demo["arbetsgivare"])
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/needs/new")
    response = client.post("/api/v1/needs", json=body)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code != 201:
        assert response.mimetype == "application/problem+json"
        return
    need = f"/api/v1/needs/{response.get_json()['id']}"
    for path, query in (
        (f"{need}/matches", {"limit": limit}),
        (f"{need}/matches/{who}/explanation", {}),
    ):
        got = client.get(path, query_string=query)
        assert got.status_code < 500, got.get_data(as_text=True)[:300]
    got = client.post(f"{need}/matches/{who}/contact", json=contact)
    assert got.status_code < 500, got.get_data(as_text=True)[:300]
