"""The Normaliser: an index over concept labels answering "which concept is this text?"."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from taxonomy.model import ConceptKind, LabelKind, Taxonomy
from taxonomy.normalise.ngrams import GramIndex
from taxonomy.text import frame_mask, stems, tokens

SHORTLIST = 40
PART = 0.8  # similarity of a compound part to the whole compound
JOINED = 0.95  # similarity of a compound to the same words written apart
_KIND_BONUS = {LabelKind.PREFERRED: 0.002, LabelKind.ALTERNATIVE: 0.001, LabelKind.HIDDEN: 0.0}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A concept proposed for a text, with the label that matched and a confidence in [0, 1]."""

    concept_id: str
    label: str
    lang: str
    score: float


@dataclass(frozen=True, slots=True)
class _Entry:
    concept: int
    label: str
    lang: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    bonus: float


@dataclass(slots=True)
class _Query:
    lang: str
    words: list[str]
    stems: list[str]
    content: list[int]  # positions of the non-frame tokens
    text: str  # the content tokens joined by spaces
    cache: dict[str, list[float]]  # label word -> similarity to each query token


def _part(q: str, word: str, stem: str) -> float:
    """Credit a label word found inside an unknown query compound ("humanrobot" ~ "robot")."""
    if len(q) > len(word) >= 4 and (q.startswith(stem) or q.endswith(word)):
        return PART
    return 0.0


def _joined(row: list[float], words: list[str], query_stems: list[str], word: str) -> None:
    """Credit two adjacent query words that a label writes as one compound ("svets teknik")."""
    for j in range(len(words) - 1):
        head, tail = query_stems[j], words[j + 1]
        if (
            min(len(head), len(tail)) >= 3
            and len(word) <= len(words[j]) + len(tail) + 1  # room for a linking "s"
            and word.startswith(head)
            and word.endswith(tail)
        ):
            row[j] = max(row[j], JOINED)
            row[j + 1] = max(row[j + 1], JOINED)


