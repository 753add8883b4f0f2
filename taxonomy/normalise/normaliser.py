"""The Normaliser: an index over concept labels answering "which concept is this text?"."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from taxonomy.model import ConceptKind, Taxonomy
from taxonomy.normalise.index import Entry, LabelIndex, LabelRow
from taxonomy.text import frame_mask, stems, tokens

SHORTLIST = 30
RETRY_BELOW = 0.85  # best score under which the stem prefilter is asked for more labels
INFLECTION = 3  # longest ending that only inflects (-ing, -ies, -arna, -orna)
INFLECTED = 0.97  # similarity of two inflections of one word (operate, operating)
DERIVED = 0.9  # similarity of words with one stem but other endings (management, manage)
FIRST_LETTER = 0.85  # similarity factor when two words start differently ("etsning")
PART = 0.8  # similarity of a compound part to the whole compound
JOINED = 0.95  # similarity of a compound to the same words written apart
# Endings that make a noun of a verb's root: Swedish svets-a/svets-ning, bokför-a/bokför-ing,
# sälj-a/sälj-are, led-a/led-ande; English operat-e/operat-ion. Snowball keeps these apart
# (a stem is not a lemma), so "svetsa" found "Svenska" before any kind of "svetsning".
NOUN_ENDINGS = ("ning", "ing", "are", "ande", "else", "ion")
VOWELS = "aeiouyåäö"
REAL_WORD = 0.9  # typo likeness of a word that is itself a verb of the labels ("svetsa")
_NOUN_SCAN = 200  # label words looked at after a verb's root for a noun made of it


@dataclass(frozen=True, slots=True)
class Candidate:
    """A concept proposed for a text, with the label that matched and a confidence in [0, 1]."""

    concept_id: str
    label: str
    lang: str
    score: float


@dataclass(slots=True)
class _Query:
    """One query's words and the similarities worked out so far (never shared)."""

    lang: str
    words: tuple[str, ...]
    stems: list[str]
    content: list[int]  # positions of the non-frame tokens
    text: str  # the content tokens joined by spaces
    known: list[bool]  # whether each token is a word some label uses
    verb: list[bool]  # whether each token is a verb some label word makes a noun of
    cache: dict[str, list[float]]  # label word -> similarity to each query token
    parts: set[tuple[str, int]]  # (label word, query position) matched as compound parts


def _same_stem(a: str, b: str) -> float:
    """Rate two words Snowball gives one stem: inflections 1, derivations less.

    "operating"/"operate" differ in endings of up to three letters; "experience"/"experiment"
    share the stem "experi" but not their meaning.
    """
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return INFLECTED if max(len(a), len(b)) - common <= INFLECTION else DERIVED


def _derived(a: str, b: str) -> bool:
    """Tell whether one word is a verb ending in a vowel and the other a noun made of it.

    The noun may go on into a compound ("bokförings|vana"). The verb's root keeps three
    letters at least, so "last|a" does not reach "last|bil".
    """
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    root = short[:-1]
    if len(root) < 3 or short[-1] not in VOWELS or not long.startswith(root):
        return False
    return long.startswith(NOUN_ENDINGS, len(root))


def _has_noun(q: str, vocabulary: list[str]) -> bool:
    """Tell whether some word of the sorted ``vocabulary`` is a noun made of the verb ``q``."""
    root = q[:-1]
    if len(root) < 3 or q[-1] not in VOWELS:
        return False
    at = bisect_left(vocabulary, root)
    for word in vocabulary[at : at + _NOUN_SCAN]:
        if not word.startswith(root):
            return False
        if word.startswith(NOUN_ENDINGS, len(root)):
            return True
    return False


def _part(q: str, word: str, stem: str) -> bool:
    """Tell whether a label word is part of an unknown query compound ("humanrobot")."""
    return len(q) > len(word) >= 4 and (q.startswith(stem) or q.endswith(word))


def _joined(words: tuple[str, ...], query_stems: list[str], word: str) -> list[int]:
    """Return the two adjacent query words a label writes as one compound ("svets teknik")."""
    for j in range(len(words) - 1):
        head, tail = query_stems[j], words[j + 1]
        if (
            min(len(head), len(tail)) >= 3
            and len(word) <= len(words[j]) + len(tail) + 1  # room for a linking "s"
            and word.startswith(head)
            and word.endswith(tail)
        ):
            return [j, j + 1]
    return []


