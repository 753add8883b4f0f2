"""Open Badges 3.0 credentials: schema, contents, and no personal data."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import jsonschema
import pytest
from credential_data import BASE_URL, ISSUED_AT, LEARNER_EMAIL, LEARNER_NAME, make_input

from eportfolio.credentials import build_credential
from tests.conftest import shared_dir


@pytest.fixture(scope="module")
def ob_validator() -> jsonschema.Draft201909Validator:
    path = shared_dir("data", "openbadges-3.0") / "achievementcredential.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


def _errors(validator: jsonschema.Draft201909Validator, credential: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential)]


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"valid_until": ISSUED_AT + timedelta(days=3 * 365)},
        {
            "kind": "yrkesbevis",
            "title": "Yrkesbevis: svetsare",
            "occupation_label": "svetsare",
            "occupation_uri": "http://data.europa.eu/esco/occupation/0000-svetsare",
        },
    ],
    ids=["kompetensintyg", "with-validUntil", "yrkesbevis"],
)
def test_credential_validates_against_the_ob3_schema(
    ob_validator: jsonschema.Draft201909Validator, fields: dict[str, Any]
) -> None:
    assert _errors(ob_validator, build_credential(make_input(**fields))) == []


@pytest.mark.shared_data
def test_the_schema_check_is_not_vacuous(ob_validator: jsonschema.Draft201909Validator) -> None:
    credential = build_credential(make_input())
    del credential["credentialSubject"]["achievement"]["criteria"]
    credential["type"] = ["VerifiableCredential"]
    assert len(_errors(ob_validator, credential)) == 2


@pytest.mark.shared_data
def test_contexts_are_the_ones_the_ob3_context_file_names() -> None:
    context_file = shared_dir("data", "openbadges-3.0") / "context-3.0.3.json"
    context = json.loads(context_file.read_text(encoding="utf-8"))["@context"]
    credential = build_credential(make_input())
    assert credential["@context"][1].endswith("context-3.0.3.json")
    # Every OB term the credential uses is defined by the published context.
    for term in ("Achievement", "AchievementSubject", "Alignment", "Result", "Evidence"):
        assert term in context


def test_credential_shape() -> None:
    data = make_input()
    credential = build_credential(data)
    url = f"{BASE_URL}/verify/{data.credential_uuid}"
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == url
    assert credential["issuer"] == {
        "id": f"{BASE_URL}/councils/7",
        "type": ["Profile"],
        "name": "Valideringsrådet Industri Skåne Nordost",
    }
    assert credential["validFrom"] == ISSUED_AT.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "validUntil" not in credential
    assert credential["credentialStatus"] == {
        "id": f"{BASE_URL}/councils/7/status/1#4711",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "4711",
        "statusListCredential": f"{BASE_URL}/councils/7/status/1",
    }
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Competency"
    assert achievement["criteria"]["narrative"]
    assert achievement["name"] == credential["name"] == data.title


def test_each_skill_is_a_result_with_level_and_alignment() -> None:
    credential = build_credential(make_input())
    subject = credential["credentialSubject"]
    rubrics = {rd["id"]: rd for rd in subject["achievement"]["resultDescription"]}
    reached = []
    for result in subject["result"]:
        (alignment,) = result["alignment"]
        levels = {
            lv["id"]: lv for lv in rubrics[result["resultDescription"]]["rubricCriterionLevel"]
        }
        level = levels[result["achievedLevel"]]
        reached.append(
            (alignment["targetFramework"], alignment["targetName"], level["level"], level["name"])
        )
        assert [lv["name"] for lv in levels.values()] == ["grund", "god", "mycket god", "expert"]
    assert reached == [
        ("ESCO", "svetsa med TIG-metoden", "3", "mycket god"),
        ("JobTech", "läsa ritningar", "2", "god"),
        ("Meritportfölj", "truckkort A", "4", "expert"),
    ]
    urls = [r["alignment"][0]["targetUrl"] for r in subject["result"]]
    assert urls[0] == "http://data.europa.eu/esco/skill/b5f4c3a1-0000-4000-8000-000000000001"
    assert [e["genre"] for e in credential["evidence"]] == [
        "praktiskt prov",
        "intervju",
        "dokumentgranskning",
    ]


def test_yrkesbevis_is_a_certificate_aligned_to_its_occupation() -> None:
    credential = build_credential(
        make_input(
            kind="yrkesbevis",
            occupation_label="svetsare",
            occupation_uri="http://data.europa.eu/esco/occupation/0000-svetsare",
        )
    )
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["alignment"][0]["targetName"] == "svetsare"
    assert "svetsare" in achievement["description"]


def test_subject_is_a_pseudonym_and_the_credential_holds_no_personal_data() -> None:
    pseudonym = uuid.uuid4()
    credential = build_credential(make_input(subject_pseudonym=pseudonym))
    text = json.dumps(credential, ensure_ascii=False)
    assert credential["credentialSubject"]["id"] == f"urn:uuid:{pseudonym}"
    assert "@" not in text.replace('"@context"', "")
    assert LEARNER_NAME not in text and "Lindqvist" not in text


@pytest.mark.parametrize(
    "pseudonym", [LEARNER_EMAIL, "19900101-1234", LEARNER_NAME, "mailto:" + LEARNER_EMAIL]
)
def test_personal_data_cannot_be_used_as_the_subject(pseudonym: str) -> None:
    with pytest.raises(ValueError):
        build_credential(make_input(subject_pseudonym=pseudonym))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"skills": ()}, "at least one skill"),
        ({"skills": [("http://x/s", "s", "ESCO", 5, "interview")]}, "not 1–4"),
        ({"skills": [("http://x/s", "s", "ESCO", 2, "guess")]}, "assessment method"),
        ({"skills": [("no-uri", "s", "ESCO", 2, "interview")]}, "concept URI"),
        ({"kind": "yrkesbevis"}, "occupation"),
        ({"kind": "diplom"}, "unknown credential kind"),
        ({"status_index": -1}, "status index"),
        ({"valid_until": ISSUED_AT}, "validUntil"),
        ({"issued_at": ISSUED_AT.replace(tzinfo=None)}, "timezone-aware"),
        ({"status_list_id": "../x"}, "status list id"),
    ],
)
def test_invalid_inputs_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_credential(make_input(**fields))
