"""Word-level prefilter: labels sharing a (possibly misspelt) word or stem with the query.

Complements the trigram prefilter, which misses short or typo-heavy words whose trigrams are
all common ("sclaa" for "scala", "cntent" for "content"). Misspellings are found SymSpell-style:
two words one edit apart share a one-letter deletion, so every stem is indexed under itself
and its deletions, and a query word is looked up the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

MIN_LEN = 3  # shorter words get no typo neighbours: too many look alike


def deletions(word: str) -> set[str]:
    """Return ``word`` with each one letter removed."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class WordIndex:
    """Find documents by IDF-weighted stems, tolerating one edit per stem."""

    def __init__(self, documents: Sequence[Sequence[str]], idf: dict[str, float]) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        for doc, stems in enumerate(documents):
            for stem in set(stems):
                postings[stem].append(doc)
        self.stems = list(postings)
        self.weight = np.asarray([idf.get(s, 1.0) for s in self.stems], dtype=np.float64)
        self.postings = [np.asarray(postings[s], dtype=np.int32) for s in self.stems]
        ids = {s: i for i, s in enumerate(self.stems)}
        variants: dict[str, list[int]] = defaultdict(list)
        for stem, i in ids.items():
            variants[stem].append(i)
            if len(stem) >= MIN_LEN:
                for variant in deletions(stem):
                    variants[variant].append(i)
        self.variants = {k: tuple(v) for k, v in variants.items()}
        self.n_docs = len(documents)
        # Dividing by a label's own weight favours labels the query covers most ("Teater"
        # over "Experimentell teater" for "trater").
        self.norm = np.sqrt(
            np.asarray([sum(idf.get(x, 1.0) for x in set(doc)) or 1.0 for doc in documents])
        )

    def near(self, stem: str) -> set[int]:
        """Return the indexed stems at most one edit (or one swap) away from ``stem``."""
        found = set(self.variants.get(stem, ()))
        if len(stem) >= MIN_LEN:
            for variant in deletions(stem):
                found.update(self.variants.get(variant, ()))
        return found

    def top(self, stems: Sequence[str], k: int, max_postings: int) -> list[int]:
        """Return up to ``k`` documents sharing the most IDF weight with ``stems``."""
        chunks: list[npt.NDArray[np.int32]] = []
        weights: list[npt.NDArray[np.float64]] = []
        for stem in set(stems):
            for i in self.near(stem):
                # Stems in thousands of labels ("manag") rank nothing; the trigrams did that.
                if len(self.postings[i]) <= max_postings:
                    chunks.append(self.postings[i])
                    weights.append(np.full(len(self.postings[i]), self.weight[i]))
        if not chunks:
            return []
        scores = (
            np.bincount(
                np.concatenate(chunks), weights=np.concatenate(weights), minlength=self.n_docs
            )
            / self.norm
        )
        pool = np.flatnonzero(scores >= 0.5 * scores.max())
        if len(pool) > k:
            pool = pool[np.argpartition(-scores[pool], k)[:k]]
        return [int(i) for i in pool[np.argsort(-scores[pool], kind="stable")]]
