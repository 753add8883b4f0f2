"""The issuer document a council's URL serves: its OB 3.0 Profile and verification methods."""

from __future__ import annotations

import os
from typing import Any

from .build import OB_CONTEXT, VC_CONTEXT, jwks_url
from .keys import council_keys, issuer_id, verification_method

# Controlled Identifiers 1.0 defines verificationMethod, JsonWebKey and assertionMethod, so
# "{issuer}#key-{kid}" resolves to a key by dereferencing the issuer URL itself.
CID_CONTEXT = "https://www.w3.org/ns/cid/v1"


def issuer_profile(
    base_url: str,
    council_id: str | int,
    council_name: str,
    key_dir: str | os.PathLike[str],
    *,
    url: str | None = None,
) -> dict[str, Any]:
    """Return the JSON document served at a council's issuer URL, with all its public keys."""
    issuer = issuer_id(base_url, council_id)
    methods = [
        {
            "id": verification_method(issuer, key.kid),
            "type": "JsonWebKey",
            "controller": issuer,
            "publicKeyJwk": key.public_jwk(),
        }
        for key in reversed(council_keys(key_dir, council_id))
    ]
    profile: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT, CID_CONTEXT],
        "id": issuer,
        "type": ["Profile"],
        "name": council_name,
        "verificationMethod": methods,
        # Every key, retired ones included, asserted credentials when it was active.
        "assertionMethod": [method["id"] for method in methods],
        "jwks_uri": jwks_url(base_url, council_id),
    }
    if url:
        profile["url"] = url
    return profile