class Normaliser:
    """Rank the concepts whose labels best match a short text."""

    def __init__(self, labels: Iterable[LabelRow]) -> None:
        self._index = LabelIndex(labels)
        self.langs = self._index.langs
        self.vocabulary = self._index.vocabulary
        self.edge_words = self._index.edge_words
        self.function_words = self._index.function_words

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
        return len(self._index.entries)

    def lookup(
        self,
        text: str,
        lang: str | None = None,
        limit: int = 5,
        *,
        shortlist: int = SHORTLIST,
        fallback: bool = True,
    ) -> list[Candidate]:
        """Return up to ``limit`` distinct concepts for ``text``, best first.

        ``shortlist`` is how many labels the n-gram prefilter hands to the word-level scorer;
        ``fallback`` asks the stem prefilter for more when the best match stays weak.
        """
        words = tuple(tokens(text))
        if not words or not self._index.entries:
            return []
        # An unknown language searches them all rather than finding nothing.
        langs = [lang] if lang in self._index.grams else self.langs
        entries = self._index.entries
        best: dict[int, tuple[float, int]] = {}
        for query_lang in langs:
            query = self._query(words, query_lang)
            content = [words[i] for i in query.content]
            bag = [query.stems[i] for i in query.content]
            shortlisted = self._index.shortlist(words, content, bag, query_lang, shortlist)
            top = self._rank(query, shortlisted, best)
            if fallback and top < RETRY_BELOW:
                # Weak best match: maybe a typo hid the label from the trigrams; ask the stems.
                seen = set(shortlisted)
                more = self._index.by_stems(bag + content, query_lang, shortlist // 2)
                self._rank(query, [i for i in more if i not in seen], best)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[:limit]
        return [
            Candidate(self._index.ids[c], entries[i].label, entries[i].lang, min(1.0, round(s, 4)))
            for c, (s, i) in ranked
        ]

    def _rank(
        self, query: _Query, shortlisted: list[int], best: dict[int, tuple[float, int]]
    ) -> float:
        """Score ``shortlisted`` entries into ``best`` (concept -> score, entry); return the top."""
        entries = self._index.entries
        top = 0.0
        for i in shortlisted:
            score = self._score(query, entries[i])
            concept = entries[i].concept
            if score > best.get(concept, (-1.0, 0))[0]:
                best[concept] = (score, i)
            top = max(top, score)
        return top

    def _query(self, words: tuple[str, ...], lang: str) -> _Query:
        """Stem the query and mark which words are the skill and which its sentence frame."""
        mask = frame_mask(words, lang)
        content = [i for i, is_frame in enumerate(mask) if not is_frame] or list(range(len(words)))
        text = " ".join(words[i] for i in content)
        known = [w in self._index.vocabulary for w in words]
        verb = [_has_noun(w, self._index.sorted_vocabulary) for w in words]
        return _Query(lang, words, stems(words, lang), content, text, known, verb, {}, set())

    def _sims(self, query: _Query, word: str, stem: str) -> list[float]:
        """Return how alike each query token is to one label token (1 = same word)."""
        row = query.cache.get(word)
        if row is not None:
            return row
        row = []
        n_word, n_stem = len(word), len(stem)
        for j, q in enumerate(query.words):
            q_stem = query.stems[j]
            n_q = len(q)
            if q == word:
                row.append(1.0)
            elif q_stem == stem:
                row.append(_same_stem(q, word))
            elif n_q < 3 or n_word < 3:
                row.append(0.0)
            elif _derived(q, word):
                row.append(DERIVED)
            else:
                # OSA counts a swap of adjacent letters as one edit, like the typos people make.
                # Words whose lengths differ by more than 30 % cannot be that alike: skip them.
                sim = 0.0
                if abs(n_q - n_word) <= 0.3 * max(n_q, n_word):
                    sim = OSA.normalized_similarity(q, word)
                # Stems drop the inflection a typo may sit next to ("sores" ~ "store"); but
                # short stems one letter apart are often two real words ("weld", "well").
                n_q_stem = len(q_stem)
                short = min(n_q_stem, n_stem)
                if sim < 0.7 and (short >= 5 or (short == 4 and n_q_stem != n_stem)):
                    sim = max(sim, OSA.normalized_similarity(q_stem, stem))
                if q[0] != word[0]:
                    sim *= FIRST_LETTER  # people seldom mistype a word's first letter
                if query.verb[j]:
                    sim *= REAL_WORD  # a verb the labels know is more likely meant as typed
                # A three-letter word (an acronym) may carry one edit: similarity 2/3.
                if sim >= 0.7 or (max(n_q, n_word) == 3 and sim > 0.6):
                    row.append(sim)
                elif not query.known[j] and _part(q, word, stem):
                    row.append(PART)
                    query.parts.add((word, j))
                else:
                    row.append(0.0)
        if max(row) < JOINED and len(word) >= 6:
            for j in _joined(query.words, query.stems, word):
                row[j] = max(row[j], JOINED)
                query.parts.add((word, j))
        query.cache[word] = row
        return row

    def _score(self, query: _Query, entry: Entry) -> float:
        """Score one label: IDF-weighted token coverage of the label and of the query."""
        if query.words == entry.words:
            return 1.0 + entry.bonus
        n = len(query.words)
        weights = entry.weights
        cache = query.cache
        rows = [
            cache.get(w) or self._sims(query, w, s)
            for w, s in zip(entry.words, entry.stems, strict=True)
        ]
        # Pair label and query words one to one, most alike first, so one query word cannot
        # stand for two label words ("good" for both "wood" and "goods"); compound parts can.
        pairs = sorted(
            ((row[j], i, j) for i, row in enumerate(rows) for j in range(n) if row[j] > 0),
            reverse=True,
        )
        best = [0.0] * len(rows)
        matched = [0.0] * n
        match_idf = [self._index.unknown_idf] * n
        taken = [False] * n
        for sim, i, j in pairs:
            if best[i] > 0 or taken[j]:
                continue
            best[i] = sim
            taken[j] = (entry.words[i], j) not in query.parts
            if sim > matched[j]:
                matched[j], match_idf[j] = sim, weights[i]
        label_num = sum(w * b for w, b in zip(weights, best, strict=True))
        label_den = sum(weights)
        query_num = query_den = 0.0
        for j in query.content:
            weight = (
                match_idf[j]
                if matched[j] >= 1
                else self._index.idf.get(query.stems[j], match_idf[j])
            )
            query_num += weight * matched[j]
            query_den += weight
        label_cov = label_num / label_den
        query_cov = query_num / query_den if query_den else 0.0
        score = 0.4 * label_cov + 0.6 * query_cov
        if query.content == list(range(n)) and label_cov == query_cov == 1.0:
            score = 0.99  # same words, other order or inflection
        # Letter-level likeness breaks ties between labels with the same words or stems.
        chars = fuzz.ratio(query.text, entry.key) / 100
        return score * 0.93 + chars * 0.05 + entry.bonus
