"""Read what the matching index needs in columns, never as one ORM object per portfolio.

A worker's start must load a national population: a million portfolios as objects (with
their claims, languages and experiences) would take gigabytes and minutes, so the start-up
reads plain rows in a handful of queries and hands the index arrays. The result is the same
as indexing ``engine.to_record`` of every consenting portfolio (a test holds them equal).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from eportfolio.portfolios.models import (
    Education,
    EvidenceStatus,
    Experience,
    LanguageSkill,
    Portfolio,
    SkillClaim,
)
from eportfolio.privacy.models import ConsentKind, ConsentRecord
from eportfolio.taxonomy_store.models import Concept
from matching import PortfolioIndex
from matching.records import Evidence

EVIDENCE = {
    EvidenceStatus.SELF_DECLARED: Evidence.SELF,
    EvidenceStatus.DOCUMENTED: Evidence.DOCUMENTED,
    EvidenceStatus.VALIDATED: Evidence.VALIDATED,
    EvidenceStatus.CERTIFIED: Evidence.CERTIFIED,
}
CEFR_RANK = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6}


def consenting(user_ids: list[int] | None = None) -> Select[tuple[int]]:
    """Return a query of the learners (of these, or all) who now let employers find them.

    A subquery, not a list of ids: a national population is far more than the 65,535 bind
    parameters a PostgreSQL statement may carry.
    """
    latest = select(func.max(ConsentRecord.id)).where(ConsentRecord.kind == ConsentKind.MATCHING)
    if user_ids is not None:
        latest = latest.where(ConsentRecord.user_id.in_(user_ids))
    return select(ConsentRecord.user_id).where(
        ConsentRecord.id.in_(latest.group_by(ConsentRecord.user_id)), ConsentRecord.granted
    )


def cefr(mother_tongue: bool, *skills: str | None) -> int:
    """Return one language's CEFR rank 1..6: a mother tongue is 6, else the weakest skill."""
    if mother_tongue:
        return 6
    levels = [CEFR_RANK[x] for x in skills if x]
    return min(levels) if levels else 1


@dataclass
class Loaded:
    """The consenting portfolios, in portfolio id order."""

    portfolio_ids: NDArray[np.int64]
    user_ids: list[int]


def load_index(session: Session, index: PortfolioIndex) -> Loaded:
    """Fill ``index`` with every consenting portfolio, read column-wise."""
    visible = select(Portfolio.id).where(Portfolio.user_id.in_(consenting()))
    people = session.execute(
        select(Portfolio.id, Portfolio.user_id, Portfolio.municipality_code)
        .where(Portfolio.id.in_(visible))
        .order_by(Portfolio.id)
    ).all()
    ids = np.array([p for p, _, _ in people], dtype=np.int64)
    rows, skills, levels, evidence = _claims(session, index, visible, ids)
    index.fit_arrays(
        ids,
        rows,
        skills,
        levels,
        evidence,
        municipalities=[m for _, _, m in people],
        languages=_languages(session, visible, ids),
        texts=_texts(session, visible, ids),
    )
    return Loaded(ids, [u for _, u, _ in people])


def _row_of(ids: NDArray[np.int64], portfolio_ids: Any) -> NDArray[np.int64]:
    """Return the index row of each portfolio id (ids are sorted)."""
    return np.searchsorted(ids, np.asarray(portfolio_ids, dtype=np.int64))


def _claims(
    session: Session, index: PortfolioIndex, visible: Select[tuple[int]], ids: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Return (row, skill, level, evidence) of each known skill, the best-backed of repeats."""
    found = session.execute(
        select(
            SkillClaim.portfolio_id,
            Concept.uri,
            func.coalesce(SkillClaim.verified_level, SkillClaim.level),
            SkillClaim.status,
        )
        .join(Concept, Concept.id == SkillClaim.concept_id)
        .where(SkillClaim.portfolio_id.in_(visible))
    ).all()
    empty = np.zeros(0, dtype=np.int64)
    if not found:
        return empty, empty, empty, empty
    pid, uri, level, status = zip(*found, strict=True)
    uris, at = np.unique(np.array(uri, dtype=object), return_inverse=True)
    skill = index.space.indices(uris.tolist())[at]
    rank = {s.value: int(e) for s, e in EVIDENCE.items()}
    ev = np.array([rank[str(s)] for s in status], dtype=np.int64)
    lv = np.array(level, dtype=np.int64)
    row = _row_of(ids, pid)
    keep = skill >= 0  # concepts outside the skill space (retired, not skills) never match
    row, skill, lv, ev = row[keep], skill[keep], lv[keep], ev[keep]
    # One claim per (portfolio, skill): the best evidence, then the highest level, wins.
    order = np.lexsort((lv, ev, skill, row))
    row, skill, lv, ev = row[order], skill[order], lv[order], ev[order]
    last = np.ones(len(row), dtype=bool)
    last[:-1] = (row[1:] != row[:-1]) | (skill[1:] != skill[:-1])
    return row[last], skill[last], lv[last], ev[last]


def _languages(
    session: Session, visible: Select[tuple[int]], ids: NDArray[np.int64]
) -> list[dict[str, int]]:
    """Return each portfolio's languages with their CEFR rank."""
    out: list[dict[str, int]] = [{} for _ in range(len(ids))]
    found = session.execute(
        select(
            LanguageSkill.portfolio_id,
            LanguageSkill.language,
            LanguageSkill.mother_tongue,
            LanguageSkill.listening,
            LanguageSkill.reading,
            LanguageSkill.speaking,
            LanguageSkill.writing,
        )
        .where(LanguageSkill.portfolio_id.in_(visible))
        .order_by(LanguageSkill.id)
    ).all()
    if found:
        for row, (_, language, mother, *skills) in zip(
            _row_of(ids, [f[0] for f in found]).tolist(), found, strict=True
        ):
            out[row][language] = cefr(mother, *skills)
    return out


def _texts(session: Session, visible: Select[tuple[int]], ids: NDArray[np.int64]) -> list[str]:
    """Return each portfolio's free text the way ``engine.to_record`` joins it."""
    parts: dict[int, list[str]] = defaultdict(list)
    for pid, occupation, description in session.execute(
        select(Experience.portfolio_id, Experience.occupation_text, Experience.description)
        .where(Experience.portfolio_id.in_(visible))
        .order_by(Experience.id)
    ):
        parts[pid].append(occupation + " " + (description or ""))
    for pid, programme in session.execute(
        select(Education.portfolio_id, Education.programme)
        .where(Education.portfolio_id.in_(visible))
        .order_by(Education.id)
    ):
        parts[pid].append(programme)
    return [" ".join(parts.get(int(p), ())) for p in ids]
