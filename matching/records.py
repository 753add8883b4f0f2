"""Plain records the engine reads: portfolios, needs and their parts.

Only fields that describe competence are here. Names, age, gender, origin, contact details and
personal free text have no field, so no score can depend on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")


class Evidence(IntEnum):
    """How well a skill claim is backed, weakest first."""

    SELF = 0  # self-declared
    DOCUMENTED = 1  # evidence attached
    VALIDATED = 2  # verified by a valideringsråd
    CERTIFIED = 3  # kompetensintyg / yrkesbevis issued

    @classmethod
    def parse(cls, value: str | int | Evidence) -> Evidence:
        """Read ``"self"``, ``"documented"``, ``"validated"``, ``"certified"`` or an int."""
        if isinstance(value, str):
            return cls[value.strip().upper().replace("-", "_").replace("SELF_DECLARED", "SELF")]
        return cls(value)


def cefr_level(value: str | int) -> int:
    """Return a CEFR level as 1 (A1) .. 6 (C2); ints pass through."""
    if isinstance(value, int):
        return value
    return CEFR.index(value.strip().upper()) + 1


@dataclass(frozen=True, slots=True)
class SkillClaim:
    """One skill of a portfolio: concept id, proficiency 1-4 and evidence."""

    skill: str
    level: int = 2
    evidence: Evidence = Evidence.SELF


@dataclass(frozen=True, slots=True)
class Portfolio:
    """The matchable part of a portfolio; ``id`` is the app's integer primary key."""

    id: int
    skills: Sequence[SkillClaim]
    languages: Mapping[str, int] = field(default_factory=dict)  # ISO 639 -> CEFR 1..6
    municipality: str | None = None  # SCB kommunkod, e.g. "1290"
    experience_text: str = ""  # titles and descriptions of work and education, never "about me"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Portfolio:
        """Build from a dict, reading only the competence fields and ignoring everything else."""
        skills = [
            SkillClaim(s["skill"], int(s.get("level", 2)), Evidence.parse(s.get("evidence", 0)))
            for s in data.get("skills", ())
        ]
        languages = {k: cefr_level(v) for k, v in (data.get("languages") or {}).items()}
        return cls(
            int(data["id"]),
            skills,
            languages,
            data.get("municipality"),
            data.get("experience_text", ""),
        )


@dataclass(frozen=True, slots=True)
class NeedSkill:
    """A skill an employer asks for; a must-have carries a minimum level."""

    skill: str
    min_level: int = 1
    must: bool = True


@dataclass(frozen=True, slots=True)
class Need:
    """An employer's competence need."""

    skills: Sequence[NeedSkill]
    occupation: str | None = None
    languages: Mapping[str, int] = field(default_factory=dict)  # ISO 639 -> minimum CEFR 1..6
    municipality: str | None = None
    text: str = ""
