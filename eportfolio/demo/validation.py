"""Demo validation: the demo council's scope, one certified case with a credential, one waiting."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from eportfolio.accounts.models import Organisation, User
from eportfolio.regional.municipalities import SKNO_MUNICIPALITIES
from eportfolio.taxonomy_store.models import Concept, ConceptRelation
from eportfolio.validation import councils, services
from eportfolio.validation.models import ValidationCase
from eportfolio.validation.states import Action

COUNCIL = "Valideringsrådet Skåne Nordost"
# SSYK groups the demo council validates: welders and metal work, care, drivers.
SCOPE_PREFIXES = ("72", "53", "83")


def _user(session: Session, mailbox: str) -> User | None:
    return session.scalar(select(User).where(User.email == f"{mailbox}@demo.meritportfolj.se"))


def _claims(session: Session, learner: User, slugs: tuple[str, ...]) -> list[int]:
    from eportfolio.portfolios.services import portfolio_for

    uris = {f"seed:skill:{slug}" for slug in slugs}
    return [c.id for c in portfolio_for(session, learner).claims if c.concept.uri in uris]


def _occupations_in_groups(session: Session, prefixes: tuple[str, ...]) -> list[int]:
    """Return the occupations filed under an SSYK group whose code starts with a prefix.

    The SSYK code sits on the group concept; an occupation only points at its group.
    """
    group = aliased(Concept)
    query = (
        select(Concept.id)
        .join(ConceptRelation, ConceptRelation.source_id == Concept.id)
        .join(group, group.id == ConceptRelation.target_id)
        .where(Concept.kind == "occupation", ConceptRelation.kind == "broader")
        .where(group.kind == "occupation-group")
        .where(or_(*(group.code.startswith(p) for p in prefixes)))
    )
    return sorted(set(session.scalars(query)))


def load_demo_validation(session: Session) -> None:
    """Give the demo council a scope and run Amira's case to a credential (idempotent)."""
    council = session.scalar(select(Organisation).where(Organisation.name == COUNCIL))
    coordinator, assessor, chair = (
        _user(session, m) for m in ("samordnare", "bedomare", "ordforande")
    )
    amira, johan = _user(session, "larande"), _user(session, "larande2")
    if None in (council, coordinator, assessor, chair, amira, johan):
        return
    assert council and coordinator and assessor and chair and amira and johan
    if not councils.scope_of(session, council.id):
        data = {
            "name": council.name,
            "branch": council.branch,
            "occupation_ids": _occupations_in_groups(session, SCOPE_PREFIXES),
            "municipality_codes": [code for code, _ in SKNO_MUNICIPALITIES],
        }
        councils.save_council(session, coordinator, data, council.id)
    if session.scalar(select(ValidationCase.id).where(ValidationCase.council_id == council.id)):
        return  # the demo flow ran before
    case = services.create_case(
        session, amira, council.id, _claims(session, amira, ("mig-mag-svetsning", "tig-svetsning"))
    )
    services.transition(session, amira, case, Action.SUBMIT)
    services.transition(session, assessor, case, Action.TAKE)
    for row, method in zip(case.claims, ("practical_test", "workplace_observation"), strict=False):
        data = {
            "method": method,
            "decision": "verified",
            "verified_level": 3,
            "rationale": "Visade säkert arbete enligt ritning och svetsdatablad.",
        }
        services.assess_claim(session, assessor, case, row.id, data)
    services.transition(session, assessor, case, Action.CONCLUDE)
    services.transition(session, chair, case, Action.CERTIFY)
    waiting = services.create_case(
        session, johan, council.id, _claims(session, johan, ("ritningslasning", "heta-arbeten"))
    )
    services.transition(session, johan, waiting, Action.SUBMIT)
