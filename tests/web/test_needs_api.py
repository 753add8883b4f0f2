"""The matching API: needs, ranked pseudonymous matches, explanations, recommendations."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from tests.conftest import csrf_token, login

NEED = {
    "title": "Svetsare",
    "occupation": "svetsare",
    "municipality_code": "1273",
    "skills": [
        {"text": "MIG/MAG-svetsning", "min_level": 2},
        {"text": "TIG-svetsning", "min_level": 2},
        {"text": "B-körkort", "must": False},
    ],
}


def _employer(client: FlaskClient, demo: dict[str, Any]) -> dict[str, str]:
    login(client, demo["arbetsgivare"])
    return {"X-CSRFToken": csrf_token(client, "/account")}


def test_need_matches_and_explanation_that_sums_up(
    client: FlaskClient, demo: dict[str, Any]
) -> None:
    headers = _employer(client, demo)
    need = client.post("/api/v1/needs", json=NEED, headers=headers)
    assert need.status_code == 201, need.json
    matches = client.get(f"/api/v1/needs/{need.json['id']}/matches?limit=5").json
    assert len(matches) == 2 and matches[0]["score"] > matches[1]["score"]
    assert all(set(m) == {"candidate", "score", "municipality_code", "skills"} for m in matches)
    assert {t["evidence"] for t in matches[0]["skills"] if t["status"] != "missing"} == {
        "validated"
    }
    one = client.get(
        f"/api/v1/needs/{need.json['id']}/matches/{matches[0]['candidate']}/explanation"
    ).json
    assert abs(sum(one["contributions"].values()) - one["score"]) < 0.01
    contact = client.post(
        f"/api/v1/needs/{need.json['id']}/matches/{matches[0]['candidate']}/contact",
        json={"message": "Hej"},
        headers=headers,
    )
    assert contact.status_code == 201 and contact.json["state"] == "pending"
    # The employer follows the answer through the API: a name only after a yes.
    url = f"/api/v1/needs/{need.json['id']}/contact-requests"
    (sent,) = client.get(url).json
    assert sent["state"] == "pending" and sent["name"] is None and sent["email"] is None
    learner = FlaskClient(client.application, use_cookies=True)
    login(learner, demo["larande"])
    mine = learner.get("/api/v1/me/contact-requests").json
    answer = learner.post(
        f"/api/v1/me/contact-requests/{mine[0]['id']}",
        json={"answer": "accept"},
        headers={"X-CSRFToken": csrf_token(learner, "/account")},
    )
    assert answer.status_code == 200
    (sent,) = client.get(url).json
    assert sent["state"] == "accepted" and sent["email"] == demo["larande"].email
    # Closed, the need takes no more requests; reopened, it is listed as open again.
    closed = client.post(f"/api/v1/needs/{need.json['id']}/close", headers=headers)
    assert closed.status_code == 200 and closed.json["open"] is False
    again = client.post(
        f"/api/v1/needs/{need.json['id']}/matches/{matches[1]['candidate']}/contact",
        json={},
        headers=headers,
    )
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    reopened = client.post(f"/api/v1/needs/{need.json['id']}/reopen", headers=headers)
    assert reopened.json["open"] is True


def test_bad_needs_and_limits_are_problem_json(client: FlaskClient, demo: dict[str, Any]) -> None:
    headers = _employer(client, demo)
    empty = client.post("/api/v1/needs", json={"title": "x", "skills": []}, headers=headers)
    assert empty.status_code == 422 and "skills" in empty.json["errors"]
    level = client.post(
        "/api/v1/needs", json={**NEED, "skills": [{"text": "TIG", "min_level": 7}]}, headers=headers
    )
    assert level.status_code == 422
    # Messages from the request parser come in the reader's language too, numbers filled in.
    long = client.post(
        "/api/v1/needs", json={**NEED, "occupation": "x" * 201}, headers=headers
    ).json
    assert long["errors"]["occupation"] == ["Skriv högst 200 tecken."]
    # Numbered form rows sent as JSON with a number where words belong: refused, not a 500.
    for row in ({"skill_1": 5}, {"skill_1": "TIG-svetsning", "language_1": 7}):
        odd = client.post("/api/v1/needs", json={"title": "x", **row}, headers=headers)
        assert odd.status_code == 422, odd.get_data(as_text=True)[:200]
        assert odd.mimetype == "application/problem+json" and set(row) & set(odd.json["errors"])
    need = client.post("/api/v1/needs", json=NEED, headers=headers).json
    assert client.get(f"/api/v1/needs/{need['id']}/matches?limit=1000").status_code == 422
    assert client.get(f"/api/v1/needs/{need['id']}/matches/K-NOBODY/explanation").status_code == 404


def test_misspelt_members_are_named_and_nothing_is_saved(
    client: FlaskClient, demo: dict[str, Any]
) -> None:
    headers = _employer(client, demo)
    before = client.get("/api/v1/needs").json
    # "must_have" for "must": ignoring it would save a must-have skill as nice-to-have.
    skill = {"text": "TIG-svetsning", "must_have": True}
    nested = client.post("/api/v1/needs", json={**NEED, "skills": [skill]}, headers=headers)
    assert nested.status_code == 422 and nested.mimetype == "application/problem+json"
    assert nested.json["errors"]["skills"] == [
        "must_have: Det finns inget fält med det namnet; kontrollera stavningen."
    ]
    top = client.post("/api/v1/needs", json={**NEED, "kommun": "1273"}, headers=headers)
    assert top.status_code == 422
    assert top.json["errors"]["kommun"] == [
        "Det finns inget fält med det namnet; kontrollera stavningen."
    ]
    assert client.get("/api/v1/needs").json == before


def test_a_skill_naming_no_one_concept_comes_back_with_suggestions_to_send_back(
    client: FlaskClient, demo: dict[str, Any]
) -> None:
    headers = _employer(client, demo)
    skills = [{"text": "TIG-svetsning"}, {"text": "svetsnig", "must": False}, {"text": "xqzv"}]
    refused = client.post("/api/v1/needs", json={**NEED, "skills": skills}, headers=headers)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    problem = refused.json
    assert set(problem["errors"]) == set(problem["suggestions"]) == {"skill_2", "skill_3"}
    assert problem["suggestions"]["skill_3"] == []  # nothing plausible: no skill found
    assert problem["errors"]["skill_3"] == [
        "Vi hittade ingen kompetens för ”xqzv”. Beskriv den med andra ord."
    ]
    offered = {s["label"]: s for s in problem["suggestions"]["skill_2"]}
    assert "MIG/MAG-svetsning" in offered and "TIG-svetsning" not in offered  # skill 1 names it
    spec = client.get("/api/v1/openapi.json").json
    pointer = "#/components/responses/UNPROCESSABLE_ENTITY/content/application~1problem+json"
    Draft202012Validator({"$ref": f"{pointer}/schema", "components": spec["components"]}).validate(
        problem
    )
    described = spec["components"]["schemas"]["Problem"]["properties"]["suggestions"]
    assert described["additionalProperties"]["items"]["$ref"].endswith("/Suggestion")
    # The suggestion sent back as the skill's concept_id is the skill saved.
    mig = offered["MIG/MAG-svetsning"]
    skills[1:] = [{"text": "svetsnig", "must": False, "concept_id": mig["concept_id"]}]
    saved = client.post("/api/v1/needs", json={**NEED, "skills": skills}, headers=headers)
    assert saved.status_code == 201
    chosen = {"concept": mig["uri"], "text": "svetsnig", "must": False, "min_level": 1}
    assert chosen in saved.json["skills"]


def test_learner_recommendations_and_contact_answers(
    client: FlaskClient, demo: dict[str, Any]
) -> None:
    login(client, demo["larande2"])
    found = client.get("/api/v1/me/recommendations").json
    assert found["occupations"][0]["concept"] == "seed:occ:svetsare"
    assert found["bristyrken"] and found["bristyrken"][0]["gaps"]
    assert client.get("/api/v1/me/contact-requests").json == []
    headers = {"X-CSRFToken": csrf_token(client, "/account")}
    assert (
        client.post(
            "/api/v1/me/contact-requests/999", json={"answer": "accept"}, headers=headers
        ).status_code
        == 404
    )
