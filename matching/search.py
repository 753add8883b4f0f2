"""Score needs against the portfolio index: ranked, exact top-k with explanations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator

from matching.explain import Explanation, Match, SkillTerm, Status
from matching.index import LEVELS, PortfolioIndex, municipality_code
from matching.plan import Plan, credit_table, expand, neighbours
from matching.records import Evidence, Need
from matching.space import Link
from matching.topk import top_k


@dataclass(slots=True)
class _Rows:
    """Exact per-row parts for a handful of rows."""

    credit: NDArray[np.float64]  # (rows, need skills): the best single contribution, 0..1
    summed: NDArray[np.float64]  # (rows, need skills): all contributions, as the bound adds them
    best: NDArray[np.int64]  # (rows, need skills): index into cols of the best contributor, -1
    best_code: NDArray[np.int64]
    occupation: NDArray[np.float64]  # fit 0..1
    text: NDArray[np.float64]
    languages: NDArray[np.float64]
    location: NDArray[np.float64]


class Matcher(BaseEstimator):  # type: ignore[misc]
    """Rank portfolios for a need; every score in [0, 100] splits into explained terms."""

    def __init__(
        self,
        must_weight: float = 2.5,
        nice_weight: float = 1.0,
        specificity: float = 0.5,
        evidence_weights: tuple[float, float, float, float] = (0.5, 0.625, 0.875, 1.0),
        below_level: float = 0.5,
        skill_points: float = 60.0,
        occupation_points: float = 25.0,
        language_points: float = 5.0,
        location_points: float = 5.0,
        text_points: float = 5.0,
        family_credit: float = 0.5,
        same_region: float = 0.5,
        oversample: int = 3,
    ) -> None:
        self.must_weight = must_weight
        self.nice_weight = nice_weight
        self.specificity = specificity
        self.evidence_weights = evidence_weights
        self.below_level = below_level
        self.skill_points = skill_points
        self.occupation_points = occupation_points
        self.language_points = language_points
        self.location_points = location_points
        self.text_points = text_points
        self.family_credit = family_credit
        self.same_region = same_region
        self.oversample = oversample

    def fit(self, index: PortfolioIndex) -> Matcher:
        """Attach the index to search; it may change afterwards, the matcher follows it."""
        self.index_ = index
        self.space_ = index.space
        self.table_ = credit_table(self.evidence_weights, self.below_level)
        return self

    # -- planning -----------------------------------------------------------------------------
    def plan(self, need: Need) -> Plan:
        """Turn a need into weighted posting keys and the points each signal can bring."""
        space, index = self.space_, self.index_
        idx, ids, must, min_level, weight = expand(
            space, need, self.must_weight, self.nice_weight, self.specificity
        )
        occ = space.occupation_index_.get(need.occupation) if need.occupation else None
        text_keys, text_w = np.zeros(0, np.int64), np.zeros(0, np.float32)
        if need.text and index.text_model_ is not None:
            text_keys, text_w = index.text_model_.vector(need.text)
        points = {
            "skill": self.skill_points if len(ids) else 0.0,
            "occupation": self.occupation_points if occ is not None else 0.0,
            "languages": self.language_points if need.languages else 0.0,
            "location": self.location_points if need.municipality else 0.0,
            "text": self.text_points if len(text_keys) else 0.0,
        }
        total = sum(points.values()) or 1.0
        points = {k: 100.0 * v / total for k, v in points.items()}
        cols, owner, sim, link = neighbours(space, idx, weight)
        scale = points["skill"] / max(weight.sum(), 1e-12)
        col_table = (weight[owner] * sim)[:, None] * self.table_[min_level[owner]] * scale
        occ_keys, occ_weight = np.zeros(0, np.int64), np.zeros(0)
        if occ is not None:
            family = space.family_members(occ)
            occ_keys = np.concatenate([[occ], family]).astype(np.int64)
            occ_weight = np.concatenate([[1.0], np.full(len(family), self.family_credit)])
            occ_weight *= points["occupation"]
        return Plan(
            idx,
            ids,
            must,
            min_level,
            weight,
            cols,
            owner,
            sim,
            link,
            col_table,
            occ_keys,
            occ_weight,
            text_keys.astype(np.int64),
            text_w.astype(np.float64) * points["text"],
            points,
        )

    # -- searching ----------------------------------------------------------------------------
    def linear_scores(self, plan: Plan) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Return candidate rows and their upper-bound scores (skill credit uncapped)."""
        index = self.index_
        rows, codes, which = index.skills_.gather(plan.cols)
        parts_r = [rows]
        parts_w = [plan.col_table.ravel()[which * plan.col_table.shape[1] + codes]]
        if len(plan.occ_keys):
            r, p, w = index.occupation_fit_.gather(plan.occ_keys)
            parts_r.append(r)
            parts_w.append(plan.occ_weight[w] * p)
        if len(plan.text_keys):
            r, v, w = index.text_.gather(plan.text_keys)
            parts_r.append(r)
            parts_w.append(plan.text_weight[w] * v)
        all_rows = np.concatenate(parts_r) if len(parts_r) > 1 else rows
        all_w = np.concatenate(parts_w) if len(parts_w) > 1 else parts_w[0]
        dense = np.bincount(all_rows, all_w, minlength=index.n_rows_)
        cand = np.flatnonzero(dense)
        cand = cand[index.alive_[cand]]
        return cand, dense[cand]

    def _signals(
        self, need: Need, plan: Plan, rows: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return language fit and location fit (each 0..1) of these rows."""
        index = self.index_
        lang = np.zeros(len(rows))
        if plan.points["languages"]:
            for code, minimum in need.languages.items():
                held = index._language(code)[rows].astype(np.int64)
                fit = np.where(held >= minimum, 1.0, self.below_level ** (minimum - held))
                lang += np.where(held > 0, fit, 0.0)
            lang /= len(need.languages)
        loc = np.zeros(len(rows))
        if plan.points["location"]:
            want = municipality_code(need.municipality)
            got = index.municipality_[rows]
            region = (got // 100 == want // 100) & (got >= 0)
            loc = np.where(got == want, 1.0, np.where(region, self.same_region, 0.0))
        return lang, loc

    def search(self, need: Need, k: int = 20, explain: bool = True) -> list[Match]:
        """Return the ``k`` best portfolios by (score desc, portfolio id asc)."""
        plan = self.plan(need)
        cand, upper = self.linear_scores(plan)
        if len(cand) == 0:
            return []
        lang, loc = self._signals(need, plan, cand)
        upper = upper + plan.points["languages"] * lang + plan.points["location"] * loc
        ids = self.index_.ids_[cand]
        m = max(self.oversample * k, k + 10)
        while True:
            sel, rest_score, rest_id = top_k(upper, ids, m)
            parts = self._rows(need, plan, cand[sel])
            exact = upper[sel] - self._excess(plan, parts)
            order = np.lexsort((ids[sel], -exact))[:k]
            last = order[-1]
            proven = (exact[last], -ids[sel][last]) > (rest_score, -rest_id)
            if proven or len(sel) == len(cand):
                break
            m *= 4  # capped credits reordered the head; widen until the proof holds
        out = []
        for i in order:
            pid = int(ids[sel][i])
            expl = self._explain(plan, parts, int(i), float(exact[i]), pid) if explain else None
            out.append(Match(pid, float(exact[i]), expl))
        return out

    def _excess(self, plan: Plan, parts: _Rows) -> NDArray[np.float64]:
        """Return the points the upper bound gave beyond each need skill's best contribution."""
        over = np.maximum(parts.summed - parts.credit, 0.0) @ plan.weight
        return over * plan.points["skill"] / max(plan.weight.sum(), 1e-12)

    def _rows(self, need: Need, plan: Plan, rows: NDArray[np.int64]) -> _Rows:
        """Compute exact per-need-skill credits and signals for a few rows."""
        index, n_need = self.index_, len(plan.weight)
        pos = np.full(self.space_.n_skills, -1, dtype=np.int64)
        pos[plan.cols] = np.arange(len(plan.cols))
        owner_row, keys, codes = index.skills_.of_rows(rows)
        k = pos[keys]
        hit = k >= 0
        owner_row, k, codes = owner_row[hit], k[hit], codes[hit].astype(np.int64)
        s = plan.owner[k]
        value = plan.similarity[k] * self.table_[plan.min_level[s], codes]
        flat = owner_row * n_need + s
        summed = np.bincount(flat, value, minlength=len(rows) * n_need)
        credit = np.zeros(len(rows) * n_need)
        best = np.full(len(rows) * n_need, -1, dtype=np.int64)
        best_code = np.zeros(len(rows) * n_need, dtype=np.int64)
        order = np.lexsort((k, -value, flat))
        flat_o = flat[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = flat_o[1:] != flat_o[:-1]
        best[flat_o[first]] = k[order][first]
        # Related skills do not add up: three kinds of welding are not more than welding.
        credit[flat_o[first]] = value[order][first]
        best_code[flat_o[first]] = codes[order][first]
        occupation = np.zeros(len(rows))
        if len(plan.occ_keys):
            o_row, o_key, prob = index.occupation_fit_.of_rows(rows)
            w = np.zeros(index.occupation_fit_.n_keys)
            w[plan.occ_keys] = plan.occ_weight / max(plan.points["occupation"], 1e-12)
            occupation = np.bincount(o_row, w[o_key] * prob, minlength=len(rows))
        text = np.zeros(len(rows))
        if len(plan.text_keys):
            t_row, t_key, val = index.text_.of_rows(rows)
            q = dict(zip(plan.text_keys.tolist(), plan.text_weight.tolist(), strict=True))
            tw = np.array([q.get(t, 0.0) for t in t_key.tolist()])
            text = np.bincount(t_row, tw * val, minlength=len(rows)) / max(
                plan.points["text"], 1e-12
            )
        lang, loc = self._signals(need, plan, rows)
        shape = (len(rows), n_need)
        return _Rows(
            credit.reshape(shape),
            summed.reshape(shape),
            best.reshape(shape),
            best_code.reshape(shape),
            occupation,
            text,
            lang,
            loc,
        )

    # -- explaining ---------------------------------------------------------------------------
    def _explain(self, plan: Plan, parts: _Rows, i: int, score: float, pid: int) -> Explanation:
        """Split row ``i``'s score into one term per need skill and the signals."""
        scale = plan.points["skill"] / max(plan.weight.sum(), 1e-12)
        terms = []
        for s, skill in enumerate(plan.need_ids):
            credit = min(float(parts.credit[i, s]), 1.0)
            b = int(parts.best[i, s])
            common = {
                "skill": skill,
                "must": bool(plan.must[s]),
                "min_level": int(plan.min_level[s]),
                "max_points": float(plan.weight[s] * scale),
            }
            if b < 0 or credit <= 0:
                terms.append(SkillTerm(status=Status.MISSING, points=0.0, credit=0.0, **common))
                continue
            link = Link(int(plan.link[b]))
            code = int(parts.best_code[i, s])
            terms.append(
                SkillTerm(
                    status=Status.EXACT if link is Link.SAME else Status.RELATED,
                    points=float(plan.weight[s] * scale * credit),
                    credit=credit,
                    via=str(self.space_.skill_ids_[plan.cols[b]]),
                    link=link.name.lower(),
                    similarity=float(plan.similarity[b]),
                    level=code % LEVELS + 1,
                    evidence=Evidence(code // LEVELS),
                    **common,
                )
            )
        return Explanation(
            portfolio_id=pid,
            score=score,
            skills=terms,
            occupation=float(plan.points["occupation"] * parts.occupation[i]),
            occupation_fit=float(parts.occupation[i]),
            languages=float(plan.points["languages"] * parts.languages[i]),
            location=float(plan.points["location"] * parts.location[i]),
            text=float(plan.points["text"] * parts.text[i]),
        )

    def explain(self, need: Need, portfolio_ids: Iterable[int]) -> list[Explanation]:
        """Return exact explained scores of these portfolios for a need, in the given order."""
        plan = self.plan(need)
        pids = list(portfolio_ids)
        rows = self.index_.rows(pids)
        parts = self._rows(need, plan, rows)
        out = []
        for i, pid in enumerate(pids):
            e = self._explain(plan, parts, i, 0.0, pid)
            out.append(replace(e, score=sum(e.contributions().values())))
        return out
