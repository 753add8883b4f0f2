"""The issuer document, URL parsing for the app's lookups, and large credentials."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import jwt
import pytest
from credential_data import BASE_URL, clear_status_lists, issue, jwks_lookup_for

from eportfolio.credentials import (
    SkillInput,
    council_of_issuer,
    ensure_active_key,
    issuer_profile,
    parse_status_list_url,
    public_jwks,
    rotate_key,
    status_list_url,
    verify_credential,
)
from tests.conftest import shared_dir


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.mark.shared_data
def test_issuer_profile_is_an_ob3_profile_listing_every_key(key_dir: Path) -> None:
    old = ensure_active_key(key_dir, "7")
    new = rotate_key(key_dir, "7")
    profile = issuer_profile(BASE_URL, "7", "Valideringsrådet Vård", key_dir)
    schema_path = shared_dir("data", "openbadges-3.0") / "profile.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft201909Validator(schema).iter_errors(profile)) == []
    issuer = f"{BASE_URL}/councils/7"
    assert profile["id"] == issuer
    assert profile["assertionMethod"] == [f"{issuer}#key-{new.kid}", f"{issuer}#key-{old.kid}"]
    assert [m["publicKeyJwk"] for m in profile["verificationMethod"]] == public_jwks(key_dir, "7")[
        "keys"
    ]
    assert profile["jwks_uri"] == f"{issuer}/jwks.json"
    assert '"d"' not in json.dumps(profile)


@pytest.mark.parametrize(
    ("issuer", "council"),
    [
        (f"{BASE_URL}/councils/7", "7"),
        (f"{BASE_URL}/councils/skane-nordost_2", "skane-nordost_2"),
        (f"{BASE_URL}/councils/7/status/1", None),
        (f"{BASE_URL}/councils/../keys", None),
        (f"{BASE_URL}/councils/", None),
        ("https://evil.test/councils/7", None),
        (f"{BASE_URL}/other/7", None),
    ],
)
def test_council_of_issuer(issuer: str, council: str | None) -> None:
    assert council_of_issuer(BASE_URL, issuer) == council


def test_status_list_urls_round_trip() -> None:
    assert parse_status_list_url(BASE_URL, status_list_url(BASE_URL, "7", "2026a")) == (
        "7",
        "2026a",
    )
    for url in (
        "https://evil.test/councils/7/status/1",
        f"{BASE_URL}/councils/7/status/",
        f"{BASE_URL}/councils/7/status/1/x",
        f"{BASE_URL}/councils/7",
        f"{BASE_URL}/councils/a/b/status/1",
    ):
        assert parse_status_list_url(BASE_URL, url) is None, url


def test_a_yrkesbevis_with_many_skills_signs_and_verifies(key_dir: Path) -> None:
    # A full occupation profile can list a hundred skills or more.
    skills = [
        SkillInput(
            f"http://data.europa.eu/esco/skill/{n:04d}", f"kompetens {n}", "ESCO", 2, "interview"
        )
        for n in range(150)
    ]
    token = issue(key_dir, kind="yrkesbevis", occupation_label="undersköterska", skills=skills)
    assert len(token) > 200_000
    lists = clear_status_lists()
    state = verify_credential(token, jwks_lookup_for(key_dir), lists.get, datetime.now(UTC))
    assert state.state == "valid"
    key = jwt.PyJWKSet.from_dict(public_jwks(key_dir, "7"))[jwt.get_unverified_header(token)["kid"]]
    assert (
        len(jwt.decode(token, key.key, algorithms=["EdDSA"])["credentialSubject"]["result"]) == 150
    )
