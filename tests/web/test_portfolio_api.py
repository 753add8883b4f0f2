"""The portfolio API mirrors the forms, with the same validation and the same policies."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, login


@pytest.fixture
def api(client: FlaskClient, create_user: Any, db_session: Session) -> tuple[FlaskClient, dict]:
    from eportfolio.demo.cli import load_seed_taxonomy

    load_seed_taxonomy(db_session)
    login(client, create_user("learner"))
    return client, {"X-CSRFToken": csrf_token(client, "/account")}


def test_sections_round_trip_through_the_api(api: tuple[FlaskClient, dict]) -> None:
    client, headers = api
    experience = client.post(
        "/api/v1/me/portfolio/experiences",
        headers=headers,
        json={
            "employer_name": "Kristianstads kommun",
            "occupation_text": "undersköterska",
            "start": "2019-03",
            "end": "2023-06",
        },
    )
    assert experience.status_code == 201 and experience.json["start"] == "2019-03"
    claim = client.post(
        "/api/v1/me/portfolio/claims",
        headers=headers,
        json={"text": "demensvård", "level": 3, "experience_ids": [experience.json["id"]]},
    )
    assert claim.status_code == 201, claim.json
    assert claim.json["status"] == "self_declared" and claim.json["concept_uri"].startswith("seed:")
    assert claim.json["experience_ids"] == [experience.json["id"]]
    language = client.post(
        "/api/v1/me/portfolio/languages",
        headers=headers,
        json={"language": "so", "mother_tongue": True},
    )
    assert language.status_code == 201
    profile = client.put(
        "/api/v1/me/portfolio",
        headers=headers,
        json={
            "headline": "Undersköterska",
            "municipality_code": "1290",
            "target_occupations": ["undersköterska"],
        },
    )
    assert profile.status_code == 200 and profile.json["target_occupations"]
    whole = client.get("/api/v1/me/portfolio").json
    assert len(whole["claims"]) == 1 and whole["pseudonym"].startswith("K-")
    changed = client.put(
        f"/api/v1/me/portfolio/claims/{claim.json['id']}", headers=headers, json={"level": 4}
    )
    assert changed.status_code == 200 and changed.json["level"] == 4
    assert (
        client.delete(
            f"/api/v1/me/portfolio/claims/{claim.json['id']}", headers=headers
        ).status_code
        == 204
    )
    assert client.get("/api/v1/me/portfolio/claims").json == []


def test_invalid_bodies_are_problem_json_with_field_errors(api: tuple[FlaskClient, dict]) -> None:
    client, headers = api
    bad = client.post(
        "/api/v1/me/portfolio/experiences",
        headers=headers,
        json={"employer_name": "", "occupation_text": "x", "start": "mars 2020"},
    )
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert {"employer_name", "start"} <= set(bad.json["errors"])
    level = client.post(
        "/api/v1/me/portfolio/claims", headers=headers, json={"text": "truckkort", "level": 9}
    )
    assert level.status_code == 422 and "level" in level.json["errors"]
    assert client.get("/api/v1/me/portfolio/claims/999999").status_code == 404


def test_other_roles_cannot_use_the_portfolio_api(client: FlaskClient, create_user: Any) -> None:
    login(client, create_user("employer"))
    assert client.get("/api/v1/me/portfolio").status_code == 403
    anonymous = FlaskClient(client.application)
    assert anonymous.get("/api/v1/me/portfolio").status_code == 401


def test_another_learner_cannot_change_an_entry_with_a_valid_body(
    api: tuple[FlaskClient, dict], create_user: Any
) -> None:
    client, headers = api
    claim = client.post(
        "/api/v1/me/portfolio/claims", headers=headers, json={"text": "truckkort", "level": 2}
    ).json
    other = FlaskClient(client.application, use_cookies=True)
    login(other, create_user("learner"))
    other_headers = {"X-CSRFToken": csrf_token(other, "/account")}
    response = other.put(
        f"/api/v1/me/portfolio/claims/{claim['id']}", headers=other_headers, json={"level": 4}
    )
    assert response.status_code == 404
    assert client.get(f"/api/v1/me/portfolio/claims/{claim['id']}").json["level"] == 2


def test_an_entry_numbered_zero_is_not_found_and_nothing_is_added(
    api: tuple[FlaskClient, dict], db_session: Session
) -> None:
    """Id 0 names no entry: a PUT to it must not create one (it once made a new claim)."""
    from eportfolio.portfolios.models import SkillClaim

    client, headers = api
    bodies = {
        "claims": {"text": "Tolka svetssymboler", "level": 2},
        "experiences": {
            "employer_name": "A",
            "occupation_text": "svetsare",
            "start": "2020-01",
            "ongoing": True,
        },
        "languages": {"language": "sv", "mother_tongue": True},
    }
    for section, body in bodies.items():
        response = client.put(f"/api/v1/me/portfolio/{section}/0", headers=headers, json=body)
        assert response.status_code == 404, (section, response.get_data(as_text=True)[:200])
    assert db_session.query(SkillClaim).count() == 0
