"""TF-IDF over hashed words, so new portfolios need no shared vocabulary."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.utils import murmurhash3_32

_WORD = re.compile(r"(?u)\b\w\w+\b")


class TextVectoriser(BaseEstimator):  # type: ignore[misc]
    """Turn texts into L2-normalised TF-IDF rows of a fixed hashed width."""

    def __init__(self, n_features: int = 2**18) -> None:
        self.n_features = n_features

    def _counts(self, text: str) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Return hashed word ids and their counts; one text at a time keeps a query cheap."""
        words = _WORD.findall(text.lower())
        keys = np.array([murmurhash3_32(w, positive=True) for w in words], dtype=np.int64)
        keys, counts = np.unique(keys % self.n_features, return_counts=True)
        return keys, counts.astype(np.float64)

    def fit(self, texts: Sequence[str]) -> TextVectoriser:
        """Learn inverse document frequencies; unseen words later get the largest idf."""
        df = np.zeros(self.n_features)
        for text in texts:
            df[self._counts(text)[0]] += 1
        n = len(texts)
        self.idf_ = np.log((n + 1) / (df + 1)) + 1
        return self

    def vector(self, text: str) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Return one text as (feature ids, unit-length sublinear tf x idf weights)."""
        keys, counts = self._counts(text)
        weight = (1 + np.log(counts)) * self.idf_[keys]
        norm = np.sqrt((weight**2).sum())
        return keys, (weight / norm if norm > 0 else weight).astype(np.float32)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return one TF-IDF row per text (an empty text gives an empty row)."""
        parts = [self.vector(t) for t in texts]
        indptr = np.concatenate([[0], np.cumsum([len(k) for k, _ in parts])])
        keys = np.concatenate([k for k, _ in parts]) if parts else np.zeros(0, np.int64)
        vals = np.concatenate([v for _, v in parts]) if parts else np.zeros(0, np.float32)
        return sp.csr_matrix((vals, keys, indptr), shape=(len(texts), self.n_features))
