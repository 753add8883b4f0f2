"""Concept search, normalisation and extraction over the stored taxonomy.

The normaliser index is built from the database on first use and cached per process; it is
rebuilt when an import changes the taxonomy (a cheap signature query on each use), so several
workers stay in step without talking to each other.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.errors import NotFound
from eportfolio.taxonomy_store.models import Concept, ConceptLabel, ConceptRelation
from taxonomy.extract import Mention, extract
from taxonomy.normalise import Normaliser

KINDS = ("skill", "occupation", "occupation-group", "skill-group")
_lock = threading.Lock()
_cache: dict[tuple[str, str], tuple[tuple[Any, ...], Normaliser, dict[str, int]]] = {}

# Below this a match shares letters with the text but not a word or stem ("xqzv" finds
# "XQuery" at 0.01): offering it as "did you mean" or while typing is noise.
PLAUSIBLE = 0.2
_WORDS = re.compile(r"\w+")


def _begins_words(typed: list[str], label: str) -> bool:
    """Tell whether every typed word begins a word of the label ("undersk": Undersköterska),
    as someone part-way through typing it gets a low score but a sound suggestion."""
    words = _WORDS.findall(label.casefold())
    return bool(typed) and all(any(w.startswith(t) for w in words) for t in typed)


@dataclass(frozen=True)
class Match:
    concept: Concept
    label: str
    score: float


def _signature(session: Session) -> tuple[Any, ...]:
    # Imports add labels (new max id) or deprecate concepts: either changes this signature.
    concepts = session.execute(select(func.count(Concept.id), func.max(Concept.id))).one()
    deprecated = session.scalar(
        select(func.count(Concept.id)).where(Concept.status == "deprecated")
    )
    labels = session.execute(select(func.max(ConceptLabel.id), func.max(ConceptLabel.folded))).one()
    return (*concepts, deprecated, *labels)


def normaliser(session: Session, kind: str = "skill") -> tuple[Normaliser, dict[str, int]]:
    """Return the cached normaliser for one concept kind and its uri → id map."""
    bind = session.get_bind()
    key = (str(getattr(bind, "engine", bind).url), kind)
    signature = _signature(session)
    cached = _cache.get(key)
    if cached and cached[0] == signature:
        return cached[1], cached[2]
    with _lock:
        rows = session.execute(
            select(Concept.uri, Concept.id, ConceptLabel.text, ConceptLabel.lang)
            .join(ConceptLabel, ConceptLabel.concept_id == Concept.id)
            .where(Concept.kind == kind, Concept.status != "deprecated")
            .order_by(Concept.id, ConceptLabel.id)
        ).all()
        index = Normaliser.from_labels((uri, text, lang) for uri, _cid, text, lang in rows)
        ids = {uri: cid for uri, cid, _t, _l in rows}
        _cache[key] = (signature, index, ids)
    return index, ids


def _concepts(session: Session, ids: list[int]) -> dict[int, Concept]:
    return {c.id: c for c in session.scalars(select(Concept).where(Concept.id.in_(ids)))}


def search(
    session: Session,
    text: str,
    *,
    kind: str = "skill",
    lang: str | None = None,
    limit: int = 10,
    min_score: float = 0.0,
) -> list[Match]:
    """Rank concepts of one kind for free text (typos, inflection, word order tolerated).

    ``min_score`` leaves out weaker matches: ``PLAUSIBLE`` for what a person is offered.
    """
    text = text.strip()
    if not text:
        return []
    index, ids = normaliser(session, kind)
    typed = _WORDS.findall(text.casefold())
    candidates = [
        c
        for c in index.lookup(text, lang=lang, limit=limit)
        if c.score >= min_score or _begins_words(typed, c.label)
    ]
    concepts = _concepts(session, [ids[c.concept_id] for c in candidates])
    return [
        Match(concepts[ids[c.concept_id]], c.label, round(c.score, 3))
        for c in candidates
        if ids[c.concept_id] in concepts
    ]


def did_you_mean(
    session: Session, text: str, *, kind: str = "skill", limit: int = 6
) -> list[Concept]:
    """Return the concepts that words which named none for certain may mean, best first, to
    offer as "did you mean"; none when nothing is plausible."""
    return [m.concept for m in search(session, text, kind=kind, limit=limit, min_score=PLAUSIBLE)]


def unresolved_skill(text: str, offered: bool) -> Any:
    """Say what to do about words that named no one skill: choose among what is offered for
    them, or, with nothing offered, that no skill was found."""
    if offered:
        return _l(
            "Which skill do you mean by “%(text)s”? Choose one of the suggestions, or describe "
            "it in other words.",
            text=text,
        )
    return _l("We could not find a skill for “%(text)s”. Describe it in other words.", text=text)


@dataclass(frozen=True)
class Found:
    concept: Concept
    mention: Mention


def find_mentions(session: Session, text: str, *, lang: str | None = None) -> list[Found]:
    """Return the skills a longer text mentions, with their spans."""
    index, ids = normaliser(session, "skill")
    mentions = extract(index, text, lang=lang)
    concepts = _concepts(session, [ids[m.concept_id] for m in mentions])
    return [
        Found(concepts[ids[m.concept_id]], m) for m in mentions if ids[m.concept_id] in concepts
    ]


def get_concept(session: Session, concept_id: int) -> Concept:
    concept = session.get(Concept, concept_id)
    if concept is None:
        raise NotFound(_l("No such concept."))
    return concept


def relations(
    session: Session, concept: Concept, limit: int = 60
) -> dict[str, list[tuple[Concept, float | None]]]:
    """Return the concept's neighbours grouped by how they relate, both directions."""
    out: dict[str, list[tuple[Concept, float | None]]] = {}
    outgoing = session.execute(
        select(ConceptRelation.kind, Concept, ConceptRelation.weight)
        .join(Concept, Concept.id == ConceptRelation.target_id)
        .where(ConceptRelation.source_id == concept.id)
        .order_by(Concept.id)
    ).all()
    incoming = session.execute(
        select(ConceptRelation.kind, Concept, ConceptRelation.weight)
        .join(Concept, Concept.id == ConceptRelation.source_id)
        .where(ConceptRelation.target_id == concept.id)
        .order_by(Concept.id)
    ).all()
    names = {
        "broader": "broader",
        "related": "related",
        "essential-skill": "essential_skills",
        "optional-skill": "optional_skills",
        "substitutable": "substitutes",
        "exact-match": "same_as",
        "close-match": "close_to",
    }
    inverse = {
        "broader": "narrower",
        "related": "related",
        "essential-skill": "essential_for",
        "optional-skill": "optional_for",
        "substitutable": "substituted_by",
        "exact-match": "same_as",
        "close-match": "close_to",
    }
    for kind, other, weight in outgoing:
        out.setdefault(names.get(kind, kind), []).append((other, weight))
    for kind, other, weight in incoming:
        out.setdefault(inverse.get(kind, kind), []).append((other, weight))
    return {k: v[:limit] for k, v in out.items()}


def stats(session: Session) -> dict[str, dict[str, int]]:
    """Count concepts per source and kind, and labels and relations."""
    result: dict[str, dict[str, int]] = {}
    for source, kind, n in session.execute(
        select(Concept.source, Concept.kind, func.count()).group_by(Concept.source, Concept.kind)
    ):
        result.setdefault(source, {})[kind] = n
    result["totals"] = {
        "concepts": session.scalar(select(func.count(Concept.id))) or 0,
        "deprecated": session.scalar(
            select(func.count(Concept.id)).where(Concept.status == "deprecated")
        )
        or 0,
        "labels": session.scalar(select(func.count(ConceptLabel.id))) or 0,
        "relations": session.scalar(select(func.count(ConceptRelation.id))) or 0,
    }
    return result
