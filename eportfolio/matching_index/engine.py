"""The matching engine as the app runs it: built from the database, kept in step with it.

Each worker builds its engine at first use (the index is a cache, the database the truth):
the skill space from the stored taxonomy, the portfolio index from consenting portfolios.
Before every search it applies the committed rows of the change log written by ``tracking``
that it has not applied yet, so edits, validation results and withdrawn consent show in the
next search.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.matching_index.cursor import ChangeCursor
from eportfolio.matching_index.loading import EVIDENCE, cefr, consenting, load_index
from eportfolio.matching_index.models import MatchingChange
from eportfolio.matching_index.tracking import has_uncommitted
from eportfolio.portfolios.models import LanguageSkill, Portfolio
from eportfolio.taxonomy_store.models import Concept, ConceptLabel, ConceptRelation
from matching import (
    Matcher,
    OccupationModel,
    PortfolioIndex,
    Recommender,
    SkillSpace,
    TextVectoriser,
)
from matching import Portfolio as MatchPortfolio
from matching import SkillClaim as MatchClaim
from taxonomy import Concept as TaxConcept
from taxonomy import ConceptKind, Relation, RelationKind, Taxonomy


@dataclass
class Engine:
    signature: tuple[Any, ...]
    space: SkillSpace
    index: PortfolioIndex
    matcher: Matcher
    recommender: Recommender
    cursor: ChangeCursor  # which MatchingChange rows are applied
    portfolio_of: dict[int, int]  # user id -> indexed portfolio id (erased users have no row)
    lock: threading.Lock = field(default_factory=threading.Lock)


REBUILD_AFTER = 2000  # changes; above this (and a tenth of the index) a worker rebuilds
BUILD_LOOKBACK = 1000  # change ids below the newest a build still watches for late commits
_engines: dict[str, Engine] = {}
_build_lock = threading.Lock()


def taxonomy_from_db(session: Session) -> Taxonomy:
    """Rebuild the plain taxonomy the engine needs from the stored concepts (ids are URIs)."""
    tax = Taxonomy()
    uris: dict[int, str] = {}
    kinds = [
        k.value
        for k in (
            ConceptKind.SKILL,
            ConceptKind.SKILL_GROUP,
            ConceptKind.OCCUPATION,
            ConceptKind.OCCUPATION_GROUP,
        )
    ]
    for cid, uri, kind, code in session.execute(
        select(Concept.id, Concept.uri, Concept.kind, Concept.code).where(
            Concept.kind.in_(kinds), Concept.status != "deprecated"
        )
    ):
        uris[cid] = uri
        tax.add(TaxConcept(uri, ConceptKind(kind), "db", code=code))
    wanted = [
        RelationKind.BROADER.value,
        RelationKind.RELATED.value,
        RelationKind.ESSENTIAL_SKILL.value,
        RelationKind.OPTIONAL_SKILL.value,
    ]
    for src, kind, dst in session.execute(
        select(ConceptRelation.source_id, ConceptRelation.kind, ConceptRelation.target_id).where(
            ConceptRelation.kind.in_(wanted)
        )
    ):
        if src in uris and dst in uris:
            tax.relate(Relation(uris[src], RelationKind(kind), uris[dst]))
    _inherit_occupation_codes(tax)
    return tax


def _inherit_occupation_codes(tax: Taxonomy) -> None:
    # Seed occupations carry no code themselves; their SSYK group (BROADER) does.
    for concept in tax.occupations():
        if concept.code is None:
            for group in tax.broader(concept.id):
                code = tax.concepts[group].code if group in tax.concepts else None
                if code:
                    concept.code = code
                    break


def _signature(session: Session) -> tuple[Any, ...]:
    return (
        *session.execute(select(func.count(Concept.id), func.max(Concept.id))).one(),
        session.scalar(select(func.max(ConceptLabel.id))),
        session.scalar(select(func.count(ConceptRelation.id))),
    )


def to_record(portfolio: Portfolio) -> MatchPortfolio:
    """Turn a stored portfolio into the engine's record: competence only, never identity."""
    claims = [
        MatchClaim(c.concept.uri, int(c.verified_level or c.level), EVIDENCE[c.status])
        for c in portfolio.claims
        if c.concept is not None
    ]
    languages = {lang.language: _cefr(lang) for lang in portfolio.languages}
    text = " ".join(
        [
            *(e.occupation_text + " " + (e.description or "") for e in portfolio.experiences),
            *(e.programme for e in portfolio.educations),
        ]
    )
    return MatchPortfolio(portfolio.id, claims, languages, portfolio.municipality_code, text)


