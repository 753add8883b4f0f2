"""Sign credentials as VC-JWT (JWS compact, EdDSA) and verify them for the public page."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import OKPKey

from .build import CREDENTIAL_TYPES, VC_CONTEXT
from .keys import CouncilKey
from .status import StatusListError, bits_of_status_list_credential, is_revoked

JWT_TYPE = "vc+jwt"  # media type application/vc+jwt (VC-JOSE-COSE)
SIGNING_ALG = "EdDSA"
# "Ed25519" is RFC 9864's fully specified name for the same algorithm; accept it for the day
# the ecosystem moves, but keep signing "EdDSA", which today's wallets and verifiers read.
ACCEPTED_ALGS = ("EdDSA", "Ed25519")
# Clocks on the issuing server and the verifier's differ a little.
LEEWAY = timedelta(minutes=5)
MAX_TOKEN_LENGTH = 1_000_000

State = Literal[
    "valid",
    "revoked",
    "signature_invalid",
    "unknown_issuer",
    "expired",
    "not_yet_valid",
    "status_unavailable",
    "malformed",
    "altered",  # a JSON download whose readable part differs from its signed token
]
JwksLookup = Callable[[str], dict[str, Any] | None]
StatusLookup = Callable[[str], bytes | None]

_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")
# Any OB 3.0.x context, as the OB 3.0 JSON schema allows, so a later context still verifies.
_OB_CONTEXT = re.compile(r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json")


class _Registry(jws.JWSRegistry):
    """A JWS registry that allows EdDSA without joserfc's RFC 9864 deprecation warning."""

    # joserfc's default 128 kB payload cap would stop a yrkesbevis at about 60 skills; this
    # leaves room for some 300, each with its rubric of four levels.
    max_payload_length = MAX_TOKEN_LENGTH

    def get_alg(self, name: str) -> Any:
        # RFC 9864 deprecates the polymorphic "EdDSA" name, but Open Badges and VC-JWT tooling
        # still expect it. The key is pinned to Ed25519 (OKP), the ambiguity RFC 9864 fixes.
        if name == "EdDSA" and self.allowed and name in self.allowed:
            return self.algorithms[name]
        return super().get_alg(name)


_REGISTRY = _Registry(algorithms=list(ACCEPTED_ALGS))


class MalformedToken(ValueError):
    """Raise when a token is not a well-formed VC-JWT."""


@dataclass(frozen=True)
class VerificationResult:
    """What a verifier learned: a state, and the credential once its signature checked out."""

    state: State
    credential: dict[str, Any] | None = None
    issuer_id: str | None = None
    kid: str | None = None
    reason: str = ""
    # Known only to the issuing app (the status list holds a bit, not a date).
    revoked_at: datetime | None = None

    @property
    def is_valid(self) -> bool:
        """Return whether the credential is authentic, current and not revoked."""
        return self.state == "valid"


def sign_credential(credential: dict[str, Any], key: CouncilKey) -> str:
    """Return ``credential`` signed by ``key`` as a VC-JWT (JWS compact serialisation)."""
    if not key.has_private:
        raise ValueError(f"key {key.kid} has no private half and cannot sign")
    header = {"alg": SIGNING_ALG, "typ": JWT_TYPE, "cty": "vc", "kid": key.kid}
    payload = {**credential, **_jwt_claims(credential)}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, body, key.key, registry=_REGISTRY)


