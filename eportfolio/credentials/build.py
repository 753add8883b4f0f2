"""Build Open Badges 3.0 AchievementCredentials (W3C VC 2.0 data model) from plain inputs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from .keys import issuer_id

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]

_LIST_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

Kind = Literal["kompetensintyg", "yrkesbevis"]

# OB 3.0 AchievementType: "Competency" is one demonstrated ability; "Certificate" is the
# credential "that designates requisite knowledge and skills of an occupation", which is what a
# yrkesbevis is ("Certification" implies time-limited and renewable, "License" legal authority).
ACHIEVEMENT_TYPES: dict[str, str] = {"kompetensintyg": "Competency", "yrkesbevis": "Certificate"}
KIND_LABELS: dict[str, str] = {"kompetensintyg": "Kompetensintyg", "yrkesbevis": "Yrkesbevis"}

LEVEL_NAMES: dict[int, str] = {1: "grund", 2: "god", 3: "mycket god", 4: "expert"}

METHOD_LABELS: dict[str, str] = {
    "document_review": "dokumentgranskning",
    "interview": "intervju",
    "practical_test": "praktiskt prov",
    "workplace_observation": "observation på arbetsplats",
}


@dataclass(frozen=True)
class SkillInput:
    """One verified skill: taxonomy concept, verified level 1–4 and assessment method."""

    concept_uri: str
    label: str
    framework: str  # "ESCO", "JobTech" or "Meritportfölj"
    level: int
    method: str  # a key of METHOD_LABELS


@dataclass(frozen=True)
class CredentialInput:
    """Everything a credential says; holds no name, e-mail or national id of the learner."""

    council_id: str
    council_name: str
    base_url: str
    credential_uuid: UUID | str
    subject_pseudonym: UUID | str
    kind: Kind
    title: str
    skills: Sequence[SkillInput | tuple[str, str, str, int, str]]
    issued_at: datetime
    status_index: int
    status_list_id: str = "1"
    occupation_label: str | None = None
    occupation_uri: str | None = None
    occupation_framework: str = "ESCO"
    valid_until: datetime | None = None
    description: str | None = None
    criteria_narrative: str | None = None
    tags: Sequence[str] = field(default_factory=tuple)


def credential_url(base_url: str, credential_uuid: UUID | str) -> str:
    """Return the public verification URL that is also the credential's id."""
    return f"{base_url.rstrip('/')}/verify/{UUID(str(credential_uuid))}"


def status_list_url(base_url: str, council_id: str | int, list_id: str) -> str:
    """Return the URL of a council's status list credential."""
    if not _LIST_ID.fullmatch(list_id):
        raise ValueError(f"invalid status list id {list_id!r}")
    return f"{issuer_id(base_url, council_id)}/status/{list_id}"


def parse_status_list_url(base_url: str, url: str) -> tuple[str, str] | None:
    """Return (council_id, list_id) of one of our status list URLs, else None."""
    prefix = f"{base_url.rstrip('/')}/councils/"
    council, _, list_id = url.removeprefix(prefix).partition("/status/")
    if not url.startswith(prefix) or not _LIST_ID.fullmatch(list_id):
        return None
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", council):
        return None
    return council, list_id


def jwks_url(base_url: str, council_id: str | int) -> str:
    """Return the URL where a council's public keys are published as a JWKS."""
    return f"{issuer_id(base_url, council_id)}/jwks.json"


def subject_id(pseudonym: UUID | str) -> str:
    """Return the credential subject id: a urn:uuid pseudonym, never personal data."""
    text = str(pseudonym).removeprefix("urn:uuid:")
    # Parsing as a UUID is the guard: an e-mail address or personnummer cannot pass.
    return UUID(text).urn


def format_time(moment: datetime) -> str:
    """Return an XML Schema dateTime in UTC with a Z, as VC 2.0 expects."""
    if moment.tzinfo is None:
        raise ValueError("credential times must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_credential(data: CredentialInput) -> dict[str, Any]:
    """Return an unsigned OB 3.0 AchievementCredential for ``data``."""
    skills = _checked_skills(data)
    if data.kind not in ACHIEVEMENT_TYPES:
        raise ValueError(f"unknown credential kind {data.kind!r}")
    if data.kind == "yrkesbevis" and not data.occupation_label:
        raise ValueError("a yrkesbevis needs the occupation it certifies")
    if data.status_index < 0:
        raise ValueError("status index must be >= 0")
    issuer = issuer_id(data.base_url, data.council_id)
    url = credential_url(data.base_url, data.credential_uuid)
    achievement_id = f"{url}#achievement"
    status_url = status_list_url(data.base_url, data.council_id, data.status_list_id)

    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[data.kind],
        "name": data.title,
        "description": data.description or _default_description(data, len(skills)),
        "criteria": {"narrative": data.criteria_narrative or _default_criteria(data)},
        "inLanguage": "sv",
        "alignment": _achievement_alignment(data, skills),
        "resultDescription": [
            _result_description(f"{url}#skill-{n}", skill) for n, skill in enumerate(skills, 1)
        ],
    }
    if data.tags:
        achievement["tag"] = list(data.tags)
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": url,
        "type": list(CREDENTIAL_TYPES),
        "issuer": {"id": issuer, "type": ["Profile"], "name": data.council_name},
        "validFrom": format_time(data.issued_at),
        "awardedDate": format_time(data.issued_at),
        "name": data.title,
        "credentialSubject": {
            "id": subject_id(data.subject_pseudonym),
            "type": ["AchievementSubject"],
            "achievement": achievement,
            "result": [_result(f"{url}#skill-{n}", skill) for n, skill in enumerate(skills, 1)],
        },
        "evidence": [_evidence(skill) for skill in skills],
        "credentialStatus": {
            "id": f"{status_url}#{data.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            # The Bitstring Status List spec writes the index as a base-10 string.
            "statusListIndex": str(data.status_index),
            "statusListCredential": status_url,
        },
    }
    if data.valid_until is not None:
        if data.valid_until <= data.issued_at:
            raise ValueError("validUntil must be after validFrom")
        credential["validUntil"] = format_time(data.valid_until)
    return credential


