"""TF-IDF over hashed words, so new portfolios need no shared vocabulary."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import HashingVectorizer


class TextVectoriser(BaseEstimator):  # type: ignore[misc]
    """Turn texts into L2-normalised TF-IDF rows of a fixed hashed width."""

    def __init__(self, n_features: int = 2**18, min_df: int = 1) -> None:
        self.n_features = n_features
        self.min_df = min_df

    def _hashing(self) -> HashingVectorizer:
        return HashingVectorizer(
            n_features=self.n_features, alternate_sign=False, norm=None, lowercase=True
        )

    def fit(self, texts: Sequence[str]) -> TextVectoriser:
        """Learn inverse document frequencies; unseen words later get the largest idf."""
        counts = self._hashing().transform(texts).tocsc()
        df = np.diff(counts.indptr)
        n = len(texts)
        self.idf_ = (np.log((n + 1) / (df + 1)) + 1).astype(np.float32)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return sublinear-tf x idf rows, each of unit length (empty text: empty row)."""
        x = self._hashing().transform(texts).tocsr().astype(np.float32)
        x.data = (1 + np.log(x.data)) * self.idf_[x.indices]
        norms = np.sqrt(
            np.bincount(
                np.repeat(np.arange(x.shape[0]), np.diff(x.indptr)), x.data**2, minlength=x.shape[0]
            )
        )
        x.data /= np.repeat(np.maximum(norms, 1e-12), np.diff(x.indptr)).astype(np.float32)
        return x

    def vector(self, text: str) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Return one text as (feature ids, weights)."""
        row = self.transform([text])
        return row.indices.astype(np.int64), row.data.astype(np.float32)
