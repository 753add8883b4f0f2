"""What a score is made of: one term per need skill plus the small signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import NamedTuple

import numpy as np

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


_term = partial(tuple.__new__, SkillTerm)  # a SkillTerm without NamedTuple's Python __new__
_LINK_NAMES = tuple(link.name.lower() for link in Link)
_SAME = _LINK_NAMES.index("same")
_STATUSES = np.array([Status.EXACT, Status.RELATED, Status.MISSING], dtype=object)
_LEVELS = np.array([*range(1, LEVELS + 1), None], dtype=object)
_EVIDENCES = np.array([*Evidence, None], dtype=object)


def explain_rows(
    space: SkillSpace,
    plan: Plan,
    parts: RowParts,
    rows: list[int],
    scores: list[float],
    pids: list[int],
) -> list[Explanation]:
    """Split each row's score into one term per need skill and the signals.

    The terms' fields are built as whole columns and zipped into tuples: one Python step
    per term instead of a dozen keeps explaining the top 20 well under a millisecond.
    """
    n = len(plan.need_ids)
    scale = plan.points["skill"] / max(plan.weight.sum(), 1e-12)
    top = np.tile(plan.weight * scale, len(rows))
    credit = parts.credit[rows].ravel()
    best = parts.best[rows].ravel()
    code = parts.best_code[rows].ravel()
    met = (best >= 0) & (credit > 0)
    at = np.where(met, best, -1)  # -1 picks the trailing "nothing" of each lookup
    kind = np.where(met, np.where(plan.link[best] == _SAME, 0, 1), 2)
    level = np.where(met, code % LEVELS, LEVELS)
    evidence = np.where(met, code // LEVELS, len(_EVIDENCES) - 1)
    columns = (
        plan.need_ids * len(rows),
        plan.must.tolist() * len(rows),
        plan.min_level.tolist() * len(rows),
        _STATUSES[kind].tolist(),
        np.where(met, top * credit, 0.0).tolist(),
        top.tolist(),
        np.where(met, credit, 0.0).tolist(),
        np.array([*space.skill_ids_[plan.cols].tolist(), None], dtype=object)[at].tolist(),
        np.array([*_LINK_NAMES, None], dtype=object)[np.append(plan.link, -1)[at]].tolist(),
        np.append(plan.similarity, 0.0)[at].tolist(),
        _LEVELS[level].tolist(),
        _EVIDENCES[evidence].tolist(),
    )
    terms = list(map(_term, zip(*columns, strict=True)))
    p = plan.points
    fit = parts.occupation[rows]
    signals = zip(
        (p["occupation"] * fit).tolist(),
        fit.tolist(),
        (p["languages"] * parts.languages[rows]).tolist(),
        (p["location"] * parts.location[rows]).tolist(),
        (p["text"] * parts.text[rows]).tolist(),
        strict=True,
    )
    return [
        Explanation(pid, score, terms[i * n : (i + 1) * n], *signal)
        for i, (score, pid, signal) in enumerate(zip(scores, pids, signals, strict=True))
    ]
