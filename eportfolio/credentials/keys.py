"""Per-council Ed25519 signing keys kept as files in a key directory, outside the database."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from joserfc.jwk import OKPKey

_COUNCIL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class NoSigningKey(LookupError):
    """Raise when a council has no key that can sign."""


@dataclass(frozen=True)
class CouncilKey:
    """One key of a council: its id, creation time and the joserfc key (private if loaded)."""

    council_id: str
    kid: str
    created: datetime
    key: OKPKey
    private_on_disk: bool = False

    @property
    def has_private(self) -> bool:
        """Return whether this key can sign."""
        return self.key.is_private

    def public_jwk(self) -> dict[str, Any]:
        """Return the public JWK with kid, alg and use, never the private part."""
        jwk = {k: v for k, v in self.key.as_dict(private=False).items() if k != "d"}
        return {**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}


def issuer_id(base_url: str, council_id: str | int) -> str:
    """Return the issuer identifier of a council: an https URL the app serves a Profile at."""
    return f"{base_url.rstrip('/')}/councils/{_checked(council_id)}"


def council_of_issuer(base_url: str, issuer: str) -> str | None:
    """Return the council id an issuer URL names, or None if it is not one of ours."""
    council = issuer.removeprefix(f"{base_url.rstrip('/')}/councils/")
    if council == issuer or not _COUNCIL_ID.fullmatch(council):
        return None
    return council


def verification_method(issuer: str, kid: str) -> str:
    """Return the verification method URL of a key: the issuer URL with a key fragment."""
    return f"{issuer}#key-{kid}"


def council_dir(key_dir: str | os.PathLike[str], council_id: str | int) -> Path:
    """Return the folder holding one council's keys."""
    return Path(key_dir) / _checked(council_id)


def generate_key(
    key_dir: str | os.PathLike[str], council_id: str | int, *, now: datetime | None = None
) -> CouncilKey:
    """Create a new key pair for a council; it becomes the active key."""
    folder = council_dir(key_dir, council_id)
    # Only the service account may list the council's key files.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = OKPKey.generate_key("Ed25519", private=True)
    # The RFC 7638 thumbprint makes the kid a function of the public key: no counter to race on.
    kid = key.thumbprint()
    created = (now or datetime.now(UTC)).astimezone(UTC)
    existing = council_keys(key_dir, council_id)
    if existing and created <= existing[-1].created:
        # "Newest wins" picks the active key, so a new key must sort after every older one
        # even when the clock is coarse or was set back.
        created = existing[-1].created + timedelta(microseconds=1)
    _write_private(folder / f"{kid}.pem", key.as_pem(private=True))
    # The public file is written last: a key counts once its public file exists, so a reader
    # never sees an active key without its private half on disk.
    meta = {"kid": kid, "created": created.isoformat(), "jwk": key.as_dict(private=False)}
    _write_atomic(folder / f"{kid}.json", json.dumps(meta, indent=2).encode())
    return CouncilKey(str(council_id), kid, created, key, True)


def rotate_key(
    key_dir: str | os.PathLike[str],
    council_id: str | int,
    *,
    keep_old_private: bool = False,
    now: datetime | None = None,
) -> CouncilKey:
    """Make a new active key; keep older public keys so earlier credentials still verify."""
    new = generate_key(key_dir, council_id, now=now)
    if not keep_old_private:
        # Old keys never sign again; deleting their private halves limits what a leak exposes.
        for old in council_keys(key_dir, council_id):
            if old.kid != new.kid:
                (council_dir(key_dir, council_id) / f"{old.kid}.pem").unlink(missing_ok=True)
    return new


def council_keys(key_dir: str | os.PathLike[str], council_id: str | int) -> list[CouncilKey]:
    """Return all of a council's public keys, oldest first, noting which can still sign."""
    folder = council_dir(key_dir, council_id)
    if not folder.is_dir():
        return []
    keys = []
    # Only public halves are read here: publishing a JWKS never needs to open a private key.
    for meta_path in folder.glob("*.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        kid = meta["kid"]
        key = OKPKey.import_key(meta["jwk"])
        created = datetime.fromisoformat(meta["created"])
        signing = (folder / f"{kid}.pem").exists()
        keys.append(CouncilKey(str(council_id), kid, created, key, signing))
    return sorted(keys, key=lambda k: (k.created, k.kid))


def active_key(key_dir: str | os.PathLike[str], council_id: str | int) -> CouncilKey:
    """Return the council's newest key that can sign, private half loaded, or NoSigningKey."""
    signing = [k for k in council_keys(key_dir, council_id) if k.private_on_disk]
    if not signing:
        raise NoSigningKey(f"council {council_id} has no signing key in {key_dir}")
    newest = signing[-1]
    pem = (council_dir(key_dir, council_id) / f"{newest.kid}.pem").read_bytes()
    private = OKPKey.import_key(pem)
    # A swapped or corrupted file would sign credentials nobody can verify: refuse it now.
    if private.thumbprint() != newest.kid:
        raise NoSigningKey(f"private key file of {newest.kid} does not match its public key")
    return CouncilKey(newest.council_id, newest.kid, newest.created, private, True)


def ensure_active_key(key_dir: str | os.PathLike[str], council_id: str | int) -> CouncilKey:
    """Return the council's active key, generating the first one when there is none."""
    try:
        return active_key(key_dir, council_id)
    except NoSigningKey:
        return generate_key(key_dir, council_id)


def public_jwks(key_dir: str | os.PathLike[str], council_id: str | int) -> dict[str, Any]:
    """Return the JWKS of all of a council's public keys (OKP/Ed25519), newest first."""
    keys = council_keys(key_dir, council_id)
    return {"keys": [k.public_jwk() for k in reversed(keys)]}


def _checked(council_id: str | int) -> str:
    value = str(council_id)
    # The id becomes a folder name and a URL segment: refuse anything that could escape either.
    if not _COUNCIL_ID.fullmatch(value):
        raise ValueError(f"invalid council id {value!r}")
    return value


def _write_private(path: Path, data: bytes) -> None:
    # O_EXCL: never overwrite a key; mode 0600 from creation, so no window where others can read.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)  # a umask can only remove bits, but be explicit for audits


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
