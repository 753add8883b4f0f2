"""A small valideringsråd world for validation tests: taxonomy, council, members, a learner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session


@dataclass
class VWorld:
    council: Any
    assessor: Any
    assessor2: Any
    chair: Any
    learner: Any
    other_learner: Any
    coordinator: Any
    occupation_id: int
    skill_ids: list[int]
    claim_ids: list[int]


def taxonomy(session: Session) -> tuple[int, list[int]]:
    """Import a welder occupation with two essential skills and one more skill."""
    from eportfolio.taxonomy_store.importer import import_taxonomy
    from eportfolio.taxonomy_store.models import Concept
    from taxonomy import Concept as TaxConcept
    from taxonomy import ConceptKind, Label, Relation, RelationKind, Taxonomy

    tax = Taxonomy()
    tax.add(TaxConcept("v:welder", ConceptKind.OCCUPATION, "test", [Label("svetsare", "sv")]))
    for uri, text in (
        ("v:mig", "MIG-svetsning"),
        ("v:tig", "TIG-svetsning"),
        ("v:read", "ritningsläsning"),
    ):
        tax.add(TaxConcept(uri, ConceptKind.SKILL, "test", [Label(text, "sv")]))
    tax.relate(Relation("v:welder", RelationKind.ESSENTIAL_SKILL, "v:mig"))
    tax.relate(Relation("v:welder", RelationKind.ESSENTIAL_SKILL, "v:tig"))
    import_taxonomy(session, tax, source="test", version="v1")
    ids = {c.uri: c.id for c in session.query(Concept).filter(Concept.uri.like("v:%"))}
    return ids["v:welder"], [ids["v:mig"], ids["v:tig"], ids["v:read"]]


def build(session: Session, create_user: Any, create_org: Any) -> VWorld:
    from eportfolio.accounts.models import Membership, Role
    from eportfolio.portfolios.models import Experience, SkillClaim
    from eportfolio.portfolios.services import portfolio_for

    occupation_id, skill_ids = taxonomy(session)
    council = create_org("council", name="Valideringsrådet Svets")
    assessor = create_user("assessor", organisation=council)
    assessor2 = create_user("assessor", organisation=council)
    chair = create_user("chair", organisation=council)
    learner = create_user("learner")
    other = create_user("learner")
    coordinator = create_user("coordinator")
    portfolio = portfolio_for(session, learner)
    portfolio.experiences.append(
        Experience(
            employer_name="Osby Verkstad", occupation_text="Svetsare", start=dt.date(2020, 1, 1)
        )
    )
    for concept_id, level in zip(skill_ids, (2, 3, 1), strict=True):
        portfolio.claims.append(SkillClaim(text_as_typed="x", concept_id=concept_id, level=level))
    session.flush()
    for user in (assessor, assessor2, chair):
        session.refresh(user)
    assert all(isinstance(m, Membership) for m in chair.memberships)
    assert chair.has_role(Role.CHAIR)
    return VWorld(
        council=council,
        assessor=assessor,
        assessor2=assessor2,
        chair=chair,
        learner=learner,
        other_learner=other,
        coordinator=coordinator,
        occupation_id=occupation_id,
        skill_ids=skill_ids,
        claim_ids=[c.id for c in portfolio.claims],
    )
