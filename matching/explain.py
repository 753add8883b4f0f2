"""What a score is made of: one term per need skill plus the small signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from matching.index import LEVELS
from matching.plan import Plan, RowParts
from matching.records import Evidence
from matching.space import Link, SkillSpace


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


_term = tuple.__new__  # builds a SkillTerm without NamedTuple's Python-level __new__
_LINK_NAMES = tuple(link.name.lower() for link in Link)
_EVIDENCE = tuple(Evidence)


def explain_rows(
    space: SkillSpace,
    plan: Plan,
    parts: RowParts,
    rows: list[int],
    scores: list[float],
    pids: list[int],
) -> list[Explanation]:
    """Split each row's score into one term per need skill and the signals."""
    scale = plan.points["skill"] / max(plan.weight.sum(), 1e-12)
    max_points = (plan.weight * scale).tolist()
    heads = list(zip(plan.need_ids, plan.must.tolist(), plan.min_level.tolist(), strict=True))
    via = space.skill_ids_[plan.cols].tolist()
    links = [_LINK_NAMES[x] for x in plan.link.tolist()]
    sims = plan.similarity.tolist()
    out = []
    for i, score, pid in zip(rows, scores, pids, strict=True):
        terms = []
        for (skill, must, min_level), top, credit, b, code in zip(
            heads,
            max_points,
            parts.credit[i].tolist(),
            parts.best[i].tolist(),
            parts.best_code[i].tolist(),
            strict=True,
        ):
            if b < 0 or credit <= 0:
                missing = (skill, must, min_level, Status.MISSING, 0.0, top, 0.0)
                terms.append(_term(SkillTerm, (*missing, None, None, 0.0, None, None)))
                continue
            status = Status.EXACT if links[b] == "same" else Status.RELATED
            terms.append(
                _term(
                    SkillTerm,
                    (
                        skill,
                        must,
                        min_level,
                        status,
                        top * credit,
                        top,
                        credit,
                        via[b],
                        links[b],
                        sims[b],
                        code % LEVELS + 1,
                        _EVIDENCE[code // LEVELS],
                    ),
                )
            )
        out.append(
            Explanation(
                portfolio_id=pid,
                score=score,
                skills=terms,
                occupation=float(plan.points["occupation"] * parts.occupation[i]),
                occupation_fit=float(parts.occupation[i]),
                languages=float(plan.points["languages"] * parts.languages[i]),
                location=float(plan.points["location"] * parts.location[i]),
                text=float(plan.points["text"] * parts.text[i]),
            )
        )
    return out
