"""Credential core: build, sign, verify and revoke Open Badges 3.0 credentials.

Pure functions and dataclasses; no Flask request, no database. The app stores what these
functions return (tokens, status bitstrings) and serves the URLs below.

Issuer ids. Each valideringsråd is an issuer with an https URL profile,
``{base_url}/councils/{council_id}``; its keys are published as a JWKS at
``{issuer}/jwks.json``; the issuer URL itself serves ``issuer_profile()`` (an OB Profile whose
``verificationMethod`` entries make ``{issuer}#key-{kid}`` resolve to a key). The JWS header
carries the bare kid, which every JOSE library matches against the JWKS. A credential's
id is its public verification page, ``{base_url}/verify/{credential_uuid}``.

Key files. ``keys.py`` keeps one folder per council in the key directory (config ``KEY_DIR``):
``{kid}.pem`` is the Ed25519 private key (PKCS#8, mode 0600, never in the database or a JWKS),
``{kid}.json`` its public JWK and creation time. The kid is the key's RFC 7638 thumbprint. The
newest key that still has a private half signs; rotation adds a new key, drops old private
halves and keeps every public key, so earlier credentials keep verifying.

Status lists. Revocation uses the W3C Bitstring Status List: one bitstring of at least 131,072
bits per council list (herd privacy), published as a signed BitstringStatusListCredential at
``{issuer}/status/{list_id}``. ``status.py`` works on plain bytes so the app can keep the
bitstring in a table row; each credential gets a random free index.

Why VC-JWT. A JWS over the JSON credential (VC-JOSE-COSE, ``typ: vc+jwt``, EdDSA) needs no
JSON-LD canonicalisation, so any JOSE library can check it with the published JWKS; Data
Integrity proofs would need RDF canonicalisation and remote contexts at verification time.
"""

from __future__ import annotations

from .build import (
    LEVEL_NAMES,
    METHOD_LABELS,
    CredentialInput,
    SkillInput,
    build_credential,
    credential_url,
    jwks_url,
    parse_status_list_url,
    status_list_url,
)
from .certificate import CertificateData, certificate_data, qr_svg
from .issuer import issuer_profile
from .keys import (
    CouncilKey,
    NoSigningKey,
    active_key,
    council_of_issuer,
    ensure_active_key,
    generate_key,
    issuer_id,
    public_jwks,
    rotate_key,
)
from .sign import VerificationResult, sign_credential, verify_credential, verify_status_list
from .status import (
    build_status_list_credential,
    is_revoked,
    new_status_list,
    pick_free_index,
    set_revoked,
)
from .summary import CredentialSummary, SkillLine, summarise

__all__ = [
    "LEVEL_NAMES",
    "METHOD_LABELS",
    "CertificateData",
    "CouncilKey",
    "CredentialInput",
    "CredentialSummary",
    "NoSigningKey",
    "SkillInput",
    "SkillLine",
    "VerificationResult",
    "active_key",
    "build_credential",
    "build_status_list_credential",
    "certificate_data",
    "council_of_issuer",
    "credential_url",
    "ensure_active_key",
    "generate_key",
    "is_revoked",
    "issuer_id",
    "issuer_profile",
    "jwks_url",
    "new_status_list",
    "parse_status_list_url",
    "pick_free_index",
    "public_jwks",
    "qr_svg",
    "rotate_key",
    "set_revoked",
    "sign_credential",
    "status_list_url",
    "summarise",
    "verify_credential",
    "verify_status_list",
]
