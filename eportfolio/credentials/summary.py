"""Read back what a (verified) credential certifies, for the verification page and print."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .build import ACHIEVEMENT_TYPES, KIND_LABELS, LEVEL_NAMES, METHOD_LABELS

_KINDS = {achievement_type: kind for kind, achievement_type in ACHIEVEMENT_TYPES.items()}
_METHODS = {label: key for key, label in METHOD_LABELS.items()}
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}")


@dataclass(frozen=True)
class SkillLine:
    """One certified skill as a reader sees it."""

    label: str
    level: int
    level_name: str
    concept_uri: str
    framework: str
    method: str | None  # as signed, in Swedish
    method_key: str | None = None  # our name for it (a key of METHOD_LABELS), to show translated


@dataclass(frozen=True)
class CredentialSummary:
    """The facts a credential states, flattened for templates."""

    credential_id: str
    kind: str | None  # "kompetensintyg", "yrkesbevis", or None for another issuer's type
    kind_label: str
    title: str
    description: str
    council_name: str
    issuer_id: str
    occupation: str | None
    valid_from: datetime
    valid_until: datetime | None
    skills: tuple[SkillLine, ...]
    language: str | None = None  # of the signed texts (title, description, skill names)


def summarise(credential: dict[str, Any]) -> CredentialSummary:
    """Return the summary of an OB 3.0 credential built by ``build_credential``."""
    issuer = credential["issuer"]
    achievement = credential["credentialSubject"]["achievement"]
    kind = _KINDS.get(achievement.get("achievementType", ""))
    occupation = next(
        (
            a["targetName"]
            for a in achievement.get("alignment", [])
            if a.get("targetType") == "ext:Occupation"
        ),
        None,
    )
    until = credential.get("validUntil")
    issuer_id = str(issuer["id"] if isinstance(issuer, dict) else issuer)
    council_name = str(issuer.get("name") or issuer_id) if isinstance(issuer, dict) else issuer_id
    return CredentialSummary(
        credential_id=credential["id"],
        kind=kind,
        kind_label=KIND_LABELS.get(kind or "", achievement.get("achievementType", "")),
        title=credential.get("name") or achievement["name"],
        description=achievement.get("description", ""),
        council_name=council_name,
        issuer_id=issuer_id,
        occupation=occupation,
        valid_from=_time(credential["validFrom"]),
        valid_until=_time(until) if until else None,
        skills=_skills(credential, achievement),
        language=_language(achievement.get("inLanguage")),
    )


def _language(tag: Any) -> str | None:
    """Return the signed texts' language tag, or None when absent or not a plain BCP 47 tag.

    Pages put it in a ``lang`` attribute so screen readers read Swedish text as Swedish on an
    English page; a pasted credential from elsewhere may say anything, hence the check.
    """
    if isinstance(tag, str) and _LANGUAGE_TAG.fullmatch(tag):
        return tag
    return None


def _skills(credential: dict[str, Any], achievement: dict[str, Any]) -> tuple[SkillLine, ...]:
    descriptions = {rd["id"]: rd for rd in achievement.get("resultDescription", [])}
    # build_credential writes one evidence entry per result, in the same order.
    evidence = credential.get("evidence", [])
    lines = []
    for n, result in enumerate(credential["credentialSubject"].get("result", [])):
        rd = descriptions.get(result.get("resultDescription", ""), {})
        levels = {lv["id"]: lv for lv in rd.get("rubricCriterionLevel", [])}
        level = int(levels.get(result.get("achievedLevel", ""), {}).get("level", 0))
        alignment = (result.get("alignment") or rd.get("alignment") or [{}])[0]
        method = evidence[n].get("genre") if n < len(evidence) else None
        lines.append(
            SkillLine(
                label=rd.get("name") or alignment.get("targetName", ""),
                level=level,
                level_name=LEVEL_NAMES.get(level, ""),
                concept_uri=alignment.get("targetUrl", ""),
                framework=alignment.get("targetFramework", ""),
                method=method,
                method_key=_METHODS.get(method or ""),
            )
        )
    return tuple(lines)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
