"""The label index behind the Normaliser: folded labels, stems, IDF, exact keys, prefilters."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from taxonomy.model import LabelKind
from taxonomy.normalise.ngrams import GramIndex
from taxonomy.normalise.words import WordIndex
from taxonomy.text import stems, tokens

# A preferred label wins a tie over an alternative one, an alternative over a hidden one.
_KIND_BONUS = {LabelKind.PREFERRED: 0.002, LabelKind.ALTERNATIVE: 0.001, LabelKind.HIDDEN: 0.0}

LabelRow = tuple[str, str, str] | tuple[str, str, str, LabelKind]


class Entry(NamedTuple):
    """One indexed label; a tuple of atoms, so the garbage collector soon stops tracking it."""

    concept: int
    label: str
    lang: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    weights: tuple[float, ...]  # IDF of each stem
    key: str  # the folded words joined by spaces
    bonus: float


class LabelIndex:
    """Every label of a concept set, folded, stemmed and weighted, with fast key lookups."""

    def __init__(self, labels: Iterable[LabelRow]) -> None:
        self.ids: list[str] = []
        index_of: dict[str, int] = {}
        raw: list[tuple[int, str, str, tuple[str, ...], tuple[str, ...], float]] = []
        seen: set[tuple[int, str, tuple[str, ...]]] = set()
        for row in labels:
            concept_id, text, lang = row[0], row[1], row[2]
            kind = row[3] if len(row) > 3 else LabelKind.PREFERRED
            words = tuple(tokens(text))
            if not words:
                continue
            concept = index_of.setdefault(concept_id, len(index_of))
            if concept == len(self.ids):
                self.ids.append(concept_id)
            if (concept, lang, words) not in seen:
                seen.add((concept, lang, words))
                label = " ".join(text.split())
                raw.append(
                    (concept, label, lang, words, tuple(stems(words, lang)), _KIND_BONUS[kind])
                )
        df: dict[str, int] = defaultdict(int)
        for *_, label_stems, _ in raw:
            for stem in set(label_stems):
                df[stem] += 1
        n = max(1, len(raw))
        self.idf = {s: math.log(1 + n / c) for s, c in df.items()}
        self.unknown_idf = math.log(1 + n)  # a word no label uses is as telling as the rarest
        self.entries = [
            Entry(c, label, lang, w, s, tuple(self.idf[x] for x in s), " ".join(w), bonus)
            for c, label, lang, w, s, bonus in raw
        ]
        exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
        bag: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, entry in enumerate(self.entries):
            exact[entry.words].append(i)
            bag[tuple(sorted(entry.stems))].append(i)
        # Tuples of atoms leave the garbage collector's sight: no pauses on a 100k-label index.
        self.exact = {k: tuple(v) for k, v in exact.items()}
        self.bag = {k: tuple(v) for k, v in bag.items()}
        self.langs = sorted({e.lang for e in self.entries})
        self.vocabulary = frozenset(w for e in self.entries for w in e.words)
        self.sorted_vocabulary = sorted(self.vocabulary)  # for prefix lookups
        self.edge_words = frozenset(
            {e.words[0] for e in self.entries} | {e.words[-1] for e in self.entries}
        )
        # Function words ("and", "of", "the", "och", "för") sit inside labels, rarely at an edge.
        inside: dict[str, int] = defaultdict(int)
        edge: dict[str, int] = defaultdict(int)
        for e in self.entries:
            for i, w in enumerate(e.words):
                if 0 < i < len(e.words) - 1:
                    inside[w] += 1
                else:
                    edge[w] += 1
        self.function_words = frozenset(
            w for w, c in inside.items() if c >= 50 and edge[w] < 0.05 * (c + edge[w])
        )
        # One prefilter per language, so labels of another language never crowd the shortlist.
        term_idf = dict(self.idf)
        for e in self.entries:
            term_idf.update(zip(e.words, e.weights, strict=True))
        self.grams: dict[str, tuple[GramIndex, WordIndex, list[int]]] = {}
        for lang in self.langs:
            members = [i for i, e in enumerate(self.entries) if e.lang == lang]
            grams = GramIndex([self.entries[i].words for i in members])
            # Words as well as stems: a swap inside "notations" survives in the word, while
            # Snowball cuts the misspelt and the right word differently.
            terms = [tuple({*self.entries[i].stems, *self.entries[i].words}) for i in members]
            stem_index = WordIndex(terms, term_idf)
            self.grams[lang] = (grams, stem_index, members)

    def shortlist(
        self, words: tuple[str, ...], content: list[str], bag: list[str], lang: str, k: int
    ) -> list[int]:
        """Return entries worth scoring: exact and stem-bag hits, then the n-gram nearest."""
        found = list(self.exact.get(tuple(words), ()))
        found += self.exact.get(tuple(content), ())
        found += self.bag.get(tuple(sorted(bag)), ())
        grams, _, members = self.grams[lang]
        found += [members[i] for i in grams.top(content, k)]
        return [i for i in dict.fromkeys(found) if self.entries[i].lang == lang]

    def by_stems(self, bag: list[str], lang: str, k: int) -> list[int]:
        """Return the entries sharing the most (possibly misspelt) words or stems with ``bag``."""
        grams, stem_index, members = self.grams[lang]
        return [members[i] for i in stem_index.top(bag, k, grams.max_postings)]