def _cefr(lang: LanguageSkill) -> int:
    return cefr(lang.mother_tongue, lang.listening, lang.reading, lang.speaking, lang.writing)


def _visible_portfolios(session: Session, user_ids: list[int]) -> list[Portfolio]:
    """Return these learners' portfolios where they let employers find them."""
    query = select(Portfolio).where(Portfolio.user_id.in_(consenting(user_ids)))
    return list(session.scalars(query))


def build(session: Session) -> Engine:
    """Build the engine from the database."""
    newest = session.scalar(select(func.max(MatchingChange.id))) or 0
    recent = session.scalars(
        select(MatchingChange.id).where(MatchingChange.id > newest - BUILD_LOOKBACK)
    ).all()
    cursor = ChangeCursor.at(newest, recent, BUILD_LOOKBACK, time.monotonic())
    index = empty_index(session)
    loaded = load_index(session, index)
    matcher = Matcher().fit(index)
    built = Engine(
        _signature(session),
        index.space,
        index,
        matcher,
        Recommender().fit(matcher),
        cursor,
        dict(zip(loaded.user_ids, loaded.portfolio_ids.tolist(), strict=True)),
    )
    settle_heap()
    return built


def empty_index(session: Session) -> PortfolioIndex:
    """Return an index with the stored taxonomy's skill space and occupation model, no rows."""
    taxonomy = taxonomy_from_db(session)
    space = SkillSpace.from_taxonomy(taxonomy)
    model = OccupationModel().fit(space)
    # Word weights come from the taxonomy's labels, not from the portfolios a worker finds
    # at its start: workers started at different times would give one candidate different
    # scores. Words no label uses ("jag", "har") weigh least.
    text = TextVectoriser(n_features=2**16, unseen_idf=1.0).fit(
        [label.text for concept in taxonomy.concepts.values() for label in concept.labels]
    )
    # A worker builds before it serves its first search: it may use every core meanwhile.
    return PortfolioIndex(space, model, text=text, n_jobs=os.cpu_count())


def settle_heap() -> None:
    """Keep the garbage collector's full passes off the objects a worker holds for good.

    An engine holds a few hundred thousand long-lived objects (taxonomy, labels, the index's
    id map). Each full collection walks them all, and one can fall in the middle of any
    search: at a million portfolios that showed as the slowest searches taking twice the
    typical time. Frozen objects are skipped; unfreezing first lets the objects of an
    engine this one replaces be collected.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def engine(session: Session) -> Engine:
    """Return this worker's engine for the session's database, brought up to date.

    A session with uncommitted changes of its own gets the index as it stands: those changes
    join it once committed (a rollback must leave nothing behind in a shared index).
    """
    bind = session.get_bind()
    key = str(getattr(bind, "engine", bind).url)
    current = _engines.get(key)
    own = has_uncommitted(session)
    if current is None or current.signature != _signature(session):
        with _build_lock:
            built = build(session)
            if not own:  # built from uncommitted rows: good for this request only
                _engines[key] = built
        return built
    if own:
        return current
    with current.lock:
        cursor = current.cursor
        newest = session.scalar(select(func.max(MatchingChange.id))) or 0
        if cursor.is_current(newest):
            return current
        # Ids going back mean a restore or a test rollback; a flood (bulk import, ``demo
        # scale``) reads faster in columns than one portfolio at a time. Either way: rebuild.
        if newest < cursor.top or newest - cursor.top > max(
            REBUILD_AFTER, len(current.index) // 10
        ):
            with _build_lock:
                current = _engines[key] = build(session)
            return current
        rows = session.execute(
            select(MatchingChange.id, MatchingChange.user_id).where(MatchingChange.id > cursor.low)
        ).all()
        new = set(cursor.take([i for i, _ in rows], time.monotonic(), upto=newest))
        changed = sorted({user for i, user in rows if i in new})
        fresh = {p.user_id: p for p in _visible_portfolios(session, changed)}
        for user_id in changed:
            portfolio = fresh.get(user_id)
            if portfolio is not None:
                current.index.update(to_record(portfolio))
                current.portfolio_of[user_id] = portfolio.id
            elif user_id in current.portfolio_of:  # consent withdrawn or erased: out at once
                current.index.remove(current.portfolio_of.pop(user_id))
    return current


def reset() -> None:
    """Forget every built engine (tests, or after a restore)."""
    _engines.clear()
