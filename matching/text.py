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
    """Turn texts into L2-normalised TF-IDF rows of a fixed hashed width.

    Many texts are counted in one pass (a worker's start reads a whole population): each
    distinct word is hashed once, and the (text, feature) counts come from one sort, not one
    ``np.unique`` per text. One text takes the same arithmetic, so a portfolio indexed alone
    gets exactly the weights it gets in a bulk build.
    """

    def __init__(self, n_features: int = 2**18, unseen_idf: float | None = None) -> None:
        self.n_features = n_features
        self.unseen_idf = unseen_idf

    def _counts(
        self, texts: Sequence[str]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """Return (text, hashed word id, count) triples, sorted by text, then word id."""
        feature: dict[str, int] = {}
        keys: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            words = _WORD.findall(text.lower())
            lengths[i] = len(words)
            for w in words:
                key = feature.get(w)
                if key is None:
                    key = feature[w] = murmurhash3_32(w, positive=True) % self.n_features
                keys.append(key)
        pair = np.repeat(np.arange(len(texts), dtype=np.int64), lengths) * self.n_features
        pair += np.asarray(keys, dtype=np.int64)
        pair.sort()
        if not len(pair):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        start = np.flatnonzero(np.concatenate([[True], pair[1:] != pair[:-1]]))
        counts = np.diff(np.append(start, len(pair))).astype(np.float64)
        first = pair[start]
        return first // self.n_features, first % self.n_features, counts

    def _weights(
        self, found: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]], n: int
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
        """Turn counts into (text, feature id, unit-length sublinear tf x idf weight)."""
        rows, keys, counts = found
        weight = (1 + np.log(counts)) * self.idf_[keys]
        norm = np.sqrt(np.bincount(rows, weight * weight, minlength=n))
        return rows, keys, (weight / norm[rows]).astype(np.float32)  # idf >= 1: no zero norm

    def _fit_counts(self, keys: NDArray[np.int64], n: int) -> None:
        df = np.bincount(keys, minlength=self.n_features).astype(np.float64)
        self.idf_ = np.log((n + 1) / (df + 1)) + 1
        if self.unseen_idf is not None:
            # Fitted on a vocabulary of the domain (not on the texts it will read), a word
            # it never saw is more likely "jag" or "har" than a rare skill.
            self.idf_[df == 0] = self.unseen_idf

    def _matrix(
        self, found: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]], n: int
    ) -> sp.csr_matrix:
        rows, keys, weights = found
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
        return sp.csr_matrix((weights, keys, indptr), shape=(n, self.n_features))

    def fit(self, texts: Sequence[str]) -> TextVectoriser:
        """Learn inverse document frequencies; unseen words later get ``unseen_idf``, by
        default the largest idf."""
        self._fit_counts(self._counts(texts)[1], len(texts))
        return self

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Fit and transform with one reading of the texts."""
        found = self._counts(texts)
        self._fit_counts(found[1], len(texts))
        return self._matrix(self._weights(found, len(texts)), len(texts))

    def vector(self, text: str) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Return one text as (feature ids, unit-length sublinear tf x idf weights)."""
        _, keys, weights = self._weights(self._counts([text]), 1)
        return keys, weights

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return one TF-IDF row per text (an empty text gives an empty row)."""
        return self._matrix(self._weights(self._counts(texts), len(texts)), len(texts))
