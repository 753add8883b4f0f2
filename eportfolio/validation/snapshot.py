"""Freeze what is assessed: a JSON snapshot and copies of the claim rows into case_claims."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.db import utcnow
from eportfolio.errors import ValidationFailed
from eportfolio.portfolios.models import Evidence, Portfolio, SkillClaim
from eportfolio.taxonomy_store.models import Concept, ConceptRelation
from eportfolio.validation.models import CaseClaim, ValidationCase


def _evidence(item: Evidence) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "original_name": item.original_name,
        "content_type": item.content_type,
        "sha256": item.sha256,
        "url": item.url,
    }


def _claims(session: Session, case: ValidationCase) -> tuple[Portfolio | None, list[SkillClaim]]:
    portfolio = session.scalar(select(Portfolio).where(Portfolio.user_id == case.learner_id))
    wanted = set((case.snapshot or {}).get("claim_ids", []))
    chosen = [c for c in portfolio.claims if c.id in wanted] if portfolio else []
    return portfolio, chosen


def essential_skills(session: Session, occupation_id: int) -> list[Concept]:
    """Return the occupation's essential skills: what a yrkesbedömning assesses."""
    ids = session.scalars(
        select(ConceptRelation.target_id).where(
            ConceptRelation.source_id == occupation_id, ConceptRelation.kind == "essential-skill"
        )
    ).all()
    query = select(Concept).where(Concept.id.in_(ids)).order_by(Concept.id)
    return list(session.scalars(query))


def check_submittable(session: Session, case: ValidationCase) -> None:
    _, chosen = _claims(session, case)
    occupation = case.occupation_concept_id
    if not chosen and not (occupation and essential_skills(session, occupation)):
        raise ValidationFailed({"claim_ids": [_l("Choose at least one skill to be assessed.")]})


def freeze(session: Session, case: ValidationCase, *, refresh: bool = False) -> None:
    """Copy the chosen claims and their evidence; on resubmission, refresh only the evidence."""
    portfolio, chosen = _claims(session, case)
    by_concept = {c.concept_id: c for c in (portfolio.claims if portfolio else [])}
    if refresh:
        for row in case.claims:
            source = by_concept.get(row.concept_id)
            if source is not None:
                row.evidence = [_evidence(e) for e in source.evidence]
                row.revision += 1
    else:
        rows = [_row(c) for c in chosen]
        if case.occupation_concept_id:
            have = {c.concept_id for c in chosen}
            for skill in essential_skills(session, case.occupation_concept_id):
                if skill.id in have:
                    continue
                own = by_concept.get(skill.id)
                rows.append(
                    _row(own)
                    if own
                    else CaseClaim(
                        concept_id=skill.id, text_as_typed=skill.label("sv"), evidence=[]
                    )
                )
        case.claims.extend(rows)
    session.flush()
    case.snapshot = {
        "claim_ids": (case.snapshot or {}).get("claim_ids", []),
        "frozen_at": utcnow().isoformat(),
        "occupation": case.occupation.uri if case.occupation else None,
        "claims": [
            {
                "case_claim_id": row.id,
                "claim_id": row.claim_id,
                "concept": row.concept.uri,
                "label": row.text_as_typed,
                "level": row.level,
                "years": row.years,
                "learned_in": row.learned_in,
                "evidence": row.evidence,
            }
            for row in case.claims
        ],
        "experiences": [
            {
                "employer_name": e.employer_name,
                "occupation_text": e.occupation_text,
                "start": e.start.isoformat(),
                "end": e.end.isoformat() if e.end else None,
            }
            for e in (portfolio.experiences if portfolio else [])
        ],
    }


def _row(claim: SkillClaim) -> CaseClaim:
    return CaseClaim(
        claim_id=claim.id,
        concept_id=claim.concept_id,
        text_as_typed=claim.text_as_typed,
        level=claim.level,
        years=claim.years,
        learned_in=claim.learned_in.value if claim.learned_in else None,
        evidence=[_evidence(e) for e in claim.evidence],
    )
