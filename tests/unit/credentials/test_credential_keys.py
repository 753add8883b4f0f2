"""Council signing keys: files, permissions, JWKS and rotation."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from eportfolio.credentials import (
    NoSigningKey,
    active_key,
    generate_key,
    issuer_id,
    public_jwks,
    rotate_key,
)
from eportfolio.credentials.keys import council_dir, council_keys, verification_method


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def test_private_key_file_is_readable_by_owner_only(key_dir: Path) -> None:
    key = generate_key(key_dir, "7")
    pem = council_dir(key_dir, "7") / f"{key.kid}.pem"
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert stat.S_IMODE(pem.parent.stat().st_mode) == 0o700
    assert pem.read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_jwks_publishes_public_ed25519_keys_only(key_dir: Path) -> None:
    key = generate_key(key_dir, "7")
    jwks = public_jwks(key_dir, "7")
    (jwk,) = jwks["keys"]
    assert jwk == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": jwk["x"],
        "kid": key.kid,
        "alg": "EdDSA",
        "use": "sig",
    }
    private_d = key.key.as_dict(private=True)["d"]
    assert private_d not in json.dumps(jwks)
    # The public metadata file beside the key holds no private part either.
    meta = (council_dir(key_dir, "7") / f"{key.kid}.json").read_text()
    assert private_d not in meta and '"d"' not in meta


def test_kid_is_the_public_key_thumbprint(key_dir: Path) -> None:
    key = generate_key(key_dir, "7")
    assert key.kid == key.key.thumbprint()


def test_rotation_makes_a_new_active_key_and_keeps_old_public_keys(key_dir: Path) -> None:
    first = generate_key(key_dir, "7")
    second = rotate_key(key_dir, "7")
    assert second.kid != first.kid
    assert active_key(key_dir, "7").kid == second.kid
    kids = [k["kid"] for k in public_jwks(key_dir, "7")["keys"]]
    assert kids == [second.kid, first.kid]
    # The old private half is gone: it can never sign again, so it is not kept to leak.
    assert not (council_dir(key_dir, "7") / f"{first.kid}.pem").exists()
    assert [k.private_on_disk for k in council_keys(key_dir, "7")] == [False, True]


def test_rotation_can_keep_the_old_private_key_and_still_signs_with_the_new(key_dir: Path) -> None:
    first = generate_key(key_dir, "7")
    second = rotate_key(key_dir, "7", keep_old_private=True)
    assert (council_dir(key_dir, "7") / f"{first.kid}.pem").exists()
    assert active_key(key_dir, "7").kid == second.kid


def test_a_new_key_wins_even_if_the_clock_went_back(key_dir: Path) -> None:
    first = generate_key(key_dir, "7")
    second = rotate_key(key_dir, "7", keep_old_private=True, now=first.created.replace(year=2000))
    assert active_key(key_dir, "7").kid == second.kid


def test_councils_have_separate_keys(key_dir: Path) -> None:
    a, b = generate_key(key_dir, "7"), generate_key(key_dir, "8")
    assert [k["kid"] for k in public_jwks(key_dir, "7")["keys"]] == [a.kid]
    assert [k["kid"] for k in public_jwks(key_dir, "8")["keys"]] == [b.kid]


def test_no_key_means_no_signing_and_an_empty_jwks(key_dir: Path) -> None:
    with pytest.raises(NoSigningKey):
        active_key(key_dir, "7")
    assert public_jwks(key_dir, "7") == {"keys": []}


@pytest.mark.parametrize("council", ["../7", "7/../../etc", "", "a b", "råd"])
def test_council_ids_cannot_escape_the_key_directory(key_dir: Path, council: str) -> None:
    with pytest.raises(ValueError, match="invalid council id"):
        generate_key(key_dir, council)


def test_issuer_and_verification_method_urls() -> None:
    issuer = issuer_id("https://meritportfolj.test/", 7)
    assert issuer == "https://meritportfolj.test/councils/7"
    assert verification_method(issuer, "abc") == "https://meritportfolj.test/councils/7#key-abc"


def test_jwks_never_reads_a_private_key_file(key_dir: Path) -> None:
    key = generate_key(key_dir, "7")
    # Garbage where the private key was: publishing must not even try to parse it.
    (council_dir(key_dir, "7") / f"{key.kid}.pem").write_bytes(b"not a key")
    assert [k["kid"] for k in public_jwks(key_dir, "7")["keys"]] == [key.kid]


def test_a_swapped_private_key_file_is_refused(key_dir: Path) -> None:
    first = generate_key(key_dir, "7")
    second = rotate_key(key_dir, "7", keep_old_private=True)
    folder = council_dir(key_dir, "7")
    (folder / f"{second.kid}.pem").write_bytes((folder / f"{first.kid}.pem").read_bytes())
    with pytest.raises(NoSigningKey, match="does not match"):
        active_key(key_dir, "7")