def _checked_skills(data: CredentialInput) -> list[SkillInput]:
    skills = [s if isinstance(s, SkillInput) else SkillInput(*s) for s in data.skills]
    if not skills:
        raise ValueError("a credential certifies at least one skill")
    for skill in skills:
        if skill.level not in LEVEL_NAMES:
            raise ValueError(f"level {skill.level!r} of {skill.label!r} is not 1–4")
        if skill.method not in METHOD_LABELS:
            raise ValueError(f"unknown assessment method {skill.method!r}")
        if ":" not in skill.concept_uri or not skill.label or not skill.framework:
            raise ValueError(f"skill {skill.label!r} needs a concept URI, label and framework")
    return skills


def _alignment(url: str, name: str, framework: str, target_type: str) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetUrl": url,
        "targetName": name,
        "targetFramework": framework,
        "targetType": target_type,
    }


def _skill_alignment(skill: SkillInput) -> dict[str, Any]:
    return _alignment(skill.concept_uri, skill.label, skill.framework, "ceasn:Competency")


def _achievement_alignment(data: CredentialInput, skills: list[SkillInput]) -> list[Any]:
    alignments = [_skill_alignment(skill) for skill in skills]
    if data.occupation_label and data.occupation_uri:
        occupation = _alignment(
            data.occupation_uri, data.occupation_label, data.occupation_framework, "ext:Occupation"
        )
        alignments.insert(0, occupation)
    return alignments


def _result_description(rd_id: str, skill: SkillInput) -> dict[str, Any]:
    # One rubric per skill, so each result names the level it reached by id (OB 3.0's way of
    # saying "achieved level N of M") and a wallet can show the whole scale.
    return {
        "id": rd_id,
        "type": ["ResultDescription"],
        "name": skill.label,
        "resultType": "RubricCriterionLevel",
        "alignment": [_skill_alignment(skill)],
        "rubricCriterionLevel": [
            {
                "id": f"{rd_id}-level-{level}",
                "type": ["RubricCriterionLevel"],
                "name": name,
                "level": str(level),
            }
            for level, name in LEVEL_NAMES.items()
        ],
    }


def _result(rd_id: str, skill: SkillInput) -> dict[str, Any]:
    return {
        "type": ["Result"],
        "resultDescription": rd_id,
        "achievedLevel": f"{rd_id}-level-{skill.level}",
        "value": str(skill.level),
        "alignment": [_skill_alignment(skill)],
    }


def _evidence(skill: SkillInput) -> dict[str, Any]:
    # The method is told as evidence of how the council assessed, never the learner's files:
    # those stay in the portfolio, under the learner's control.
    method = METHOD_LABELS[skill.method]
    return {
        "type": ["Evidence"],
        "name": f"Bedömning: {skill.label}",
        "description": f"Bedömd genom {method}; nivå {skill.level} ({LEVEL_NAMES[skill.level]}).",
        "genre": method,
    }


def _default_description(data: CredentialInput, count: int) -> str:
    # The app passes its own description from the catalogue (services.issue_for_case); this
    # is for callers without one, in Swedish like the rest of the credential.
    skills = "kompetens" if count == 1 else "kompetenser"
    if data.kind == "yrkesbevis":
        return (
            f"Yrkesbevis för {data.occupation_label}, utfärdat av {data.council_name} "
            f"efter validering av {count} {skills} i yrkets kravprofil."
        )
    validated = "validerad" if count == 1 else "validerade"
    return f"Kompetensintyg utfärdat av {data.council_name} för {count} {validated} {skills}."


def _default_criteria(data: CredentialInput) -> str:
    return (
        f"{data.council_name} har validerat kompetenserna enligt Cedefops fyra steg "
        "(identifiering, dokumentation, bedömning, erkännande). Varje kompetens har bedömts av "
        "en bedömare och godkänts av rådets ordförande, på nivå 1–4 (grund, god, mycket god, "
        "expert) med den metod som anges för kompetensen."
    )
