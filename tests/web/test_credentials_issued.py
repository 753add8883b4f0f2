"""An issued credential: OB 3.0 schema, independent JOSE verification, public status and pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from eportfolio import credentials as core
from eportfolio.credentials.models import IssuedCredential
from eportfolio.credentials.status import bits_of_status_list_credential
from eportfolio.validation import services
from eportfolio.validation.states import Action
from tests.conftest import csrf_token, login, post_form, shared_dir
from tests.evidence_samples import multipart
from tests.validation_world import VWorld, build

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def certify(session: Session, w: VWorld, occupation: bool = False) -> IssuedCredential:
    """Drive a case to certification: two skills, one verified."""
    claims = w.claim_ids[:2]
    case = services.create_case(
        session, w.learner, w.council.id, claims, w.occupation_id if occupation else None
    )
    services.transition(session, w.learner, case, Action.SUBMIT)
    services.transition(session, w.assessor, case, Action.TAKE)
    for n, row in enumerate(case.claims):
        verified = occupation or n == 0
        services.assess_claim(
            session,
            w.assessor,
            case,
            row.id,
            {
                "method": "practical_test",
                "decision": "verified" if verified else "not_verified",
                "verified_level": 3,
                "rationale": "Visat i verkstaden",
            },
        )
    services.transition(session, w.assessor, case, Action.CONCLUDE)
    services.transition(session, w.chair, case, Action.CERTIFY)
    return session.query(IssuedCredential).filter_by(case_id=case.id).one()


@pytest.fixture
def w(app: Flask, db_session: Session, create_user: Callable[..., Any], create_org: Any) -> VWorld:
    return build(db_session, create_user, create_org)


@pytest.fixture
def issued(app: Flask, db_session: Session, w: VWorld) -> IssuedCredential:
    # A request context on the test client's host, so ids name the URLs the client fetches.
    with app.test_request_context("/", base_url="https://localhost"):
        return certify(db_session, w)


def ob_validator() -> jsonschema.Draft201909Validator:
    path = shared_dir("data", "openbadges-3.0") / "achievementcredential.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


def download(client: FlaskClient, w: VWorld, issued: IssuedCredential) -> dict[str, Any]:
    login(client, w.learner)
    response = client.get(f"/credentials/{issued.uuid}/credential.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    return json.loads(response.get_data(as_text=True))


def public_jwks(client: FlaskClient, council_id: int) -> dict[str, Any]:
    response = client.get(f"/councils/{council_id}/jwks.json")
    assert response.status_code == 200
    jwks: dict[str, Any] = response.get_json()
    assert all("d" not in key for key in jwks["keys"])  # never a private half
    return jwks


def independent_decode(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWKSet.from_dict(jwks)[kid]
    return jwt.decode(token, key.key, algorithms=["EdDSA"], options={"require": ["iss", "jti"]})


def flip(char: str) -> str:
    # XOR 32 changes the top bit of the 6-bit group: always a data bit, even in the last char.
    return ALPHABET[ALPHABET.index(char) ^ 32] if char in ALPHABET else "A"


@pytest.mark.shared_data
def test_the_issued_credential_is_valid_ob3_and_verifies_with_pyjwt(
    client: FlaskClient, w: VWorld, issued: IssuedCredential
) -> None:
    document = download(client, w, issued)
    errors = [e.message for e in ob_validator().iter_errors(document["credential"])]
    assert errors == []
    assert document["credential"]["issuer"]["id"] == f"https://localhost/councils/{w.council.id}"
    assert document["credential"]["credentialSubject"]["id"].startswith("urn:uuid:")
    assert w.learner.email not in json.dumps(document) and w.learner.display_name not in json.dumps(
        document
    )
    jwks = public_jwks(client, w.council.id)
    payload = independent_decode(document["jwt"], jwks)
    assert payload["id"] == f"https://localhost/verify/{issued.uuid}"
    assert [r["value"] for r in payload["credentialSubject"]["result"]] == ["3"]


def test_changing_any_character_makes_verification_fail(
    client: FlaskClient, w: VWorld, issued: IssuedCredential
) -> None:
    token = issued.token or ""
    jwks = public_jwks(client, w.council.id)
    independent_decode(token, jwks)
    for position, char in enumerate(token):
        if char == ".":
            continue
        tampered = token[:position] + flip(char) + token[position + 1 :]
        # A changed header can lose its kid: no key is then found, which is a failure too.
        with pytest.raises((jwt.InvalidTokenError, KeyError)):
            independent_decode(tampered, jwks)
    # Our public API says so too, for a change in the payload and one in the signature.
    for position in (token.index(".") + 10, len(token) - 3):
        tampered = token[:position] + flip(token[position]) + token[position + 1 :]
        answer = client.post("/api/v1/verify", json={"credential": tampered}).get_json()
        assert answer["state"] in {"signature_invalid", "malformed"}


def status_bit(client: FlaskClient, w: VWorld, issued: IssuedCredential) -> bool:
    """Fetch the status list through its public URL, check its signature, read the bit."""
    response = client.get(f"/councils/{w.council.id}/status/{issued.status_list_id}")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    payload = independent_decode(response.get_data(as_text=True), public_jwks(client, w.council.id))
    return core.is_revoked(bits_of_status_list_credential(payload), issued.status_index)


def test_revocation_shows_at_once_in_the_public_status_list_and_pages(
    client: FlaskClient, w: VWorld, issued: IssuedCredential
) -> None:
    assert status_bit(client, w, issued) is False
    page = client.get(f"/verify/{issued.uuid}").get_data(as_text=True)
    assert 'data-state="valid"' in page and "MIG-svetsning" in page
    login(client, w.chair)
    response = post_form(
        client,
        f"/credentials/{issued.uuid}/revoke",
        {"reason": "Felaktigt utfärdat"},
        token_from=f"/validation/cases/{issued.case_id}",
    )
    assert response.status_code == 302
    assert status_bit(client, w, issued) is True
    assert 'data-state="revoked"' in client.get(f"/verify/{issued.uuid}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    answer = client.post("/api/v1/verify", json={"credential": issued.token}).get_json()
    assert answer["state"] == "revoked"


def test_only_the_chair_revokes_and_must_say_why(
    client: FlaskClient, w: VWorld, issued: IssuedCredential
) -> None:
    login(client, w.assessor)
    response = client.post(
        f"/api/v1/credentials/{issued.uuid}/revoke",
        json={"reason": "x"},
        headers={"X-CSRFToken": csrf_token(client, "/account")},
    )
    assert response.status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(client, w.chair)
    headers = {"X-CSRFToken": csrf_token(client, "/account")}
    bad = client.post(f"/api/v1/credentials/{issued.uuid}/revoke", json={}, headers=headers)
    assert bad.status_code == 422
    assert status_bit(client, w, issued) is False


def test_the_verify_page_tells_each_state(
    app: Flask, client: FlaskClient, w: VWorld, issued: IssuedCredential, tmp_path: Any
) -> None:
    def state_of(text: str) -> str:
        page = post_form(client, "/verify", {"credential": text}).get_data(as_text=True)
        return page.split('data-state="')[1].split('"')[0]

    assert state_of(issued.token or "") == "valid"
    document = download(client, w, issued)
    assert state_of(json.dumps(document)) == "valid"  # the JSON download works as well
    token = issued.token or ""
    assert state_of(token[:-5] + flip(token[-5]) + token[-4:]) == "signature_invalid"
    # Signed by a key nobody publishes, for an issuer we do not know.
    foreign = core.CredentialInput(
        council_id="99",
        council_name="Okänt råd",
        base_url="https://elsewhere.example",
        credential_uuid="6f1c2a52-7d0e-4c55-9a53-0d7f4e3c2b11",
        subject_pseudonym="2b1f0c9e-3a7d-4e21-8c55-9d0e1f2a3b4c",
        kind="kompetensintyg",
        title="Falskt",
        skills=[("v:mig", "MIG", "ESCO", 4, "interview")],
        issued_at=datetime.now(UTC),
        status_index=1,
    )
    key = core.generate_key(tmp_path / "keys", "99")
    assert state_of(core.sign_credential(core.build_credential(foreign), key)) == "unknown_issuer"
    # Our council's own key, but a credential whose validity has ended.
    with app.test_request_context("/", base_url="https://localhost"):
        expired = core.CredentialInput(
            **{
                **foreign.__dict__,
                "council_id": str(w.council.id),
                "base_url": "https://localhost",
                "issued_at": datetime.now(UTC) - timedelta(days=400),
                "valid_until": datetime.now(UTC) - timedelta(days=30),
                "status_index": (issued.status_index + 1) % 131072,
            }
        )
        own = core.active_key(app.config["KEY_DIR"], w.council.id)
    assert state_of(core.sign_credential(core.build_credential(expired), own)) == "expired"
    assert client.get("/verify/00000000-0000-4000-8000-000000000000").status_code == 404
    assert post_form(client, "/verify", {"credential": ""}).status_code == 422


def test_a_file_too_large_to_verify_is_called_too_large(client: FlaskClient) -> None:
    """Not "paste a credential or choose a file": the person did choose one."""
    token = csrf_token(client, "/verify")
    big = b"{" + b" " * 1_000_000 + b"}"
    page = client.post("/verify", **multipart({"csrf_token": token}, big, "intyg.json"))
    assert page.status_code == 422
    assert "Filen är större än 1 MB." in page.text and 'href="#file"' in page.text
    assert "Klistra in ett intyg eller välj en fil." not in page.text
    pasted = post_form(client, "/verify", {"credential": "x" * 1_000_001})
    assert pasted.status_code == 422 and "Texten är större än 1 MB." in pasted.text


def test_the_api_says_a_credential_is_too_large_as_the_page_does(client: FlaskClient) -> None:
    """Not 422 "longer than maximum length": 413 and what to check, documented as such."""
    big = "x" * 1_000_001
    answer = client.post("/api/v1/verify", json={"credential": big})
    assert answer.status_code == 413 and answer.mimetype == "application/problem+json"
    detail = answer.get_json()["detail"]
    assert detail.startswith("Intyget är större än 1 MB. Ett intyg är mycket mindre")
    assert answer.get_json()["errors"] == {"credential": [detail]}
    client.get("/lang/en")
    english = client.post("/api/v1/verify", json={"credential": big}).get_json()["detail"]
    assert english.startswith("The credential is larger than 1 MB.")
    assert client.post("/api/v1/verify", json={"credential": big[:-1]}).status_code == 200
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/verify"]["post"]
    assert "1,000,000 characters is answered with 413" in operation["description"]
    name = operation["responses"]["413"]["$ref"].rsplit("/", 1)[-1]
    too_large = spec["components"]["responses"][name]
    assert list(too_large["content"]) == ["application/problem+json"]


def test_holder_downloads_jwt_and_printable_certificate_with_qr(
    client: FlaskClient, w: VWorld, issued: IssuedCredential, db_session: Session
) -> None:
    login(client, w.learner)
    jwt_response = client.get(f"/credentials/{issued.uuid}/credential.jwt")
    assert jwt_response.get_data(as_text=True) == issued.token
    page = client.get(f"/credentials/{issued.uuid}/certificate").get_data(as_text=True)
    assert "<svg" in page and f"/verify/{issued.uuid}" in page
    assert "revoked-banner" not in page
    issued.revoked_at = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    db_session.merge(issued)
    db_session.flush()
    revoked = client.get(f"/credentials/{issued.uuid}/certificate").get_data(as_text=True)
    assert 'class="revoked-banner"' in revoked and "Återkallat den 2026-12-01." in revoked
    issued.revoked_at = None
    db_session.merge(issued)
    db_session.flush()
    listed = client.get("/api/v1/credentials").get_json()
    assert [c["uuid"] for c in listed] == [issued.uuid]


def test_a_whole_occupation_gives_a_yrkesbevis(app: Flask, db_session: Session, w: VWorld) -> None:
    with app.test_request_context("/", base_url="https://localhost"):
        issued = certify(db_session, w, occupation=True)
    assert issued.kind == "yrkesbevis"
    _, payload = (
        jwt.get_unverified_header(issued.token or ""),
        jwt.decode(issued.token or "", options={"verify_signature": False}),
    )
    assert payload["credentialSubject"]["achievement"]["achievementType"] == "Certificate"


def test_issuer_profile_names_its_keys(
    client: FlaskClient, w: VWorld, issued: IssuedCredential
) -> None:
    profile = client.get(f"/councils/{w.council.id}").get_json()
    assert profile["id"] == f"https://localhost/councils/{w.council.id}"
    assert profile["verificationMethod"] and profile["name"] == w.council.name


def test_a_revocation_without_a_good_reason_is_a_form_error_that_keeps_the_text(
    client: FlaskClient, w: VWorld, issued: IssuedCredential
) -> None:
    login(client, w.chair)
    case_page = f"/validation/cases/{issued.case_id}"
    field = f"revoke-reason-{issued.id}"

    def revoke(reason: str) -> tuple[int, str]:
        response = post_form(
            client, f"/credentials/{issued.uuid}/revoke", {"reason": reason}, token_from=case_page
        )
        return response.status_code, response.get_data(as_text=True)

    status, page = revoke("   ")
    assert status == 422
    assert f'id="{field}-error"' in page and "Skriv varför intyget återkallas." in page
    assert f'href="#{field}"' in page  # the error summary leads to the field
    too_long = "Utfärdat på fel underlag. " * 80  # over 2,000 characters
    status, page = revoke(too_long)
    assert status == 422
    assert "Skriv högst 2 000 tecken." in page
    assert "Skriv varför intyget återkallas." not in page
    assert f">{too_long}</textarea>" in page  # what the chair typed is still there
    assert status_bit(client, w, issued) is False


def test_the_holder_sees_why_and_verifiers_see_when_it_was_revoked(
    client: FlaskClient, w: VWorld, issued: IssuedCredential
) -> None:
    login(client, w.chair)
    response = post_form(
        client,
        f"/credentials/{issued.uuid}/revoke",
        {"reason": "Provbiten var inte sökandens egen"},
        token_from=f"/validation/cases/{issued.case_id}",
    )
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    login(client, w.learner)
    page = client.get(f"/validation/cases/{issued.case_id}").get_data(as_text=True)
    assert "Provbiten var inte sökandens egen" in page and today in page
    listed = client.get("/api/v1/credentials").get_json()
    assert listed[0]["revoked_reason"] == "Provbiten var inte sökandens egen"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    for page in (
        client.get(f"/verify/{issued.uuid}").get_data(as_text=True),
        post_form(client, "/verify", {"credential": issued.token}).get_data(as_text=True),
    ):
        assert 'data-state="revoked"' in page
        assert f"<dt>Återkallad</dt><dd>{today}</dd>" in page
        assert "Provbiten" not in page  # the reason is for the holder, not the public
    answer = client.post("/api/v1/verify", json={"credential": issued.token}).get_json()
    assert answer["state"] == "revoked" and answer["revoked_at"].startswith(today)


def test_a_download_whose_readable_part_was_edited_is_not_genuine(
    client: FlaskClient, w: VWorld, issued: IssuedCredential
) -> None:
    document = download(client, w, issued)

    def verdicts(edit: Callable[[dict[str, Any]], None]) -> tuple[str, str]:
        changed = json.loads(json.dumps(document))
        edit(changed)
        text = json.dumps(changed, ensure_ascii=False)
        page = post_form(client, "/verify", {"credential": text}).get_data(as_text=True)
        answer = client.post("/api/v1/verify", json={"credential": text}).get_json()
        return page.split('data-state="')[1].split('"')[0], answer["state"]

    assert verdicts(lambda d: None) == ("valid", "valid")

    def rename(d: dict[str, Any]) -> None:
        d["credential"]["name"] = "Yrkesbevis: svetsare"

    def raise_level(d: dict[str, Any]) -> None:
        d["credential"]["credentialSubject"]["result"][0]["value"] = "4"

    def move_link(d: dict[str, Any]) -> None:
        d["verify"] = "https://elsewhere.example/verify/x"

    for edit in (rename, raise_level, move_link):
        assert verdicts(edit) == ("altered", "altered"), edit.__name__
    # The page shows what was really signed, not the edited text.
    changed = json.loads(json.dumps(document))
    rename(changed)
    page = post_form(client, "/verify", {"credential": json.dumps(changed)}).get_data(as_text=True)
    assert "Yrkesbevis: svetsare" not in page and "notice-error" in page


def test_one_skill_is_one_kompetens_and_english_readers_read_english(
    client: FlaskClient, w: VWorld, issued: IssuedCredential
) -> None:
    """The signed description counts in Swedish grammar; levels and methods around it follow
    the reader's language, while what was signed stays as signed."""
    login(client, w.learner)
    swedish = client.get(f"/credentials/{issued.uuid}/certificate").text
    assert "för 1 validerad kompetens." in swedish and "1 validerade kompetenser" not in swedish
    assert "3 (mycket god)" in swedish and "Praktiskt prov" in swedish
    client.get("/lang/en")
    english = client.get(f"/credentials/{issued.uuid}/certificate").text
    assert "3 (very good)" in english and "Practical test" in english
    assert "mycket god" not in english and "praktiskt prov" not in english
    assert "för 1 validerad kompetens." in english  # the signed description, unchanged
    # ... and marked as Swedish, so a screen reader reads it as Swedish on the English page,
    # while the QR code is named in the reader's language.
    assert '<p lang="sv">Kompetensintyg utfärdat av' in english
    assert 'aria-label="QR code to check the certificate"' in english
    assert 'aria-label="QR-kod för att kontrollera intyget"' in swedish
    verify = client.get(f"/verify/{issued.uuid}").text
    assert "level 3 (very good)" in verify and "mycket god" not in verify
    assert '<span lang="sv">' in verify  # the signed skill names
