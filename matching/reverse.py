"""The learner's direction: occupations, needs and bristyrken for one portfolio, with gaps."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator

from matching.explain import SkillTerm, Status
from matching.index import distinct_claims
from matching.records import Need, Portfolio
from matching.search import Matcher


@dataclass(frozen=True, slots=True)
class Gap:
    """A skill not fully met and the score points meeting it fully would add.

    ``kind`` says what would close it: "missing" (learn the skill; one only related to it is
    held), "level" (held below the asked level: learn more) or "evidence" (held at the level
    but less proven than certified: have it validated, no course needed).
    """

    skill: str
    gain: float
    kind: str = "missing"


def _gap_kind(term: SkillTerm) -> str:
    """Say what would close the gap a need skill leaves (see ``Gap``)."""
    if term.status is not Status.EXACT:
        return "missing"
    return "level" if term.below_level else "evidence"


@dataclass(frozen=True, slots=True)
class Fit:
    """One ranked target (occupation, need or bristyrke) for a portfolio."""

    target: Hashable
    score: float  # 0..100: what is ranked (for bristyrken: fit x shortage)
    fit: float  # 0..100: how much of the target the portfolio covers
    gaps: list[Gap]
    probability: float | None = None  # occupations: P(occupation | skills)
    shortage: float | None = None  # bristyrken: shortage weight 0..1


class Recommender(BaseEstimator):  # type: ignore[misc]
    """Rank what a portfolio fits, each with the missing skills that would raise it most."""

    def __init__(self, n_gaps: int = 5) -> None:
        self.n_gaps = n_gaps

    def fit(self, matcher: Matcher) -> Recommender:
        """Use the matcher's index, space and occupation model."""
        self.matcher_ = matcher
        self.index_ = matcher.index_
        if self.index_.occupations is None:
            raise ValueError("the index needs an OccupationModel to recommend occupations")
        self.model_ = self.index_.occupations
        self.space_ = self.index_.space
        return self

    def _coverage(self, portfolio: Portfolio, occupations: np.ndarray) -> list[Fit]:
        """Return profile coverage (LLR-weighted) and gaps for these occupation indices."""
        present = np.fromiter(distinct_claims(self.space_, portfolio), dtype=np.int64)
        w = self.model_.weights_
        out = []
        for o in occupations:
            lo, hi = w.indptr[o], w.indptr[o + 1]
            gain = np.maximum(w.data[lo:hi], 0.0)
            total = max(gain.sum(), 1e-12)
            held = np.isin(w.indices[lo:hi], present)
            fit = 100.0 * gain[held].sum() / total
            gaps = [
                Gap(str(self.space_.skill_ids_[s]), 100.0 * max(g, 0.0) / total)
                for s, g in self.model_.gaps(present, int(o), self.n_gaps)
            ]
            out.append(Fit(str(self.space_.occupation_ids_[o]), fit, fit, gaps))
        return out

    def occupations(self, portfolio: Portfolio, k: int = 10) -> list[Fit]:
        """Return the ``k`` most probable occupations for the portfolio's skills."""
        present = np.fromiter(distinct_claims(self.space_, portfolio), dtype=np.int64)
        x = self.index_.presence(np.zeros(len(present), np.int64), present, 1)
        scores = self.model_.log_likelihood(x)[0]
        finite = np.isfinite(scores)
        prob = np.zeros_like(scores)
        prob[finite] = np.exp(scores[finite] - scores[finite].max())
        prob /= max(prob.sum(), 1e-300)
        names = self.space_.occupation_ids_
        order = np.lexsort((names, -scores))[:k]
        order = order[finite[order]]
        fits = self._coverage(portfolio, order)
        return [
            Fit(f.target, f.score, f.fit, f.gaps, probability=float(prob[o]))
            for f, o in zip(fits, order, strict=True)
        ]

    def bristyrken(
        self, portfolio: Portfolio, shortage: Mapping[str, float], k: int = 10
    ) -> list[Fit]:
        """Rank shortage occupations by coverage x shortage weight (0..1)."""
        known = [(o, s) for o, s in shortage.items() if o in self.space_.occupation_index_]
        idx = np.array([self.space_.occupation_index_[o] for o, _ in known], dtype=np.int64)
        fits = self._coverage(portfolio, idx)
        ranked = [
            Fit(f.target, f.fit * w, f.fit, f.gaps, shortage=w)
            for f, (_, w) in zip(fits, known, strict=True)
        ]
        ranked.sort(key=lambda f: (-f.score, str(f.target)))
        return ranked[:k]

    def needs(self, portfolio: Portfolio, needs: Mapping[Hashable, Need], k: int = 10) -> list[Fit]:
        """Rank needs by the score an employer would see, with the need skills most worth adding."""
        index = self.index_
        if portfolio.id not in index:
            index = index.single(portfolio)  # not searchable (no consent) but still advisable
        matcher = Matcher(**self.matcher_.get_params()).fit(index)
        out = []
        for key, need in needs.items():
            e = matcher.explain(need, [portfolio.id])[0]
            # The best gaps to learn, then the best to prove: a held skill never crowds out
            # a missing one.
            gaps = [Gap(t.skill, t.max_points - t.points, _gap_kind(t)) for t in e.gaps()]
            learn = [g for g in gaps if g.kind != "evidence"][: self.n_gaps]
            gaps = learn + [g for g in gaps if g.kind == "evidence"][: self.n_gaps]
            skill_max = sum(t.max_points for t in e.skills) or 1.0
            fit = 100.0 * sum(t.points for t in e.skills) / skill_max
            out.append(Fit(key, e.score, fit, gaps))
        out.sort(key=lambda f: (-f.score, str(f.target)))
        return out[:k]
