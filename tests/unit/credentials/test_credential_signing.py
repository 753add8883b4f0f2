"""VC-JWT signing, checked by an independent JOSE library (PyJWT) and by our verifier."""

from __future__ import annotations

import base64
import json
import string
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from credential_data import BASE_URL, SKILLS, clear_status_lists, issue, jwks_lookup_for, make_input

from eportfolio.credentials import (
    active_key,
    build_credential,
    ensure_active_key,
    public_jwks,
    rotate_key,
    sign_credential,
    verify_credential,
)
from eportfolio.credentials.keys import council_keys

ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
ISSUER = f"{BASE_URL}/councils/7"


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def independent_decode(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """Verify with PyJWT alone: key picked by kid from the published JWKS."""
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWKSet.from_dict(jwks)[kid]
    return jwt.decode(
        token,
        key.key,
        algorithms=["EdDSA"],
        issuer=ISSUER,
        options={"require": ["iss", "jti", "nbf"]},
    )


def ours(token: str, key_dir: Path) -> str:
    lists = clear_status_lists()
    return verify_credential(token, jwks_lookup_for(key_dir), lists.get, datetime.now(UTC)).state


def test_header_is_vc_jwt_with_eddsa_and_the_signing_kid(key_dir: Path) -> None:
    token = issue(key_dir)
    header = jwt.get_unverified_header(token)
    assert header == {
        "alg": "EdDSA",
        "typ": "vc+jwt",
        "cty": "vc",
        "kid": active_key(key_dir, "7").kid,
    }


def test_independent_library_verifies_with_the_published_jwks(key_dir: Path) -> None:
    data = make_input()
    token = sign_credential(build_credential(data), ensure_active_key(key_dir, "7"))
    payload = independent_decode(token, public_jwks(key_dir, "7"))
    # The payload is the credential itself, with registered claims that mirror it.
    credential = build_credential(data)
    assert {k: payload[k] for k in credential} == credential
    assert payload["iss"] == credential["issuer"]["id"]
    assert payload["jti"] == credential["id"]
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["nbf"] == int(data.issued_at.timestamp())
    assert ours(token, key_dir) == "valid"


def test_independent_library_rejects_another_councils_key(key_dir: Path) -> None:
    token = issue(key_dir)
    issue(key_dir, council_id="8")
    other = public_jwks(key_dir, "8")
    forged_kid = {"keys": [{**other["keys"][0], "kid": active_key(key_dir, "7").kid}]}
    with pytest.raises(jwt.InvalidSignatureError):
        independent_decode(token, forged_kid)


def _flip(char: str) -> str:
    # Flip the top bit of the 6-bit value: every position then changes decoded bytes,
    # including the last character of a segment, whose low bits may be unused padding.
    return ALPHABET[ALPHABET.index(char) ^ 0b100000]


def test_changing_any_character_breaks_verification(key_dir: Path) -> None:
    # One skill keeps the token (and so the number of positions to try) small.
    token = issue(key_dir, skills=SKILLS[:1])
    jwks = public_jwks(key_dir, "7")
    kid = jwt.get_unverified_header(token)["kid"]
    pyjwt_key = jwt.PyJWKSet.from_dict(jwks)[kid].key
    lists = clear_status_lists()
    now = datetime.now(UTC)
    header_end = token.index(".") + 1
    signature_start = token.rindex(".") + 1
    # Our verifier sees every position of the payload and signature segments (and the dot
    # between them); PyJWT, slower at this, every signature position and every 29th elsewhere.
    for position in range(header_end, len(token)):
        char = token[position]
        replacement = "A" if char == "." else _flip(char)
        tampered = token[:position] + replacement + token[position + 1 :]
        state = verify_credential(tampered, lambda _: jwks, lists.get, now).state
        assert state in {"signature_invalid", "malformed"}, (position, state)
        if position >= signature_start - 1 or position % 29 == 0 or position < header_end + 8:
            with pytest.raises(jwt.InvalidTokenError):
                jwt.decode(tampered, pyjwt_key, algorithms=["EdDSA"], issuer=ISSUER)


def test_changing_the_header_breaks_verification(key_dir: Path) -> None:
    token = issue(key_dir)
    header_length = token.index(".")
    for position in range(header_length):
        tampered = token[:position] + _flip(token[position]) + token[position + 1 :]
        assert ours(tampered, key_dir) in {"signature_invalid", "malformed"}, position


def test_every_other_spelling_of_the_last_signature_character_is_refused(key_dir: Path) -> None:
    token = issue(key_dir)
    for char in ALPHABET.replace(token[-1], ""):
        assert ours(token[:-1] + char, key_dir) in {"signature_invalid", "malformed"}, char


def test_a_re_signed_payload_change_needs_the_private_key(key_dir: Path) -> None:
    token = issue(key_dir)
    head, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["credentialSubject"]["result"][0]["value"] = "4"
    forged_body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    assert ours(f"{head}.{forged_body}.{signature}", key_dir) == "signature_invalid"


def test_rotation_keeps_old_credentials_valid_and_signs_new_ones_with_the_new_kid(
    key_dir: Path,
) -> None:
    old_token = issue(key_dir)
    old_kid = active_key(key_dir, "7").kid
    new_kid = rotate_key(key_dir, "7").kid
    new_token = issue(key_dir)
    assert jwt.get_unverified_header(old_token)["kid"] == old_kid
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid != old_kid
    jwks = public_jwks(key_dir, "7")
    for token in (old_token, new_token):
        assert ours(token, key_dir) == "valid"
        independent_decode(token, jwks)


def test_a_key_without_its_private_half_cannot_sign(key_dir: Path) -> None:
    issue(key_dir)
    rotate_key(key_dir, "7")
    retired = council_keys(key_dir, "7")[0]
    with pytest.raises(ValueError, match="cannot sign"):
        sign_credential(build_credential(make_input()), retired)
