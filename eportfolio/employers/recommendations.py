"""The learner's direction: occupations, open needs and bristyrken that fit, and what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.employers.models import Need, NeedSkill
from eportfolio.employers.services import to_record as need_record
from eportfolio.matching_index.engine import engine, to_record
from eportfolio.portfolios.models import Portfolio
from eportfolio.taxonomy_store.models import Concept, ConceptRelation, ShortageAssessment

MIN_GAIN = 0.5  # points; a smaller gain would show as "+0 points"
# Per cent of a target's skill points a learner must meet for it to be said to fit: a need
# that only language and place put at 17 points, or an occupation at 0 %, fits no one.
MIN_FIT = 5.0
MAX_NEEDS = 500  # open needs scored per page view, the newest of those within reach

# How strongly a recruitment situation counts when ranking bristyrken (fit x shortage).
SHORTAGE = {"brist": 1.0, "balans": 0.5, "överskott": 0.15}
OPPORTUNITY = {"stora": 0.9, "medelstora": 0.6, "små": 0.3}


@dataclass(frozen=True)
class Suggestion:
    """One thing that fits: an occupation, a need or a bristyrke, with skills worth adding."""

    kind: str
    target: Any  # Concept (occupation) or Need
    score: float
    fit: float
    gaps: list[tuple[Concept, float, str]]  # (skill, points it would add, kind: see Gap)
    shortage: str | None = None

    def to_learn(self) -> list[tuple[Concept, float, str]]:
        """Return the gaps a course could close: skills missing or held below the asked level."""
        return [g for g in self.gaps if g[2] != "evidence" and g[1] >= MIN_GAIN]

    def to_prove(self) -> tuple[list[Concept], float]:
        """Return the skills held well enough but not certified, and what proving them adds."""
        held = [g for g in self.gaps if g[2] == "evidence" and g[1] >= MIN_GAIN]
        return [c for c, _, _ in held], sum(g for _, g, _ in held)


def _concepts(session: Session, uris: set[str]) -> dict[str, Concept]:
    return {c.uri: c for c in session.scalars(select(Concept).where(Concept.uri.in_(uris)))}


def _shortage_by_occupation(
    session: Session, municipality: str | None
) -> dict[str, tuple[float, str]]:
    """Map occupation URIs to (weight, label) from the assessments nearest the learner."""
    rows = list(session.scalars(select(ShortageAssessment)))
    best: dict[str, tuple[int, ShortageAssessment]] = {}
    for row in rows:
        if not row.ssyk4:
            continue
        # Prefer the learner's kommun, then the län, then the country.
        rank = 0 if row.area_code == municipality else 1 if row.area_kind == "lan" else 2
        if row.ssyk4 not in best or rank < best[row.ssyk4][0]:
            best[row.ssyk4] = (rank, row)
    groups = {
        c.id: c.code
        for c in session.scalars(
            select(Concept).where(Concept.kind == "occupation-group", Concept.code.in_(list(best)))
        )
    }
    out: dict[str, tuple[float, str]] = {}
    for occ_uri, group_id in session.execute(
        select(Concept.uri, ConceptRelation.target_id)
        .join(ConceptRelation, ConceptRelation.source_id == Concept.id)
        .where(
            Concept.kind == "occupation",
            ConceptRelation.kind == "broader",
            ConceptRelation.target_id.in_(list(groups)),
        )
    ):
        row = best[groups[group_id]][1]
        weight = SHORTAGE.get(row.recruitment or "") or OPPORTUNITY.get(
            row.job_opportunities or "", 0.0
        )
        if weight:
            out[occ_uri] = (weight, row.recruitment or row.job_opportunities or "")
    return out


def _needs_in_reach(session: Session, eng: Any, skills: list[str]) -> list[Need]:
    """Return the open needs naming a skill that credits one of these, newest first.

    Every other open need would give the learner no skill points, so it could never fit
    (``MIN_FIT``); scoring them all was also a Python loop over every open need. Beyond
    ``MAX_NEEDS`` fitting candidates the newest are scored.
    """
    uris = eng.space.crediting(skills)
    if not uris:
        return []
    reached = select(Concept.id).where(Concept.uri.in_(uris))
    return list(
        session.scalars(
            select(Need)
            .where(Need.is_open.is_(True), Need.skills.any(NeedSkill.concept_id.in_(reached)))
            .order_by(Need.created_at.desc(), Need.id.desc())
            .limit(MAX_NEEDS)
        ).unique()
    )


def recommend(session: Session, portfolio: Portfolio, k: int = 5) -> dict[str, list[Suggestion]]:
    """Return fitting occupations, open needs and bristyrken, each with its top gaps."""
    eng = engine(session)
    if len(getattr(eng.space, "occupation_ids_", ())) == 0:
        return {"occupations": [], "bristyrken": [], "needs": []}  # no occupation profiles yet
    record = to_record(portfolio)
    fits = {"occupations": eng.recommender.occupations(record, k=k)}
    shortage = _shortage_by_occupation(session, portfolio.municipality_code)
    fits["bristyrken"] = eng.recommender.bristyrken(
        record, {u: w for u, (w, _) in shortage.items()}, k=k
    )
    needs = {n.id: n for n in _needs_in_reach(session, eng, [c.skill for c in record.skills])}
    fits["needs"] = (
        eng.recommender.needs(record, {i: need_record(n) for i, n in needs.items()}, k=k)
        if needs
        else []
    )
    uris = {g.skill for group in fits.values() for f in group for g in f.gaps}
    uris |= {str(f.target) for key in ("occupations", "bristyrken") for f in fits[key]}
    concepts = _concepts(session, uris)
    out: dict[str, list[Suggestion]] = {}
    for key, group in fits.items():
        out[key] = [
            Suggestion(
                key,
                needs.get(f.target) if key == "needs" else concepts.get(str(f.target)),
                round(float(f.score), 1),
                round(float(f.fit), 1),
                [
                    (concepts[g.skill], round(float(g.gain), 1), g.kind)
                    for g in f.gaps
                    if g.skill in concepts
                ],
                shortage[str(f.target)][1] if key == "bristyrken" else None,
            )
            for f in group
        ]
        out[key] = [s for s in out[key] if s.target is not None and s.fit >= MIN_FIT]
    return out
