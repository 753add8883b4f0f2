"""Test data and helpers for the credential tests: no real person, one council, fixed skills.

Plain functions rather than conftest fixtures: another test folder imports its conftest by
module name, and a second conftest.py beside it would shadow that import.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eportfolio.credentials import (
    CredentialInput,
    SkillInput,
    build_credential,
    council_of_issuer,
    ensure_active_key,
    new_status_list,
    public_jwks,
    sign_credential,
)
from eportfolio.credentials.keys import council_dir

BASE_URL = "https://meritportfolj.test"
COUNCIL = "7"
STATUS_URL = f"{BASE_URL}/councils/{COUNCIL}/status/1"
LEARNER_NAME = "Amira Lindqvist"
LEARNER_EMAIL = "amira.lindqvist@example.se"
# An issue time in the past, whole seconds, so generic JWT libraries accept nbf/iat as they are.
ISSUED_AT = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)

SKILLS = (
    SkillInput(
        "http://data.europa.eu/esco/skill/b5f4c3a1-0000-4000-8000-000000000001",
        "svetsa med TIG-metoden",
        "ESCO",
        3,
        "practical_test",
    ),
    SkillInput(
        "https://data.jobtechdev.se/taxonomy/concept/abcd_EfGh",
        "läsa ritningar",
        "JobTech",
        2,
        "interview",
    ),
    SkillInput(
        "urn:meritportfolj:skill:truckkort-a", "truckkort A", "Meritportfölj", 4, "document_review"
    ),
)


def make_input(**fields: Any) -> CredentialInput:
    """Return the input of a kompetensintyg from council 7, with ``fields`` changed."""
    values: dict[str, Any] = {
        "council_id": COUNCIL,
        "council_name": "Valideringsrådet Industri Skåne Nordost",
        "base_url": BASE_URL,
        "credential_uuid": uuid.uuid4(),
        "subject_pseudonym": uuid.uuid4(),
        "kind": "kompetensintyg",
        "title": "Kompetensintyg: svetsning och ritningsläsning",
        "skills": SKILLS,
        "issued_at": ISSUED_AT,
        "status_index": 4711,
    }
    values.update(fields)
    return CredentialInput(**values)


def issue(key_dir: Path, **fields: Any) -> str:
    """Return a VC-JWT signed by the council's active key (created on first use)."""
    data = make_input(**fields)
    key = ensure_active_key(key_dir, data.council_id)
    return sign_credential(build_credential(data), key)


def jwks_lookup_for(key_dir: Path) -> Callable[[str], dict[str, Any] | None]:
    """Return what the app will do: map an issuer URL to its council's published JWKS."""

    def lookup(issuer: str) -> dict[str, Any] | None:
        council = council_of_issuer(BASE_URL, issuer)
        if council is None or not council_dir(key_dir, council).is_dir():
            return None
        return public_jwks(key_dir, council)

    return lookup


def clear_status_lists() -> dict[str, bytes]:
    """Return status list bitstrings by URL, as the app's table will hold them; all clear."""
    return {STATUS_URL: new_status_list()}
