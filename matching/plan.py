"""A need turned into weighted posting keys: expanded skills, occupation fits, text terms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching.index import CODES, LEVELS
from matching.records import Need
from matching.space import SkillSpace


@dataclass(slots=True)
class RowParts:
    """Exact per-row parts of a score for a handful of rows."""

    credit: NDArray[np.float64]  # (rows, need skills): the best single contribution, 0..1
    best: NDArray[np.int64]  # (rows, need skills): index into cols of the best contributor, -1
    best_code: NDArray[np.int64]
    occupation: NDArray[np.float64]  # fit 0..1
    text: NDArray[np.float64]
    languages: NDArray[np.float64]
    location: NDArray[np.float64]

    def take(self, idx: NDArray[np.int64]) -> RowParts:
        """Return the parts of these rows (positions into this one)."""
        return RowParts(*(getattr(self, f)[idx] for f in self.__slots__))

    def then(self, other: RowParts) -> RowParts:
        """Return these rows' parts followed by ``other``'s."""
        return RowParts(
            *(np.concatenate([getattr(self, f), getattr(other, f)]) for f in self.__slots__)
        )

    def fill(self, mask: NDArray[np.bool_], other: RowParts) -> RowParts:
        """Return these parts where ``mask`` is false, ``other``'s (in order) where true."""
        out = []
        for f in self.__slots__:
            mine = getattr(self, f).copy()
            mine[mask] = getattr(other, f)
            out.append(mine)
        return RowParts(*out)


def credit_table(evidence_weights: tuple[float, ...], below_level: float) -> NDArray[np.float64]:
    """Return credit[min_level, code] = evidence weight x level fit (rows 0..4, row 0 unused)."""
    code = np.arange(CODES)
    level = code % LEVELS + 1
    weight = np.asarray(evidence_weights, dtype=np.float64)[code // LEVELS]
    table = np.zeros((LEVELS + 1, CODES))
    for min_level in range(1, LEVELS + 1):
        short = np.maximum(min_level - level, 0)
        table[min_level] = weight * below_level**short
    return table


@dataclass(slots=True)
class Plan:
    """Everything a search needs from one need, computed once."""

    need_skill: NDArray[np.int64]  # per need skill: skill index, -1 when unknown
    need_ids: list[str]
    must: NDArray[np.bool_]
    min_level: NDArray[np.int64]
    weight: NDArray[np.float64]  # w_s; the skill part is sum(w_s * credit_s) / sum(w_s)
    cols: NDArray[np.int64]  # expanded portfolio skills
    owner: NDArray[np.int64]  # the need skill each expanded skill credits
    similarity: NDArray[np.float64]
    link: NDArray[np.int64]
    col_weight: NDArray[np.float64]  # points per unit of credit through each column
    col_level: NDArray[np.int64]  # the minimum level each column's credit is judged by
    occ_keys: NDArray[np.int64]
    occ_weight: NDArray[np.float64]
    text_keys: NDArray[np.int64]
    text_weight: NDArray[np.float64]
    points: dict[str, float]  # skill/occupation/languages/location/text -> maximum points
    col_at: NDArray[np.int32]  # per portfolio skill: its position in ``cols``, -1 if absent


def expand(
    space: SkillSpace, need: Need, must_weight: float, nice_weight: float, specificity: float
) -> tuple[NDArray[np.int64], list[str], NDArray[np.bool_], NDArray[np.int64], NDArray[np.float64]]:
    """Return the need's distinct skills (a must-have wins over a nice-to-have) and weights."""
    best: dict[str, tuple[bool, int]] = {}
    for s in need.skills:
        old = best.get(s.skill)
        if old is None or (s.must, s.min_level) > old:
            # Levels 1..LEVELS, clipped here: np.clip costs tens of microseconds per call.
            best[s.skill] = (s.must, min(max(s.min_level, 1), LEVELS) if s.must else 1)
    ids = list(best)
    idx = space.indices(ids)
    must = np.array([best[s][0] for s in ids], dtype=bool)
    min_level = np.array([best[s][1] for s in ids], dtype=np.int64)
    spec = np.where(idx >= 0, space.specificity_[np.maximum(idx, 0)], 1.0)
    weight = np.where(must, must_weight, nice_weight) * (1 - specificity + specificity * spec)
    return idx, ids, must, min_level, weight


def neighbours(
    space: SkillSpace, idx: NDArray[np.int64], weight: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    """Assign each reachable portfolio skill to one need skill: itself, else the best credit."""
    sim, link = space.similarity_, space.link_
    pos = np.flatnonzero(idx >= 0)
    lo, hi = sim.indptr[idx[pos]], sim.indptr[idx[pos] + 1]
    n = hi - lo
    if not n.sum():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), empty
    starts = np.cumsum(n) - n  # each need skill's row of the similarity matrix, end to end
    at = np.arange(int(n.sum())) + np.repeat(lo - starts, n)
    col, owner = sim.indices[at].astype(np.int64), np.repeat(pos, n)
    val, lnk = sim.data[at].astype(np.float64), link.data[at].astype(np.int64) - 1
    is_self = lnk == 0
    order = np.lexsort((owner, -(weight[owner] * val), ~is_self, col))
    col, owner, val, lnk = col[order], owner[order], val[order], lnk[order]
    first = np.ones(len(col), dtype=bool)
    first[1:] = col[1:] != col[:-1]
    return col[first], owner[first], val[first], lnk[first]
