"""W3C Bitstring Status List: pure functions over a council's revocation bitstring."""

from __future__ import annotations

import base64
import gzip
import secrets
import zlib
from collections.abc import Collection
from datetime import datetime
from typing import Any

from .build import VC_CONTEXT, format_time, status_list_url
from .keys import issuer_id

# The spec's minimum (16 KiB): every list looks alike from outside, so fetching it tells the
# issuer nothing about which credential is being checked (herd privacy).
MIN_BITS = 131_072
# A list may grow, but a hostile encodedList must not inflate without bound when decoded.
MAX_BITS = 64 * MIN_BITS
STATUS_LIST_TYPES = ["VerifiableCredential", "BitstringStatusListCredential"]


class StatusListError(ValueError):
    """Raise when a status list or an index into it is unusable."""


def new_status_list(size_bits: int = MIN_BITS) -> bytes:
    """Return an all-clear bitstring of ``size_bits`` bits (a multiple of 8, >= 131,072)."""
    if size_bits < MIN_BITS or size_bits % 8 or size_bits > MAX_BITS:
        raise StatusListError(f"a status list has {MIN_BITS}..{MAX_BITS} bits, a multiple of 8")
    return bytes(size_bits // 8)


def is_revoked(bits: bytes, index: int) -> bool:
    """Return whether the bit at ``index`` is set."""
    byte, mask = _position(bits, index)
    return bool(bits[byte] & mask)


def set_revoked(bits: bytes, index: int, revoked: bool = True) -> bytes:
    """Return a copy of ``bits`` with the bit at ``index`` set (revoked) or cleared."""
    byte, mask = _position(bits, index)
    out = bytearray(bits)
    if revoked:
        out[byte] |= mask
    else:
        out[byte] &= ~mask & 0xFF
    return bytes(out)


def pick_free_index(
    taken: Collection[int], size_bits: int = MIN_BITS, *, rng: secrets.SystemRandom | None = None
) -> int:
    """Return a random unused index, so an index says nothing about when it was issued."""
    if len(taken) >= size_bits:
        raise StatusListError("status list is full; start a new list")
    chooser = rng or secrets.SystemRandom()
    while True:
        index = chooser.randrange(size_bits)
        if index not in taken:
            return index


def encode_list(bits: bytes) -> str:
    """Return the spec's encodedList: multibase base64url ("u") of the GZIP-compressed bits."""
    # mtime=0 makes the encoding a function of the bits alone, so unchanged lists re-sign alike.
    packed = gzip.compress(bits, compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_list(encoded: str) -> bytes:
    """Return the bitstring of an encodedList, refusing other encodings and gzip bombs."""
    if not encoded.startswith("u"):
        raise StatusListError("encodedList must be multibase base64url (prefix 'u')")
    body = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing
        bits = inflater.decompress(packed, MAX_BITS // 8 + 1)
    except (ValueError, zlib.error) as exc:
        raise StatusListError(f"encodedList does not decode: {exc}") from exc
    if len(bits) > MAX_BITS // 8 or not inflater.eof:
        raise StatusListError("encodedList is truncated or larger than allowed")
    if len(bits) * 8 < MIN_BITS:
        raise StatusListError(f"status list shorter than {MIN_BITS} bits")
    return bits


def build_status_list_credential(
    base_url: str,
    council_id: str | int,
    list_id: str,
    bits: bytes,
    issued_at: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Return the unsigned BitstringStatusListCredential publishing ``bits``."""
    if len(bits) * 8 < MIN_BITS:
        raise StatusListError(f"status list shorter than {MIN_BITS} bits")
    url = status_list_url(base_url, council_id, list_id)
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": list(STATUS_LIST_TYPES),
        "issuer": issuer_id(base_url, council_id),
        "validFrom": format_time(issued_at),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(bits),
        },
    }
    if valid_until is not None:
        credential["validUntil"] = format_time(valid_until)
    return credential


def bits_of_status_list_credential(credential: dict[str, Any]) -> bytes:
    """Return the bitstring a (verified) revocation status list credential publishes."""
    subject = credential.get("credentialSubject")
    types = credential.get("type")
    if (
        not isinstance(subject, dict)
        or not isinstance(types, list)
        or "BitstringStatusListCredential" not in types
        or subject.get("type") != "BitstringStatusList"
        or subject.get("statusPurpose") != "revocation"
        or not isinstance(subject.get("encodedList"), str)
    ):
        raise StatusListError("not a revocation BitstringStatusListCredential")
    return decode_list(subject["encodedList"])


def _position(bits: bytes, index: int) -> tuple[int, int]:
    if isinstance(index, bool) or not isinstance(index, int):
        raise StatusListError(f"status index must be an int, not {index!r}")
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"status index {index} outside a list of {len(bits) * 8} bits")
    # Index 0 is the left-most bit: the most significant bit of the first byte.
    return index // 8, 0x80 >> (index % 8)
