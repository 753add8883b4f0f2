"""Which occupations a skill set fits: a Bernoulli naive-Bayes model over occupation profiles.

An occupation "emits" each of its essential skills with probability ``p_essential`` and each
optional one with ``p_optional``; any other skill appears with a background probability that
grows with the number of occupations listing it. The log-likelihood ratio is linear in the
skill set: ``X @ weights_.T + bias_``. Rare skills weigh more (specificity falls out of the
background term) and an occupation pays for every profile skill the person lacks, so large
generic profiles do not win by size.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator

from matching.space import SkillSpace


class OccupationModel(BaseEstimator):  # type: ignore[misc]
    """Score occupations for skill sets and find the skills that would raise a score most."""

    def __init__(
        self,
        p_essential: float = 0.3,
        p_optional: float = 0.1,
        background: float = 0.02,
        max_occupations: int = 8,
        min_probability: float = 0.01,
    ) -> None:
        self.p_essential = p_essential
        self.p_optional = p_optional
        self.background = background
        self.max_occupations = max_occupations
        self.min_probability = min_probability

    def fit(self, space: SkillSpace) -> OccupationModel:
        """Derive per-occupation skill weights and biases from the space's profiles."""
        profile = space.profile_.tocoo()
        n_occ = max(profile.shape[0], 1)
        p = np.where(profile.data == 1, self.p_essential, self.p_optional)
        df = space.occupation_count_[profile.col].astype(np.float64)
        eps = np.minimum((df + 1) / n_occ * self.background, 0.5)
        weight = np.log(p / ((1 - p) * eps))
        self.weights_ = sp.csr_matrix((weight, (profile.row, profile.col)), shape=profile.shape)
        bias = np.bincount(profile.row, np.log1p(-p), minlength=profile.shape[0])
        # An occupation without a profile cannot be inferred from skills at all.
        sizes = np.bincount(profile.row, minlength=profile.shape[0])
        self.bias_ = np.where(sizes > 0, bias, -np.inf)
        self.weights_t_ = self.weights_.T.tocsr()
        finite = np.isfinite(self.bias_)
        self._bias_shift = float(self.bias_[finite].max()) if finite.any() else 0.0
        self._shifted_bias_ = self.bias_ - self._bias_shift
        self._prior_ = np.exp(self._shifted_bias_)  # 0 for occupations without a profile
        self._bias_mass = float(self._prior_.sum())
        return self

    def log_likelihood(self, x: sp.csr_matrix) -> NDArray[np.float64]:
        """Return the dense (rows x occupations) log-likelihood ratios of binary skill rows."""
        return np.asarray((x @ self.weights_t_).toarray()) + self.bias_

    def posterior_top(
        self, x: sp.csr_matrix, chunk: int = 50_000, threads: int = 1
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
        """Return (row, occupation, probability) for each row's most probable occupations.

        Only occupations sharing a skill with the row are scored one by one; the mass of all
        others is their prior term, so the product stays as sparse as the rows. Chunks of
        rows run on ``threads`` threads (scipy and numpy release the GIL in the heavy parts).
        """
        starts = range(0, x.shape[0], chunk)
        if threads > 1 and len(starts) > 1:
            with ThreadPoolExecutor(threads) as pool:
                parts = list(pool.map(lambda lo: self._posterior_chunk(x, lo, chunk), starts))
        else:
            parts = [self._posterior_chunk(x, lo, chunk) for lo in starts]
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        return (
            np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]),
        )

    def _posterior_chunk(
        self, x: sp.csr_matrix, lo: int, chunk: int
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
        """Return the top occupations of rows ``lo .. lo + chunk``, rows numbered from 0."""
        part = (x[lo : lo + chunk] @ self.weights_t_).tocsr()  # no duplicates by construction
        n = part.shape[0]
        counts = np.diff(part.indptr)
        filled = counts > 0
        heads = part.indptr[:-1][filled]
        occ = part.indices.astype(np.int64)
        logit = part.data + self._shifted_bias_[occ]
        rest = np.full(n, self._bias_mass)  # prior mass of the occupations sharing no skill
        top = np.full(n, -np.inf)
        if filled.any():
            rest[filled] -= np.add.reduceat(self._prior_[occ], heads)
            top[filled] = np.maximum.reduceat(logit, heads)
        log_rest = np.log(np.maximum(rest, 1e-300))
        top = np.maximum(top, log_rest)
        # Segment sums by reduceat over the non-empty rows; one exp per pair.
        e = np.exp(logit - np.repeat(top, counts))
        total = np.exp(log_rest - top)
        if filled.any():
            total[filled] += np.add.reduceat(e, heads)
        prob = e / np.repeat(total, counts)
        keep = np.flatnonzero(prob >= self.min_probability)
        row = np.repeat(np.arange(n), counts)[keep]
        occ, prob = occ[keep], prob[keep].astype(np.float32)  # ties below that: by id
        order = np.lexsort((occ, -prob, row))
        row, occ, prob = row[order], occ[order], prob[order]
        rank = np.arange(len(row)) - np.searchsorted(row, row)
        keep = np.flatnonzero(rank < self.max_occupations)
        return row[keep] + lo, occ[keep], prob[keep]

    def gaps(
        self, present: NDArray[np.int64], occupation: int, k: int = 5
    ) -> list[tuple[int, float]]:
        """Return the ``k`` missing profile skills whose addition raises the fit most, with gain."""
        lo, hi = self.weights_.indptr[occupation], self.weights_.indptr[occupation + 1]
        skills = self.weights_.indices[lo:hi]
        gain = self.weights_.data[lo:hi]
        missing = ~np.isin(skills, present)
        skills, gain = skills[missing], gain[missing]
        order = np.lexsort((skills, -gain))[:k]
        return [(int(skills[i]), float(gain[i])) for i in order]
