"""What a score is made of: one term per need skill plus the small signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from matching.records import Evidence


class Status(StrEnum):
    EXACT = "exact"  # the portfolio holds the skill itself
    RELATED = "related"  # credited through a related skill (see ``via`` and ``link``)
    MISSING = "missing"


class SkillTerm(NamedTuple):
    """How one need skill was met and how many points it brought."""

    skill: str
    must: bool
    min_level: int
    status: Status
    points: float  # share of the score, in score points
    max_points: float  # what the skill brings when fully met
    credit: float  # 0..1: similarity x evidence x level fit of the best matching skill
    via: str | None = None  # the portfolio skill that gave the credit
    link: str | None = None  # same, narrower, broader, related, sibling, cooccurs
    similarity: float = 0.0
    level: int | None = None
    evidence: Evidence | None = None

    @property
    def below_level(self) -> bool:
        """Tell whether the matched skill is held below the asked minimum level."""
        return self.level is not None and self.level < self.min_level


@dataclass(frozen=True, slots=True)
class Explanation:
    """A score split into contributions that sum to it."""

    portfolio_id: int
    score: float
    skills: list[SkillTerm] = field(default_factory=list)
    occupation: float = 0.0  # points from the fit to the need's occupation profile
    occupation_fit: float = 0.0  # that fit, 0..1
    languages: float = 0.0
    location: float = 0.0
    text: float = 0.0

    def contributions(self) -> dict[str, float]:
        """Return every contribution by name; the values sum to ``score``."""
        out = {f"skill:{t.skill}": t.points for t in self.skills}
        out.update(
            occupation=self.occupation,
            languages=self.languages,
            location=self.location,
            text=self.text,
        )
        return out

    def gaps(self) -> list[SkillTerm]:
        """Return the need skills not fully met, those that would add most points first."""
        open_terms = [t for t in self.skills if t.points < t.max_points - 1e-9]
        return sorted(open_terms, key=lambda t: (t.points - t.max_points, t.skill))


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked portfolio."""

    portfolio_id: int
    score: float
    explanation: Explanation | None = None
