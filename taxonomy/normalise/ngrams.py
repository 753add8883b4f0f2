"""Character n-gram TF-IDF prefilter: a sparse posting matrix searched with one bincount."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

N = 3


def grams(words: Sequence[str]) -> list[str]:
    """Return the padded character trigrams of each word (a word of one letter gives one gram)."""
    out: list[str] = []
    for word in words:
        padded = f" {word} "
        out.extend(padded[i : i + N] for i in range(max(1, len(padded) - N + 1)))
    return out


class GramIndex:
    """Cosine similarity between a query and every label over TF-IDF weighted trigrams."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        # Labels share most of their words: cut each distinct word into grams once.
        word_grams: dict[str, list[int]] = {}
        for doc, words in enumerate(documents):
            ids: set[int] = set()
            for word in words:
                known = word_grams.get(word)
                if known is None:
                    known = [vocab.setdefault(g, len(vocab)) for g in grams([word])]
                    word_grams[word] = known
                ids.update(known)
            cols.extend(ids)
            rows.extend([doc] * len(ids))
        n_docs = max(1, len(documents))
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocab))
        self.idf: npt.NDArray[np.float32] = (np.log((1 + n_docs) / (1 + df)) + 1).astype(np.float32)
        data = self.idf[np.asarray(cols, dtype=np.int64)] if cols else np.zeros(0, np.float32)
        matrix = sparse.csr_matrix(
            (data, (rows, cols)), shape=(len(documents), len(vocab)), dtype=np.float32
        )
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        matrix = sparse.diags(1 / np.maximum(norms, 1e-9).astype(np.float32)) @ matrix
        # Feature-major layout: a query touches only the posting lists of its own grams.
        postings = matrix.T.tocsr()
        self.indptr = postings.indptr
        self.indices = postings.indices
        self.data = postings.data.astype(np.float32)
        self.vocab = vocab
        self.n_docs = len(documents)
        self.max_postings = max(500, self.n_docs // 20)

    def scores(self, words: Sequence[str]) -> npt.NDArray[np.float64]:
        """Return the cosine similarity of ``words`` to every document."""
        query = set(grams(words))
        ids = np.asarray(sorted(self.vocab[g] for g in query if g in self.vocab), dtype=np.int64)
        if not len(ids):
            return np.zeros(self.n_docs)
        weights = self.idf[ids].astype(np.float64)
        # Grams the labels never use still count in the query norm: unknown words lower scores.
        norm = np.sqrt(float(np.dot(weights, weights)) * len(query) / len(ids))
        weights /= norm
        # Very common grams ("ing", " co") add little but cost most: leave them out of the sum.
        starts, ends = self.indptr[ids], self.indptr[ids + 1]
        keep = (ends - starts) <= self.max_postings
        if keep.any():
            starts, ends, weights = starts[keep], ends[keep], weights[keep]
        idx = np.concatenate([self.indices[s:e] for s, e in zip(starts, ends, strict=True)])
        val = np.repeat(weights, ends - starts) * np.concatenate(
            [self.data[s:e] for s, e in zip(starts, ends, strict=True)]
        )
        return np.bincount(idx, weights=val, minlength=self.n_docs).astype(np.float64, copy=False)

    def top(self, words: Sequence[str], k: int) -> npt.NDArray[np.intp]:
        """Return the indices of the ``k`` documents most like ``words``, best first."""
        sims = self.scores(words)
        if k >= len(sims):
            return np.argsort(-sims, kind="stable")
        # A full argpartition over 100k labels costs a millisecond; a threshold cut first is cheap.
        pool = np.flatnonzero(sims >= 0.5 * sims.max())
        if len(pool) < k:
            pool = np.flatnonzero(sims > 0)
        if len(pool) > k:
            pool = pool[np.argpartition(-sims[pool], k)[:k]]
        return pool[np.argsort(-sims[pool], kind="stable")]