def verify_jws(token: str, jwks: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (header, payload) of a VC-JWT signed by a key in ``jwks``; raise if not."""
    header, _ = _peek(token)
    jwk = next((k for k in jwks.get("keys", []) if k.get("kid") == header["kid"]), None)
    if jwk is None:
        raise BadSignatureError(f"no key {header['kid']} among the issuer's keys")
    try:
        public = OKPKey.import_key({k: v for k, v in jwk.items() if k != "d"})
    except (JoseError, ValueError, TypeError) as exc:
        raise MalformedToken(f"published key {header['kid']} is unusable: {exc}") from exc
    if public.as_dict().get("crv") != "Ed25519":
        raise MalformedToken("only Ed25519 keys are accepted")
    verified = jws.deserialize_compact(token, public, registry=_REGISTRY)
    return dict(verified.headers()), _json_object(verified.payload)


def verify_credential(
    token: str, jwks_lookup: JwksLookup, status_lookup: StatusLookup, now: datetime
) -> VerificationResult:
    """Check a VC-JWT: signature by the issuer's key, shape, revocation and validity period."""
    try:
        _, claimed = _peek(token)
        issuer = _issuer_of(claimed)
    except MalformedToken as exc:
        return VerificationResult("malformed", reason=str(exc))
    jwks = jwks_lookup(issuer)
    if jwks is None:
        return VerificationResult("unknown_issuer", issuer_id=issuer, reason="issuer not known")
    try:
        header, credential = verify_jws(token, jwks)
    except BadSignatureError as exc:
        return VerificationResult("signature_invalid", issuer_id=issuer, reason=str(exc))
    except (JoseError, MalformedToken) as exc:
        return VerificationResult("malformed", issuer_id=issuer, reason=str(exc))
    kid = str(header["kid"])

    def result(state: State, reason: str = "") -> VerificationResult:
        return VerificationResult(state, _strip_jwt_claims(credential), issuer, kid, reason)

    try:
        list_url, index = _check_shape(credential, issuer)
        valid_from, valid_until = _validity(credential)
    except MalformedToken as exc:
        return result("malformed", str(exc))
    bits = status_lookup(list_url)
    if bits is None:
        return result("status_unavailable", f"status list {list_url} not available")
    try:
        if is_revoked(bits, index):
            return result("revoked", "the issuer has revoked this credential")
    except StatusListError as exc:
        return result("malformed", str(exc))
    moment = _aware(now)
    if valid_from - LEEWAY > moment:
        return result("not_yet_valid", f"valid from {credential['validFrom']}")
    if valid_until is not None and valid_until <= moment:
        return result("expired", f"valid until {credential['validUntil']}")
    return result("valid")


def verify_status_list(token: str, jwks_lookup: JwksLookup, expected_url: str) -> bytes:
    """Return the bits of the signed status list at ``expected_url``, or StatusListError."""
    try:
        _, claimed = _peek(token)
        issuer = _issuer_of(claimed)
        jwks = jwks_lookup(issuer)
        if jwks is None:
            raise StatusListError(f"status list issuer {issuer} is not known")
        _, credential = verify_jws(token, jwks)
    except (MalformedToken, JoseError) as exc:
        raise StatusListError(f"status list at {expected_url} does not verify: {exc}") from exc
    # A list signed by the right council but for another URL must not stand in for this one.
    if credential.get("id") != expected_url or not expected_url.startswith(f"{issuer}/status/"):
        raise StatusListError(f"status list is not the one at {expected_url}")
    return bits_of_status_list_credential(credential)


def _jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    # Registered claims mirror the credential so generic JWT libraries check the same facts.
    claims: dict[str, Any] = {"iss": _issuer_of(credential), "jti": credential["id"]}
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    claims["nbf"] = claims["iat"] = int(_parse_time(credential["validFrom"]).timestamp())
    if "validUntil" in credential:
        claims["exp"] = int(_parse_time(credential["validUntil"]).timestamp())
    return claims


def _strip_jwt_claims(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in {"iss", "jti", "sub", "nbf", "iat", "exp"}}


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the unverified header and payload, so the issuer's keys can be looked up."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise MalformedToken("not a token of acceptable size")
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(_SEGMENT.fullmatch(p) for p in parts):
        raise MalformedToken("not a JWS compact serialisation")
    header = _json_object(_b64decode(parts[0]))
    if len(_b64decode(parts[2])) != 64:  # an Ed25519 signature is 64 bytes
        raise MalformedToken("signature has the wrong length")
    if header.get("alg") not in ACCEPTED_ALGS:
        raise MalformedToken(f"algorithm {header.get('alg')!r} not accepted")
    if header.get("typ") != JWT_TYPE or not isinstance(header.get("kid"), str):
        raise MalformedToken(f"header must carry typ {JWT_TYPE!r} and a kid")
    return header, _json_object(_b64decode(parts[1]))


def _b64decode(segment: str) -> bytes:
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MalformedToken("segment is not base64url") from exc
    # Lenient decoders ignore the unused low bits of the last character, so several spellings
    # of one signature would all verify; only the canonical spelling is accepted.
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != segment:
        raise MalformedToken("segment is not canonical base64url")
    return data


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise MalformedToken("segment is not JSON") from exc
    if not isinstance(value, dict):
        raise MalformedToken("segment is not a JSON object")
    return value


def _issuer_of(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id.startswith("https://"):
        raise MalformedToken("credential has no https issuer id")
    if "iss" in credential and credential["iss"] != issuer_id:
        raise MalformedToken("JWT iss differs from the credential's issuer")
    return issuer_id


def _check_shape(credential: dict[str, Any], issuer: str) -> tuple[str, int]:
    """Return the status list URL and index after checking the credential's shape."""
    context = credential.get("@context")
    types = credential.get("type")
    if not isinstance(context, list) or len(context) < 2 or context[0] != VC_CONTEXT:
        raise MalformedToken("not a VC 2.0 context")
    if not isinstance(context[1], str) or not _OB_CONTEXT.fullmatch(context[1]):
        raise MalformedToken("not an Open Badges 3.0 context")
    if not isinstance(types, list) or not set(CREDENTIAL_TYPES) <= set(types):
        raise MalformedToken("not an OpenBadgeCredential")
    if credential.get("jti", credential.get("id")) != credential.get("id"):
        raise MalformedToken("JWT jti differs from the credential's id")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
        raise MalformedToken("credential has no achievement")
    status = credential.get("credentialStatus")
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        raise MalformedToken("credential has no BitstringStatusListEntry")
    if status.get("statusPurpose") != "revocation":
        raise MalformedToken("credential status is not for revocation")
    list_url, index = status.get("statusListCredential"), status.get("statusListIndex")
    # Only the issuer's own lists count: a forged pointer to a list that is always clear
    # would otherwise hide a revocation.
    if not isinstance(list_url, str) or not list_url.startswith(f"{issuer}/status/"):
        raise MalformedToken("status list is not the issuer's")
    if not isinstance(index, str) or not index.isascii() or not index.isdigit():
        raise MalformedToken("statusListIndex is not a base-10 string")
    return list_url, int(index)


def _validity(credential: dict[str, Any]) -> tuple[datetime, datetime | None]:
    valid_from = _parse_time(credential.get("validFrom"))
    until = credential.get("validUntil")
    valid_until = None if until is None else _parse_time(until)
    for claim, expected in (("nbf", valid_from), ("exp", valid_until)):
        if claim in credential and (
            expected is None or credential[claim] != int(expected.timestamp())
        ):
            raise MalformedToken(f"JWT {claim} differs from the credential's validity")
    return valid_from, valid_until


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise MalformedToken("timestamp missing")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedToken(f"timestamp {value!r} is not ISO 8601") from exc
    if moment.tzinfo is None:
        raise MalformedToken(f"timestamp {value!r} has no time zone")
    return moment


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)
