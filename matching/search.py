"""Score needs against the portfolio index: ranked, exact top-k with explanations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator

from matching.explain import Explanation, Match, explain_rows
from matching.index import PortfolioIndex, municipality_code
from matching.plan import Plan, RowParts, credit_table, expand, neighbours
from matching.records import Need
from matching.topk import top_k

try:
    # scipy's C kernel behind ``csc_matrix @ vector`` (y += A @ x), called once per key on
    # that key's postings as they lie in the index: the public route must first copy all
    # of a need's postings into one matrix, which costs a tenth of a search at 1M rows.
    # It is private API (stable since scipy 0.14); without it the public route is taken.
    from scipy.sparse._sparsetools import csc_matvec as _csc_matvec
except ImportError:  # pragma: no cover - a future scipy; the fallback is tested directly
    _csc_matvec = None

_SAMPLE_POSTINGS = 4096  # postings sampled per search to guess the first threshold
_FLOOR_SAMPLE = 4  # sampled rows per wanted row when guessing the first threshold
_CROWD = 4  # sample entries read per sampled row wanted, as one row may appear many times
_SLACK = 1e-3  # score points; above the rounding of float32 upper bounds over ~100 terms


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
        for level in range(1, len(self.table_)):  # ready now, not on the first search
            index.skills_.look_up(self._level_table(level))
        return self

    def _level_table(self, level: int) -> NDArray[np.float32]:
        """Return the credit of each posting code judged against one minimum level."""
        table: NDArray[np.float32] = self.table_[level].astype(np.float32)
        return table

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
        col_weight = weight[owner] * sim * scale
        col_at = np.full(space.n_skills, -1, dtype=np.int32)
        col_at[cols] = np.arange(len(cols), dtype=np.int32)
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
            col_weight,
            min_level[owner],
            occ_keys,
            occ_weight,
            text_keys.astype(np.int64),
            text_w.astype(np.float64) * points["text"],
            points,
            col_at,
        )

    # -- searching ----------------------------------------------------------------------------
    def dense_scores(self, plan: Plan) -> tuple[NDArray[np.float32], NDArray[np.int32]]:
        """Return every row's upper-bound score (skill credit uncapped) and a sample of rows.

        Each key's postings are one sparse column and its weight the factor it is multiplied
        by, summed into a float32 vector in C: half the cache traffic of a float64 bincount
        at a million rows. The sample holds the row of every ``step``-th posting, so a row
        with many of the need's postings (a likely winner) is more often in it.
        """
        index = self.index_
        parts: list[tuple[int, NDArray[np.int32], NDArray[np.float32]]] = []
        weights: list[NDArray[np.float64]] = []
        for level in np.unique(plan.col_level).tolist():
            pick = np.flatnonzero(plan.col_level == level)
            found = index.skills_.looked_up_slices(plan.cols[pick], self._level_table(level))
            parts += found
            weights.append(plan.col_weight[pick[[j for j, _, _ in found]]])
        signals = [(index.occupation_fit_, plan.occ_keys, plan.occ_weight)]
        if len(plan.text_keys):  # a need has text keys only when the index has a text model
            signals.append((index.text_, plan.text_keys, plan.text_weight))
        for postings, keys, weight in signals:
            if len(keys):
                found = postings.slices(keys)
                parts += found
                weights.append(weight[[j for j, _, _ in found]])
        if not parts:
            return np.zeros(index.n_rows_, dtype=np.float32), np.zeros(0, dtype=np.int32)
        x = np.concatenate(weights).astype(np.float32)
        step = max(1, sum(len(r) for _, r, _ in parts) // _SAMPLE_POSTINGS)
        sample = np.concatenate([r[::step] for _, r, _ in parts])
        if _csc_matvec is None:
            indptr = np.zeros(len(parts) + 1, dtype=np.int64)
            np.cumsum([len(r) for _, r, _ in parts], out=indptr[1:])
            rows = np.concatenate([r for _, r, _ in parts])
            data = np.concatenate([v for _, _, v in parts])
            matrix = sp.csc_matrix((data, rows, indptr), shape=(index.n_rows_, len(parts)))
            return matrix @ x, sample
        dense = np.zeros(index.n_rows_, dtype=np.float32)
        one = np.zeros(2, dtype=np.int32)  # a single column: its postings start at 0
        for j, (_, r, v) in enumerate(parts):
            one[1] = len(r)
            _csc_matvec(index.n_rows_, 1, one, r, v, x[j : j + 1], dense)  # dense += x[j] * v
        return dense, sample

    def rank_linear(self, plan: Plan, k: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Return the top-k portfolio ids and scores by the bare weighted sum (no caps, signals).

        This is the primitive a SQL ``GROUP BY ... ORDER BY score`` computes; benchmarks
        compare it with other engines.
        """
        dense, sample = self.dense_scores(plan)
        index = self.index_
        sample = np.unique(sample[index.alive_[sample]])
        floor = 0.0
        if len(sample) > k:
            floor = float(np.partition(dense[sample], len(sample) - k)[len(sample) - k])
        cand = np.flatnonzero(dense >= floor) if floor > 0 else np.flatnonzero(dense)
        cand = cand[index.alive_[cand]]
        ids = index.ids_[cand]
        sel, _, _ = top_k(dense[cand].astype(np.float64), ids, k)
        return ids[sel], dense[cand[sel]].astype(np.float64)

    def _exact(
        self, need: Need, plan: Plan, rows: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], RowParts]:
        """Return exact float64 scores and their parts for a few rows."""
        parts = self._rows(need, plan, rows)
        return self._total(plan, parts), parts

    def _total(self, plan: Plan, parts: RowParts) -> NDArray[np.float64]:
        """Sum the explained contributions, so a score equals its explanation's sum."""
        scale = plan.points["skill"] / max(plan.weight.sum(), 1e-12)
        p = plan.points
        total: NDArray[np.float64] = (
            parts.credit @ (plan.weight * scale)
            + p["occupation"] * parts.occupation
            + p["languages"] * parts.languages
            + p["location"] * parts.location
            + p["text"] * parts.text
        )
        return total

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

    def _threshold(self, dense: NDArray[np.float32], sample: NDArray[np.int32], k: int) -> float:
        """Return a dense score that a few times ``k`` rows reach, judged from a sample.

        The ``_FLOOR_SAMPLE * k``-th best sampled row stands for a few hundred rows above it
        in the whole index.
        """
        sample = sample[self.index_.alive_[sample]]
        j = _FLOOR_SAMPLE * k
        m = _CROWD * j
        if len(sample) <= m:
            return 0.0
        # A row is in the sample once per sampled posting: the best m entries, made unique,
        # hold the j best rows unless a few rows crowd them (then a lower cut).
        values = dense[sample]
        best = np.argpartition(values, len(values) - m)[len(values) - m :]
        rows = np.unique(sample[best])
        if len(rows) <= j:
            return float(values[best].min())
        top = dense[rows]
        return float(np.partition(top, len(top) - j)[len(top) - j])

    def search(self, need: Need, k: int = 20, explain: bool = True) -> list[Match]:
        """Return the ``k`` best portfolios by (score desc, portfolio id asc).

        Dense scores are upper bounds (credits uncapped, language and location left out), so
        only rows whose bound can beat the k-th exact score are scored exactly. A sampled
        threshold picks the first candidates; their exact k-th score then proves, or lowers,
        the threshold.
        """
        plan = self.plan(need)
        dense, sample = self.dense_scores(plan)
        if len(sample) == 0:
            return []
        signals = plan.points["languages"] + plan.points["location"]
        cut = self._threshold(dense, sample, k)
        scored: tuple[NDArray[np.int64], NDArray[np.float64], RowParts] | None = None
        m = max(self.oversample * k, k + 10)
        lowered = False
        while True:
            cand = np.flatnonzero(dense >= cut) if cut > 0 else np.flatnonzero(dense)
            cand = cand[self.index_.alive_[cand]]
            if len(cand) == 0:
                return []
            lang, loc = self._signals(need, plan, cand)
            upper = dense[cand] + plan.points["languages"] * lang + plan.points["location"] * loc
            ids = self.index_.ids_[cand]
            # Rows left out of ``cand`` have bounds below this (none when every row is in).
            outside = cut + signals + _SLACK if cut > 0 else -np.inf
            while True:
                sel, rest_score, _ = top_k(upper, ids, m)
                exact, parts, scored = self._scored(need, plan, cand[sel], scored)
                order = np.lexsort((ids[sel], -exact))[:k]
                kth = exact[order[-1]] if len(order) == k else -np.inf
                # Float32 bounds: only a clear margin proves nobody left out beats the k-th.
                if kth > rest_score + _SLACK or len(sel) == len(cand):
                    break
                m *= 4  # capped credits reordered the head; widen until the proof holds
            if cut == 0 or lowered or kth >= outside:
                break
            # Too few rows reached the sampled threshold: the exact k-th score found so far
            # is a floor for the true one, so rows whose bound stays below it can go. Rows
            # still left out then score below that floor, so the next round is the last.
            cut = max(kth - signals - _SLACK, 0.0) if np.isfinite(kth) else 0.0
            lowered = True
        pids = ids[sel][order].tolist()
        scores = exact[order].tolist()
        if not explain:
            return [Match(p, s) for p, s in zip(pids, scores, strict=True)]
        explained = explain_rows(self.space_, plan, parts, order.tolist(), scores, pids)
        return [Match(e.portfolio_id, e.score, e) for e in explained]

    def _scored(
        self,
        need: Need,
        plan: Plan,
        rows: NDArray[np.int64],
        known: tuple[NDArray[np.int64], NDArray[np.float64], RowParts] | None,
    ) -> tuple[
        NDArray[np.float64], RowParts, tuple[NDArray[np.int64], NDArray[np.float64], RowParts]
    ]:
        """Return exact scores and parts of ``rows``, computing only those not yet ``known``.

        Also returns the grown record of scored rows (sorted by row) for the next call.
        """
        if known is None:
            exact, parts = self._exact(need, plan, rows)
            order = np.argsort(rows)
            return exact, parts, (rows[order], exact[order], parts.take(order))
        known_rows, known_exact, known_parts = known
        at = np.minimum(np.searchsorted(known_rows, rows), len(known_rows) - 1)
        have = known_rows[at] == rows
        if have.all():
            return known_exact[at], known_parts.take(at), known
        new_rows = rows[~have]
        new_exact, new_parts = self._exact(need, plan, new_rows)
        exact = known_exact[at].copy()
        exact[~have] = new_exact
        parts = known_parts.take(at).fill(~have, new_parts)
        all_rows = np.concatenate([known_rows, new_rows])
        order = np.argsort(all_rows)
        grown = (
            all_rows[order],
            np.concatenate([known_exact, new_exact])[order],
            known_parts.then(new_parts).take(order),
        )
        return exact, parts, grown

    def _rows(self, need: Need, plan: Plan, rows: NDArray[np.int64]) -> RowParts:
        """Compute exact per-need-skill credits and signals for a few rows."""
        index, n_need = self.index_, len(plan.weight)
        owner_row, keys, codes = index.skills_.of_rows(rows)
        hit = np.flatnonzero(plan.col_at[keys] >= 0)
        owner_row, k, codes = owner_row[hit], plan.col_at[keys[hit]], codes[hit]
        s = plan.owner[k]
        value = plan.similarity[k] * self.table_[plan.min_level[s], codes]
        flat = owner_row * n_need + s
        # Related skills do not add up: three kinds of welding are not more than welding.
        # Each (row, need skill) takes its best credit; on a tie, the first column.
        credit = np.zeros(len(rows) * n_need)
        np.maximum.at(credit, flat, value)
        top = np.flatnonzero(value >= credit[flat])
        first = np.full(len(rows) * n_need, len(plan.cols), dtype=np.int32)
        np.minimum.at(first, flat[top], k[top])
        top = top[k[top] == first[flat[top]]]
        best = np.full(len(rows) * n_need, -1, dtype=np.int64)
        best_code = np.zeros(len(rows) * n_need, dtype=np.int64)
        best[flat[top]] = k[top]
        best_code[flat[top]] = codes[top]
        occupation = np.zeros(len(rows))
        if len(plan.occ_keys):
            o_row, o_key, prob = index.occupation_fit_.of_rows(rows)
            w = np.zeros(index.occupation_fit_.n_keys)
            w[plan.occ_keys] = plan.occ_weight / max(plan.points["occupation"], 1e-12)
            occupation = np.bincount(o_row, w[o_key] * prob, minlength=len(rows)).astype(float)
        text = np.zeros(len(rows))
        if len(plan.text_keys):
            t_row, t_key, val = index.text_.of_rows(rows)
            at = np.minimum(np.searchsorted(plan.text_keys, t_key), len(plan.text_keys) - 1)
            tw = np.where(plan.text_keys[at] == t_key, plan.text_weight[at], 0.0)
            text = np.bincount(t_row, tw * val, minlength=len(rows)) / max(
                plan.points["text"], 1e-12
            )
        lang, loc = self._signals(need, plan, rows)
        shape = (len(rows), n_need)
        return RowParts(
            credit.reshape(shape),
            best.reshape(shape),
            best_code.reshape(shape),
            occupation,
            text,
            lang,
            loc,
        )

    # -- explaining ---------------------------------------------------------------------------
    def explain(self, need: Need, portfolio_ids: Iterable[int]) -> list[Explanation]:
        """Return exact explained scores of these portfolios for a need, in the given order."""
        plan = self.plan(need)
        pids = list(portfolio_ids)
        rows = self.index_.rows(pids)
        parts = self._rows(need, plan, rows)
        drafts = explain_rows(
            self.space_, plan, parts, list(range(len(pids))), [0.0] * len(pids), pids
        )
        return [replace(e, score=sum(e.contributions().values())) for e in drafts]
