"""Find the concepts a longer text (job ad, CV paragraph) mentions, with character spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

from taxonomy.normalise import Candidate, Normaliser
from taxonomy.text import fold, frame_words

MAX_WORDS = 8  # longest span tried; longer skill labels are rare and read as sentences
MIN_SCORE = 0.85
SINGLE_WORD_SCORE = 0.95
WINDOW_SHORTLIST = 15  # a span is short: fewer candidates suffice, and there are many spans
_WORD = re.compile(r"[^\W_]+[+#]*")
# Sentences and list items never share a skill; commas may (JobTech: "C, programmeringsspråk"),
# and so may brackets ("Fartygsbefäl klass VIII (behörighet)"). "Basic.NET" is one word.
_BREAK = re.compile(r"[.;:!?]+(?=\s|$)|[\n\r\t•·|]+")


@dataclass(frozen=True, slots=True)
class Mention:
    """A concept found in a text; ``text[start:end]`` is the words that name it."""

    concept_id: str
    label: str
    start: int
    end: int
    score: float


def _clauses(text: str) -> list[list[tuple[int, int, str]]]:
    """Split ``text`` into clauses of (start, end, folded word) triples."""
    clauses: list[list[tuple[int, int, str]]] = []
    start = 0
    for stop in [*(m.start() for m in _BREAK.finditer(text)), len(text)]:
        words = [(w.start(), w.end(), fold(w.group())) for w in _WORD.finditer(text, start, stop)]
        if words:
            clauses.append(words)
        start = stop
    return clauses


def _close(text: str, start: int, end: int) -> int:
    """Extend a span over the bracket that closes one it opened ("klass VIII (behörighet)")."""
    span = text[start:end]
    for opening, closing in ("()", "[]"):
        if span.count(opening) > span.count(closing) and text[end : end + 1] == closing:
            return end + 1
    return end


def _acronym_mismatch(label: str, window: str) -> bool:
    """Tell whether a short all-capitals label (AR, IT, CNC) met an ordinary word ("är").

    In running text an acronym is written as one; folding case and diacritics would otherwise
    turn every "är", "it" or "och" into a skill.
    """
    compact = label.replace("-", "").replace(" ", "")
    if len(compact) > 4 or not compact.isupper():
        return False
    return window.replace("-", "").replace(" ", "") != compact


def extract(
    normaliser: Normaliser,
    text: str,
    lang: str | None = None,
    min_score: float = MIN_SCORE,
    *,
    distinct: bool = True,
) -> list[Mention]:
    """Return the concepts ``text`` mentions, in text order, spans never overlapping.

    Every run of up to MAX_WORDS words that starts and ends on a word a label can start or
    end with (or an unknown word: a typo) is looked up; the best-scoring runs win, longer
    runs first on equal scores. ``distinct`` keeps one mention per concept, its best.
    """
    vocab = normaliser.vocabulary
    # A span opens and closes on a word some label opens or closes with (or an unknown word,
    # maybe a typo), never on a function word such as "and", "of", "och".
    closed = normaliser.function_words
    edges = normaliser.edge_words - closed
    frame = frozenset().union(*(frame_words(x) for x in ([lang] if lang else normaliser.langs)))
    found: list[tuple[float, int, int, int, Candidate]] = []
    cache: dict[str, Candidate | None] = {}
    for clause in _clauses(text):
        for i, (start, _, first) in enumerate(clause):
            if first in closed or (first in vocab and first not in edges):
                continue
            for j in range(i, min(i + MAX_WORDS, len(clause))):
                end, last = clause[j][1], clause[j][2]
                if last in closed or (last in vocab and last not in edges):
                    continue
                window = text[start:end]
                folded = " ".join(w for _, _, w in clause[i : j + 1])
                if folded not in cache:
                    # Most spans are no label at all: a weak best match is the normal answer.
                    hits = normaliser.lookup(
                        window, lang, limit=1, shortlist=WINDOW_SHORTLIST, fallback=False
                    )
                    # One word alone must be the label's word, not a look-alike ("Turing").
                    floor = max(min_score, SINGLE_WORD_SCORE) if i == j else min_score
                    cache[folded] = hits[0] if hits and hits[0].score >= floor else None
                hit = cache[folded]
                if hit is not None and _acronym_mismatch(hit.label, window):
                    continue
                # "experience", "years": CV frame words open or close a span only as a label.
                if hit is not None and (hit.score >= 1 or not {first, last} & frame):
                    found.append((hit.score, j - i, start, end, hit))
    # Best score first, then the longer span: "project management" beats "management".
    found.sort(key=lambda f: (-f[0], -f[1], f[2]))
    taken: list[tuple[int, int]] = []
    seen: set[str] = set()
    mentions: list[Mention] = []
    for score, _, start, end, hit in found:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        if distinct and hit.concept_id in seen:
            continue
        taken.append((start, end))
        seen.add(hit.concept_id)
        mentions.append(Mention(hit.concept_id, hit.label, start, _close(text, start, end), score))
    return sorted(mentions, key=lambda m: m.start)
