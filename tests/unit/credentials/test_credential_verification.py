"""verify_credential: each state the public verification page can show."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from credential_data import (
    BASE_URL,
    ISSUED_AT,
    STATUS_URL,
    clear_status_lists,
    issue,
    jwks_lookup_for,
    make_input,
)

from eportfolio.credentials import (
    build_credential,
    ensure_active_key,
    generate_key,
    set_revoked,
    sign_credential,
    summarise,
    verify_credential,
)
from eportfolio.credentials.sign import VerificationResult

NOW = ISSUED_AT + timedelta(hours=1)


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def check(
    token: str, key_dir: Path, lists: dict[str, bytes] | None = None, now: datetime = NOW
) -> VerificationResult:
    lists = clear_status_lists() if lists is None else lists
    return verify_credential(token, jwks_lookup_for(key_dir), lists.get, now)


def _encode(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def test_valid_credential_returns_what_it_certifies(key_dir: Path) -> None:
    data = make_input()
    token = sign_credential(build_credential(data), ensure_active_key(key_dir, "7"))
    result = check(token, key_dir)
    assert result.state == "valid" and result.is_valid
    # The JWT claims are stripped again: what comes back is the credential as built.
    assert result.credential == build_credential(data)
    assert result.issuer_id == f"{BASE_URL}/councils/7"
    assert result.kid == ensure_active_key(key_dir, "7").kid
    summary = summarise(result.credential)
    assert summary.council_name == "Valideringsrådet Industri Skåne Nordost"
    assert summary.kind == "kompetensintyg"
    assert [(s.label, s.level, s.level_name, s.method) for s in summary.skills] == [
        ("svetsa med TIG-metoden", 3, "mycket god", "praktiskt prov"),
        ("läsa ritningar", 2, "god", "intervju"),
        ("truckkort A", 4, "expert", "dokumentgranskning"),
    ]


def test_revoked_then_reinstated(key_dir: Path) -> None:
    token = issue(key_dir, status_index=4711)
    lists = clear_status_lists()
    lists[STATUS_URL] = set_revoked(lists[STATUS_URL], 4711)
    revoked = check(token, key_dir, lists)
    assert revoked.state == "revoked" and not revoked.is_valid
    # The page still says what was certified, so a reader knows what has been withdrawn.
    assert revoked.credential is not None
    lists[STATUS_URL] = set_revoked(lists[STATUS_URL], 4711, revoked=False)
    assert check(token, key_dir, lists).state == "valid"


def test_revoking_a_neighbour_leaves_the_credential_valid(key_dir: Path) -> None:
    token = issue(key_dir, status_index=4711)
    lists = clear_status_lists()
    for index in (4710, 4712):
        lists[STATUS_URL] = set_revoked(lists[STATUS_URL], index)
    assert check(token, key_dir, lists).state == "valid"


def test_unknown_issuer(key_dir: Path) -> None:
    token = issue(key_dir, base_url="https://elsewhere.test")
    result = check(token, key_dir)
    assert result.state == "unknown_issuer" and result.credential is None


def test_issuer_without_keys_is_unknown(key_dir: Path, tmp_path: Path) -> None:
    token = issue(tmp_path / "other-keys", council_id="9")
    assert check(token, key_dir).state == "unknown_issuer"


def test_another_councils_key_is_a_bad_signature(key_dir: Path) -> None:
    generate_key(key_dir, "7")
    # Council 8 signs a credential that claims to come from council 7.
    credential = build_credential(make_input())
    forged = sign_credential(credential, ensure_active_key(key_dir, "8"))
    result = check(forged, key_dir)
    assert result.state == "signature_invalid" and result.credential is None


def test_expired_and_not_yet_valid(key_dir: Path) -> None:
    token = issue(key_dir, valid_until=ISSUED_AT + timedelta(days=365))
    assert check(token, key_dir, now=ISSUED_AT + timedelta(days=364)).state == "valid"
    assert check(token, key_dir, now=ISSUED_AT + timedelta(days=365)).state == "expired"
    assert check(token, key_dir, now=ISSUED_AT - timedelta(days=1)).state == "not_yet_valid"


def test_revocation_is_reported_before_expiry(key_dir: Path) -> None:
    token = issue(key_dir, valid_until=ISSUED_AT + timedelta(days=1))
    lists = clear_status_lists()
    lists[STATUS_URL] = set_revoked(lists[STATUS_URL], 4711)
    assert check(token, key_dir, lists, now=ISSUED_AT + timedelta(days=2)).state == "revoked"


def test_missing_status_list_is_not_reported_as_valid(key_dir: Path) -> None:
    token = issue(key_dir, status_list_id="2")
    assert check(token, key_dir).state == "status_unavailable"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a token",
        "a.b",
        "a.b.c.d",
        "e30.e30.e30",
        "!!!.???.***",
        "x" * 300_000,
    ],
)
def test_malformed_strings(key_dir: Path, token: str) -> None:
    generate_key(key_dir, "7")
    assert check(token, key_dir).state == "malformed"


def test_deeply_nested_json_is_malformed_not_a_crash(key_dir: Path) -> None:
    header = _encode({"alg": "EdDSA", "typ": "vc+jwt", "kid": "k"})
    body = base64.urlsafe_b64encode(b"[" * 200_000).rstrip(b"=").decode()
    signature = base64.urlsafe_b64encode(bytes(64)).rstrip(b"=").decode()
    assert check(f"{header}.{body}.{signature}", key_dir).state == "malformed"


def test_non_string_is_malformed(key_dir: Path) -> None:
    assert check(b"a.b.c", key_dir).state == "malformed"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none", "typ": "vc+jwt", "kid": "k"},
        {"alg": "HS256", "typ": "vc+jwt", "kid": "k"},
        {"alg": "EdDSA", "typ": "JWT", "kid": "k"},
        {"alg": "EdDSA", "typ": "vc+jwt"},
    ],
    ids=["alg-none", "alg-hs256", "wrong-typ", "no-kid"],
)
def test_unacceptable_headers_are_malformed(key_dir: Path, header: dict[str, Any]) -> None:
    _, body, signature = issue(key_dir).split(".")
    assert check(f"{_encode(header)}.{body}.{signature}", key_dir).state == "malformed"


def test_alg_none_with_empty_signature_is_malformed(key_dir: Path) -> None:
    _, body, _ = issue(key_dir).split(".")
    header = _encode({"alg": "none", "typ": "vc+jwt", "kid": "k"})
    assert check(f"{header}.{body}.", key_dir).state == "malformed"


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.update({"type": ["VerifiableCredential"]}),
        lambda c: c.update({"@context": ["https://www.w3.org/2018/credentials/v1"]}),
        lambda c: c["credentialStatus"].update({"statusListCredential": "https://evil.test/s/1"}),
        lambda c: c["credentialStatus"].update({"statusListIndex": 4711}),
        lambda c: c["credentialStatus"].update({"statusPurpose": "suspension"}),
        lambda c: c.pop("credentialStatus"),
        lambda c: c["credentialSubject"].pop("achievement"),
    ],
    ids=[
        "not-openbadge",
        "vc1-context",
        "foreign-status-list",
        "int-index",
        "suspension",
        "no-status",
        "no-achievement",
    ],
)
def test_signed_but_ill_formed_credentials_are_malformed(key_dir: Path, change: Any) -> None:
    # Even the council's own key cannot make a credential the page would misread.
    credential = build_credential(make_input())
    change(credential)
    token = sign_credential(credential, ensure_active_key(key_dir, "7"))
    assert check(token, key_dir).state == "malformed"


def test_index_beyond_the_list_is_malformed(key_dir: Path) -> None:
    token = issue(key_dir, status_index=131_072)
    assert check(token, key_dir).state == "malformed"


def test_naive_now_is_a_programming_error(key_dir: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check(issue(key_dir), key_dir, now=datetime.now(UTC).replace(tzinfo=None))


def _sign_raw(payload: dict[str, Any], key_dir: Path) -> str:
    # PyJWT signs here, so the payload can say what sign_credential would refuse to write.
    key = ensure_active_key(key_dir, "7")
    headers = {"kid": key.kid, "typ": "vc+jwt"}
    return jwt.encode(payload, key.key.as_pem(private=True), algorithm="EdDSA", headers=headers)


@pytest.mark.parametrize(
    "claims",
    [
        {"validFrom": "yesterday"},
        {"validFrom": "2026-01-01T00:00:00"},
        {"nbf": 0},
        {"exp": 2_000_000_000},
        {"jti": "https://meritportfolj.test/verify/other"},
        {"iss": "https://meritportfolj.test/councils/8"},
    ],
    ids=["bad-time", "naive-time", "nbf-differs", "exp-without-validUntil", "jti-differs", "iss"],
)
def test_claims_that_contradict_the_credential_are_malformed(
    key_dir: Path, claims: dict[str, Any]
) -> None:
    credential = build_credential(make_input())
    payload = {"iss": credential["issuer"]["id"], "jti": credential["id"], **credential, **claims}
    assert check(_sign_raw(payload, key_dir), key_dir).state == "malformed"


def test_a_minimal_foreign_signed_credential_verifies(key_dir: Path) -> None:
    # A credential signed by another JOSE library, without the optional JWT claims, is read.
    credential = build_credential(make_input())
    assert check(_sign_raw(credential, key_dir), key_dir).state == "valid"