class Normaliser:
    """Rank the concepts whose labels best match a short text."""

    def __init__(self, labels: Iterable[tuple[str, str, str] | tuple[str, str, str, LabelKind]]):
        self._ids: list[str] = []
        index_of: dict[str, int] = {}
        self._entries: list[_Entry] = []
        seen: set[tuple[int, str, tuple[str, ...]]] = set()
        for item in labels:
            concept_id, text, lang = item[0], item[1], item[2]
            kind = item[3] if len(item) > 3 else LabelKind.PREFERRED
            words = tuple(tokens(text))
            if not words:
                continue
            concept = index_of.setdefault(concept_id, len(index_of))
            if concept == len(self._ids):
                self._ids.append(concept_id)
            if (concept, lang, words) in seen:
                continue
            seen.add((concept, lang, words))
            label = " ".join(text.split())
            entry = _Entry(
                concept, label, lang, words, tuple(stems(words, lang)), _KIND_BONUS[kind]
            )
            self._entries.append(entry)
        self.langs = sorted({e.lang for e in self._entries})
        self._exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self._bag: dict[tuple[str, ...], list[int]] = defaultdict(list)
        df: dict[str, int] = defaultdict(int)
        for i, entry in enumerate(self._entries):
            self._exact[entry.words].append(i)
            self._bag[tuple(sorted(entry.stems))].append(i)
            for stem in set(entry.stems):
                df[stem] += 1
        n = max(1, len(self._entries))
        self._idf = {s: math.log(1 + n / c) for s, c in df.items()}
        self._unknown_idf = math.log(1 + n)
        self._vocab = {w for e in self._entries for w in e.words}
        self._grams = GramIndex([e.words for e in self._entries])

    @classmethod
    def from_labels(cls, labels: Iterable[tuple[str, str, str]]) -> Normaliser:
        """Build from plain (concept_id, label, lang) rows, e.g. read from the database."""
        return cls(labels)

    @classmethod
    def from_taxonomy(
        cls,
        tax: Taxonomy,
        kinds: Sequence[ConceptKind] = (ConceptKind.SKILL,),
        langs: Sequence[str] | None = None,
    ) -> Normaliser:
        """Build over every label (preferred, alternative, hidden) of the concepts of ``kinds``."""
        return cls(
            (c.id, lab.text, lab.lang, lab.kind)
            for c in tax.concepts.values()
            if c.kind in kinds
            for lab in c.labels
            if langs is None or lab.lang in langs
        )

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, text: str, lang: str | None = None, limit: int = 5) -> list[Candidate]:
        """Return up to ``limit`` distinct concepts for ``text``, best first."""
        words = tokens(text)
        if not words or not self._entries:
            return []
        langs = [lang] if lang else self.langs
        best: dict[int, tuple[float, int]] = {}
        for query_lang in langs:
            query = self._query(words, query_lang)
            for i in self._shortlist(query):
                score = self._score(query, self._entries[i])
                concept = self._entries[i].concept
                if score > best.get(concept, (-1.0, 0))[0]:
                    best[concept] = (score, i)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[:limit]
        return [
            Candidate(
                self._ids[c], self._entries[i].label, self._entries[i].lang, min(1.0, round(s, 4))
            )
            for c, (s, i) in ranked
        ]

    def _query(self, words: list[str], lang: str) -> _Query:
        mask = frame_mask(words, lang)
        content = [i for i, is_frame in enumerate(mask) if not is_frame] or list(range(len(words)))
        text = " ".join(words[i] for i in content)
        return _Query(lang, words, stems(words, lang), content, text, {})

    def _shortlist(self, query: _Query) -> list[int]:
        content = [query.words[i] for i in query.content]
        found = list(self._exact.get(tuple(query.words), ()))
        found += self._exact.get(tuple(content), ())
        found += self._bag.get(tuple(sorted(query.stems[i] for i in query.content)), ())
        found += [int(i) for i in self._grams.top(content, SHORTLIST)]
        return [i for i in dict.fromkeys(found) if self._entries[i].lang == query.lang]

    def _sims(self, query: _Query, word: str, stem: str) -> list[float]:
        """Return how alike each query token is to one label token (1 = same word)."""
        row = query.cache.get(word)
        if row is not None:
            return row
        row = []
        for q, q_stem in zip(query.words, query.stems, strict=True):
            if q == word or q_stem == stem:
                row.append(1.0)
            elif min(len(q), len(word)) >= 3:
                # OSA counts a swap of adjacent letters as one edit, like the typos people make;
                # a short word (an acronym) may carry one edit, a longer one 30 %.
                sim = max(
                    OSA.normalized_similarity(q, word), OSA.normalized_similarity(q_stem, stem)
                )
                one_edit = OSA.distance(q, word, score_cutoff=1) <= 1
                if sim >= 0.7 or one_edit:
                    row.append(sim)
                else:
                    row.append(0.0 if q in self._vocab else _part(q, word, stem))
            else:
                row.append(0.0)
        if max(row) < JOINED and len(word) >= 6:
            _joined(row, query.words, query.stems, word)
        query.cache[word] = row
        return row

    def _score(self, query: _Query, entry: _Entry) -> float:
        """Score one label: IDF-weighted token coverage of the label and of the query."""
        if tuple(query.words) == entry.words:
            return 1.0 + entry.bonus
        label_num = label_den = 0.0
        n = len(query.words)
        matched = [0.0] * n
        match_idf = [self._unknown_idf] * n
        for word, stem in zip(entry.words, entry.stems, strict=True):
            weight = self._idf.get(stem, self._unknown_idf)
            row = self._sims(query, word, stem)
            label_num += weight * max(row)
            label_den += weight
            for j in range(n):
                if row[j] > matched[j]:
                    matched[j] = row[j]
                    match_idf[j] = weight
        query_num = query_den = 0.0
        for j in query.content:
            weight = (
                match_idf[j] if matched[j] >= 1 else self._idf.get(query.stems[j], match_idf[j])
            )
            query_num += weight * matched[j]
            query_den += weight
        label_cov = label_num / label_den
        query_cov = query_num / query_den if query_den else 0.0
        score = 0.55 * label_cov + 0.45 * query_cov
        if query.content == list(range(n)) and label_cov == query_cov == 1.0:
            score = 0.99  # same words, other order or inflection
        # Letter-level likeness breaks ties between labels with the same words or stems.
        chars = fuzz.ratio(query.text, " ".join(entry.words)) / 100
        return score * 0.93 + chars * 0.05 + entry.bonus
