"""A small hand-built region with known answers for the regional overview tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.portfolios.models import EvidenceStatus, Portfolio, SkillClaim, TargetOccupation
from eportfolio.regional import supply
from eportfolio.taxonomy_store.models import Concept, DemandCount

WELDER = "seed:occ:svetsare"
TIG = "seed:skill:tig-svetsning"


@dataclass
class RegionWorld:
    ids: dict[str, int]
    near_skills: list[str]
    lifting: set[str]  # every skill that alone lifts the near people over 60
    council_id: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _concepts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Concept.uri, Concept.id)).all())


def welder_near_set(session: Session, threshold: float = 60.0) -> tuple[list[str], set[str]]:
    """Welder skills without TIG whose fit lies just below the threshold, TIG lifting it over."""
    model = supply.build_model(session)
    o = model.space.occupation_index_[WELDER]
    lo, hi = model.weights.indptr[o], model.weights.indptr[o + 1]
    skills = [str(model.space.skill_ids_[s]) for s in model.weights.indices[lo:hi]]
    gains = dict(zip(skills, 100.0 * model.weights.data[lo:hi] / model.totals[o], strict=True))
    chosen: list[str] = []
    fit = 0.0
    for skill in sorted(gains, key=lambda s: (-gains[s], s)):
        if skill == TIG or fit + gains[skill] >= threshold - 1e-6:
            continue
        chosen.append(skill)
        fit += gains[skill]
    assert threshold - gains[TIG] <= fit < threshold, (fit, gains[TIG])
    lifting = {s for s, g in gains.items() if s not in chosen and fit + g >= threshold}
    return chosen, lifting


def add_person(
    session: Session,
    create_user: Any,
    kommun: str,
    skills: list[str],
    status: EvidenceStatus = EvidenceStatus.SELF_DECLARED,
    target: str | None = None,
) -> Portfolio:
    concepts = _concepts(session)
    user = create_user("learner")
    portfolio = Portfolio(
        user_id=user.id,
        pseudonym=f"T{user.id:06d}",
        municipality_code=kommun,
        work_municipalities=[],
        driving_licences=[],
    )
    portfolio.claims = [
        SkillClaim(
            text_as_typed=uri,
            concept_id=concepts[uri],
            level=3,
            status=status,
            verified_level=3 if status is not EvidenceStatus.SELF_DECLARED else None,
        )
        for uri in skills
    ]
    if target:
        portfolio.targets = [TargetOccupation(concept_id=concepts[target])]
    session.add(portfolio)
    session.flush()
    return portfolio


def build(session: Session, create_user: Any) -> RegionWorld:
    """10 full welders in Osby (5 validated), 6 near ones missing TIG, 2 welders in Hässleholm."""
    from eportfolio.demo.cli import ensure_municipalities, load_seed_taxonomy

    load_seed_taxonomy(session)
    ensure_municipalities(session)
    model = supply.build_model(session)
    o = model.space.occupation_index_[WELDER]
    lo, hi = model.weights.indptr[o], model.weights.indptr[o + 1]
    full = [str(model.space.skill_ids_[s]) for s in model.weights.indices[lo:hi]]
    near, lifting = welder_near_set(session)
    for k in range(10):
        status = EvidenceStatus.VALIDATED if k < 5 else EvidenceStatus.SELF_DECLARED
        add_person(session, create_user, "1273", full, status, target=WELDER)
    for _ in range(6):
        add_person(session, create_user, "1273", near, target=WELDER)
    for _ in range(2):
        add_person(session, create_user, "1293", full)
    session.add_all(
        [
            DemandCount(ssyk4="7212", kommunkod="1273", period="2024", ads=12),
            DemandCount(ssyk4="7212", kommunkod="1280", period="2024", ads=30),
            DemandCount(ssyk4="7212", kommunkod="1273", period="2023", ads=8),
        ]
    )
    session.flush()
    assert np.isfinite(len(full))
    return RegionWorld(ids=_concepts(session), near_skills=near, lifting=lifting)


def add_cases(session: Session, council_id: int, learner_id: int, occupation_id: int) -> None:
    """6 certified (10..60 days), 5 not certified (5..25 days), 5 waiting; all in 2026."""
    from eportfolio.validation.models import ValidationCase
    from eportfolio.validation.states import State

    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    rows = [(State.CERTIFIED, 10 * (k + 1)) for k in range(6)]
    rows += [(State.NOT_CERTIFIED, 5 * (k + 1)) for k in range(5)]
    rows += [(State.SUBMITTED, None) for _ in range(5)]
    for state, days in rows:
        session.add(
            ValidationCase(
                learner_id=learner_id,
                council_id=council_id,
                occupation_concept_id=occupation_id,
                state=state,
                submitted_at=start,
                decided_at=start + dt.timedelta(days=days) if days else None,
                snapshot={},
                past_assessor_ids=[],
            )
        )
    session.flush()
