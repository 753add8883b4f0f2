"""Bitstring Status List: bit order, encoding, the signed list, and revocation end to end."""

from __future__ import annotations

import base64
import gzip
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from credential_data import BASE_URL, ISSUED_AT, STATUS_URL, issue, jwks_lookup_for

from eportfolio.credentials import (
    build_status_list_credential,
    ensure_active_key,
    is_revoked,
    new_status_list,
    pick_free_index,
    public_jwks,
    set_revoked,
    sign_credential,
    verify_credential,
    verify_status_list,
)
from eportfolio.credentials.status import (
    MIN_BITS,
    StatusListError,
    bits_of_status_list_credential,
    decode_list,
    encode_list,
)


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def test_a_new_list_is_16_kib_of_clear_bits() -> None:
    bits = new_status_list()
    assert len(bits) * 8 == MIN_BITS == 131_072
    assert not any(is_revoked(bits, i) for i in (0, 1, 4711, MIN_BITS - 1))


@pytest.mark.parametrize("size", [MIN_BITS - 8, MIN_BITS + 1, 0])
def test_lists_below_the_minimum_or_not_whole_bytes_are_refused(size: int) -> None:
    with pytest.raises(StatusListError):
        new_status_list(size)


def test_index_zero_is_the_left_most_bit() -> None:
    # The spec counts from the most significant bit of the first byte.
    bits = set_revoked(new_status_list(), 0)
    assert bits[0] == 0x80
    bits = set_revoked(new_status_list(), 10)
    assert bits[1] == 0b0010_0000


def test_set_and_clear_touch_one_bit_only() -> None:
    bits = new_status_list()
    revoked = set_revoked(bits, 4711)
    assert is_revoked(revoked, 4711)
    assert [i for i in range(4700, 4720) if is_revoked(revoked, i)] == [4711]
    assert set_revoked(revoked, 4711, revoked=False) == bits
    # Pure functions: the input is never changed in place.
    assert not is_revoked(bits, 4711)


@pytest.mark.parametrize("index", [-1, MIN_BITS, True, "3"])
def test_indexes_outside_the_list_are_refused(index: object) -> None:
    with pytest.raises(StatusListError):
        is_revoked(new_status_list(), index)  # type: ignore[arg-type]


def test_encoded_list_is_multibase_base64url_of_gzip() -> None:
    bits = set_revoked(set_revoked(new_status_list(), 3), MIN_BITS - 1)
    encoded = encode_list(bits)
    assert encoded[0] == "u" and "=" not in encoded and "+" not in encoded
    # Decode by the spec's recipe, independently of decode_list.
    body = encoded[1:]
    assert gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))) == bits
    assert decode_list(encoded) == bits
    # An all-clear list compresses to almost nothing: that is why the spec can ask for 16 KiB.
    assert len(encode_list(new_status_list())) < 200


def test_random_lists_round_trip() -> None:
    rng = random.Random(5)
    bits = new_status_list()
    for index in rng.sample(range(MIN_BITS), 500):
        bits = set_revoked(bits, index)
    assert decode_list(encode_list(bits)) == bits


@pytest.mark.parametrize(
    "encoded",
    [
        "z" + encode_list(new_status_list())[1:],  # base58btc prefix: not what the spec says
        "u" + base64.urlsafe_b64encode(b"not gzip").decode(),
        encode_list(new_status_list())[:-10],
        "u" + base64.urlsafe_b64encode(gzip.compress(bytes(100))).decode(),  # too short
        "u" + base64.urlsafe_b64encode(gzip.compress(bytes(64 * 16384 + 1), mtime=0)).decode(),
    ],
    ids=["base58", "not-gzip", "truncated", "too-short", "too-large"],
)
def test_bad_encoded_lists_are_refused(encoded: str) -> None:
    with pytest.raises(StatusListError):
        decode_list(encoded)


def test_pick_free_index_avoids_taken_indexes() -> None:
    taken = set(range(MIN_BITS)) - {77}
    assert pick_free_index(taken) == 77
    with pytest.raises(StatusListError, match="full"):
        pick_free_index(set(range(MIN_BITS)))


def test_status_list_credential_is_signed_and_read_back(key_dir: Path) -> None:
    bits = set_revoked(new_status_list(), 4711)
    credential = build_status_list_credential(BASE_URL, "7", "1", bits, ISSUED_AT)
    assert credential["id"] == STATUS_URL
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["credentialSubject"]["type"] == "BitstringStatusList"
    assert credential["credentialSubject"]["statusPurpose"] == "revocation"
    token = sign_credential(credential, ensure_active_key(key_dir, "7"))
    # Anyone can check the list with a JOSE library and the published keys.
    key = jwt.PyJWKSet.from_dict(public_jwks(key_dir, "7"))[jwt.get_unverified_header(token)["kid"]]
    payload = jwt.decode(token, key.key, algorithms=["EdDSA"])
    assert bits_of_status_list_credential(payload) == bits
    assert verify_status_list(token, jwks_lookup_for(key_dir), STATUS_URL) == bits


def test_a_status_list_served_at_another_url_is_refused(key_dir: Path) -> None:
    credential = build_status_list_credential(BASE_URL, "7", "2", new_status_list(), ISSUED_AT)
    token = sign_credential(credential, ensure_active_key(key_dir, "7"))
    with pytest.raises(StatusListError, match="not the one"):
        verify_status_list(token, jwks_lookup_for(key_dir), STATUS_URL)


def test_a_tampered_or_foreign_status_list_is_refused(key_dir: Path, tmp_path: Path) -> None:
    credential = build_status_list_credential(BASE_URL, "7", "1", new_status_list(), ISSUED_AT)
    token = sign_credential(credential, ensure_active_key(key_dir, "7"))
    head, body, signature = token.split(".")
    flipped = "A" if signature[0] != "A" else "B"
    with pytest.raises(StatusListError, match="does not verify"):
        verify_status_list(
            f"{head}.{body}.{flipped}{signature[1:]}", jwks_lookup_for(key_dir), STATUS_URL
        )
    # Signed by a key that is not one of council 7's published keys.
    stranger = sign_credential(credential, ensure_active_key(tmp_path / "other", "7"))
    with pytest.raises(StatusListError, match="does not verify"):
        verify_status_list(stranger, jwks_lookup_for(key_dir), STATUS_URL)


def test_revocation_end_to_end_through_the_published_list(key_dir: Path) -> None:
    """Issue, publish the list, revoke, republish: a verifier fetching the list sees it."""
    token = issue(key_dir, status_index=4711)
    key = ensure_active_key(key_dir, "7")
    lookup = jwks_lookup_for(key_dir)
    stored = new_status_list()  # what the app keeps in its table row
    now = datetime.now(UTC)

    def published() -> dict[str, str]:
        list_credential = build_status_list_credential(BASE_URL, "7", "1", stored, now)
        return {STATUS_URL: sign_credential(list_credential, key)}

    def fetch(lists: dict[str, str]) -> str:
        def status(url: str) -> bytes | None:
            return verify_status_list(lists[url], lookup, url) if url in lists else None

        return verify_credential(token, lookup, status, now + timedelta(seconds=1)).state

    assert fetch(published()) == "valid"
    stored = set_revoked(stored, 4711)
    assert fetch(published()) == "revoked"
