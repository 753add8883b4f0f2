"""Which occupations a skill set fits: a Bernoulli naive-Bayes model over occupation profiles.

An occupation "emits" each of its essential skills with probability ``p_essential`` and each
optional one with ``p_optional``; any other skill appears with a background probability that
grows with the number of occupations listing it. The log-likelihood ratio is linear in the
skill set: ``X @ weights_.T + bias_``. Rare skills weigh more (specificity falls out of the
background term) and an occupation pays for every profile skill the person lacks, so large
generic profiles do not win by size.
"""

from __future__ import annotations

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
        self._bias_mass = float(np.exp(self.bias_[finite] - self._bias_shift).sum())
        return self

    def log_likelihood(self, x: sp.csr_matrix) -> NDArray[np.float64]:
        """Return the dense (rows x occupations) log-likelihood ratios of binary skill rows."""
        return np.asarray((x @ self.weights_t_).toarray()) + self.bias_

    def posterior_top(
        self, x: sp.csr_matrix, chunk: int = 50_000
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
        """Return (row, occupation, probability) for each row's most probable occupations.

        Only occupations sharing a skill with the row are scored one by one; the mass of all
        others is their prior term, so the product stays as sparse as the rows.
        """
        out_rows, out_occ, out_p = [], [], []
        for lo in range(0, x.shape[0], chunk):
            part = (x[lo : lo + chunk] @ self.weights_t_).tocsr()  # no duplicates by construction
            n = part.shape[0]
            row = np.repeat(np.arange(n), np.diff(part.indptr))
            occ = part.indices.astype(np.int64)
            bias = self.bias_[occ]
            logit = part.data + bias - self._bias_shift
            overlap_prior = np.bincount(row, np.exp(bias - self._bias_shift), minlength=n)
            rest = np.maximum(self._bias_mass - overlap_prior, 1e-300)
            top = np.full(n, -np.inf)
            filled = np.diff(part.indptr) > 0
            if filled.any():
                top[filled] = np.maximum.reduceat(logit, part.indptr[:-1][filled])
            top = np.maximum(top, np.log(rest))
            z = np.log(
                np.bincount(row, np.exp(logit - top[row]), minlength=n) + np.exp(np.log(rest) - top)
            )
            prob = np.exp(logit - top[row] - z[row])
            keep = prob >= self.min_probability
            row, occ, prob = row[keep], occ[keep], prob[keep]
            order = np.lexsort((occ, -prob, row))
            row, occ, prob = row[order], occ[order], prob[order]
            starts = np.searchsorted(row, np.arange(n))
            rank = np.arange(len(row)) - starts[row]
            keep = rank < self.max_occupations
            out_rows.append(row[keep] + lo)
            out_occ.append(occ[keep])
            out_p.append(prob[keep].astype(np.float32))
        if not out_rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        return np.concatenate(out_rows), np.concatenate(out_occ), np.concatenate(out_p)

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
