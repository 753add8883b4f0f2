"""Portfolio content: the learner's own data, edited by the learner or a guide on their behalf."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Municipality, User
from eportfolio.audit import services as audit
from eportfolio.errors import DomainError, NotFound, ValidationFailed
from eportfolio.permissions import Permission, can, require
from eportfolio.portfolios.languages import LANGUAGES
from eportfolio.portfolios.models import (
    Education,
    EducationKind,
    EvidenceStatus,
    Experience,
    LanguageSkill,
    LearnedIn,
    Portfolio,
    SkillClaim,
    TargetOccupation,
)
from eportfolio.taxonomy_store import search
from eportfolio.taxonomy_store.models import Concept, ConceptRelation

# Below this confidence a typed text is not silently mapped: the person picks a suggestion.
MIN_CONFIDENCE = 0.75
MIN_MARGIN = 0.1  # how far the best reading must lead the next unless it is exact

# No 0/O or 1/I: people read pseudonyms aloud over the phone.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_pseudonym() -> str:
    """Return a random public handle such as 'K-7F3A9Q' that says nothing about the person."""
    return "K-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def portfolio_for(session: Session, user: User) -> Portfolio:
    """Return the user's portfolio, creating it on first use."""
    portfolio = session.scalar(select(Portfolio).where(Portfolio.user_id == user.id))
    if portfolio is None:
        portfolio = Portfolio(
            user_id=user.id, pseudonym=new_pseudonym(), work_municipalities=[], driving_licences=[]
        )
        session.add(portfolio)
        session.flush()
    return portfolio


# --- acting for a learner -------------------------------------------------------------------


def portfolio_to_edit(session: Session, actor: User, learner_id: int | None = None) -> Portfolio:
    """Return the portfolio ``actor`` may edit: their own, or a learner's who granted access."""
    if learner_id is None or learner_id == actor.id:
        require(actor, Permission.PORTFOLIO_EDIT, None)
        return portfolio_for(session, actor)
    learner = session.get(User, learner_id)
    portfolio = session.scalar(select(Portfolio).where(Portfolio.user_id == learner_id))
    if learner is None or portfolio is None or not can(actor, Permission.PORTFOLIO_EDIT, portfolio):
        raise NotFound(_l("No such portfolio."))  # never confirm that someone exists
    return portfolio


def _log(
    session: Session,
    actor: User,
    portfolio: Portfolio,
    action: str,
    subject: object,
    data: dict[str, Any] | None = None,
) -> None:
    # Edits by the learner are theirs to make; edits by a guide are recorded on their behalf.
    if actor.id != portfolio.user_id:
        audit.record(
            session,
            f"portfolio.{action}",
            actor_id=actor.id,
            on_behalf_of_id=portfolio.user_id,
            subject_type="portfolio",
            subject_id=subject,
            data=data or {},
        )


# --- profile --------------------------------------------------------------------------------


def update_profile(
    session: Session, actor: User, portfolio: Portfolio, data: dict[str, Any]
) -> None:
    """Save the profile; target occupations are resolved to taxonomy concepts."""
    known = set(session.scalars(select(Municipality.code)))
    for field in ("municipality_code",):
        if data.get(field) and data[field] not in known:
            raise ValidationFailed({field: [_l("Choose a kommun from the list.")]})
    unknown = [c for c in data.get("work_municipalities", []) if c not in known]
    if unknown:
        raise ValidationFailed({"work_municipalities": [_l("Choose kommuner from the list.")]})
    targets = []
    for text in data.pop("target_occupations", []) or []:
        if not text:
            continue
        concept = resolve_concept(session, text, "occupation")
        if concept is None:
            raise ValidationFailed(
                {
                    "target_occupations": [
                        _l(
                            "We could not find the occupation “%(text)s”. Try another word.",
                            text=text,
                        )
                    ]
                }
            )
        targets.append(concept)
    for key, value in data.items():
        setattr(portfolio, key, value)
    portfolio.targets = [
        TargetOccupation(concept_id=c.id) for c in {c.id: c for c in targets}.values()
    ]
    session.flush()
    _log(session, actor, portfolio, "profile.updated", portfolio.id)


def resolve_concept(
    session: Session, text: str, kind: str, concept_id: int | None = None
) -> Concept | None:
    """Return the chosen concept, or the best match for the text when it is confident."""
    if concept_id is not None:
        concept = session.get(Concept, concept_id)
        if concept is None or concept.kind != kind or concept.status == "deprecated":
            return None
        return concept
    matches = search.search(session, text, kind=kind, limit=2)
    if not matches or matches[0].score < MIN_CONFIDENCE:
        return None
    # Two readings nearly as good ("svetsa": aluminium or stainless steel?) are a question for
    # the person, not a guess: the guess would put a skill in the portfolio they never named.
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    if matches[0].score < 1.0 and matches[0].score - runner_up < MIN_MARGIN:
        return None
    return matches[0].concept


# --- experience, education, languages -------------------------------------------------------


def _owned(items: list[Any], item_id: int) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise NotFound(_l("No such entry in this portfolio."))


def save_experience(
    session: Session,
    actor: User,
    portfolio: Portfolio,
    data: dict[str, Any],
    experience_id: int | None = None,
) -> Experience:
    data = dict(data)
    data.pop("ongoing", None)
    concept = resolve_concept(
        session, data["occupation_text"], "occupation", data.pop("occupation_concept_id", None)
    )
    item = (
        _owned(portfolio.experiences, experience_id) if experience_id is not None else Experience()
    )
    for key, value in data.items():
        setattr(item, key, value)
    item.occupation_concept_id = concept.id if concept else None
    if experience_id is None:
        portfolio.experiences.append(item)
    session.flush()
    # A job where her assessor works makes him jävig: her case goes to another assessor.
    from eportfolio.validation.handover import hand_on_conflicted  # validation builds on this

    hand_on_conflicted(session, learner_id=portfolio.user_id)
    _log(session, actor, portfolio, "experience.saved", item.id)
    return item


def save_education(
    session: Session,
    actor: User,
    portfolio: Portfolio,
    data: dict[str, Any],
    education_id: int | None = None,
) -> Education:
    item = _owned(portfolio.educations, education_id) if education_id is not None else Education()
    for key, value in data.items():
        setattr(item, key, EducationKind(value) if key == "kind" else value)
    if education_id is None:
        portfolio.educations.append(item)
    session.flush()
    _log(session, actor, portfolio, "education.saved", item.id)
    return item


def save_language(
    session: Session,
    actor: User,
    portfolio: Portfolio,
    data: dict[str, Any],
    language_id: int | None = None,
) -> LanguageSkill:
    if data["language"] not in LANGUAGES:
        raise ValidationFailed({"language": [_l("Choose a language from the list.")]})
    others = [
        x for x in portfolio.languages if x.language == data["language"] and x.id != language_id
    ]
    if others:
        raise ValidationFailed({"language": [_l("This language is already in your portfolio.")]})
    item = _owned(portfolio.languages, language_id) if language_id is not None else LanguageSkill()
    for key, value in data.items():
        setattr(item, key, value)
    if language_id is None:
        portfolio.languages.append(item)
    session.flush()
    _log(session, actor, portfolio, "language.saved", item.id)
    return item


def delete_item(
    session: Session, actor: User, portfolio: Portfolio, section: str, item_id: int
) -> None:
    """Remove one experience, education, language or claim from the portfolio."""
    items = {
        "experience": portfolio.experiences,
        "education": portfolio.educations,
        "language": portfolio.languages,
        "claim": portfolio.claims,
    }[section]
    item = _owned(items, item_id)
    if section == "claim" and item.status in (EvidenceStatus.VALIDATED, EvidenceStatus.CERTIFIED):
        raise DomainError(
            _l(
                "A validated skill stays in the portfolio: it is part of a decision "
                "by a valideringsråd."
            )
        )
    items.remove(item)
    session.flush()
    _log(session, actor, portfolio, f"{section}.deleted", item_id)


# --- skill claims ---------------------------------------------------------------------------


def save_claim(
    session: Session,
    actor: User,
    portfolio: Portfolio,
    data: dict[str, Any],
    claim_id: int | None = None,
) -> SkillClaim:
    """Create or change a claim; the text is resolved to a skill concept when it is new."""
    claim = _owned(portfolio.claims, claim_id) if claim_id is not None else None
    if claim is None:
        concept = resolve_concept(session, data["text"], "skill", data.get("concept_id"))
        if concept is None:
            offered = bool(search.did_you_mean(session, data["text"], limit=1))
            raise ValidationFailed({"text": [search.unresolved_skill(data["text"], offered)]})
        if any(c.concept_id == concept.id for c in portfolio.claims):
            raise ValidationFailed(
                {
                    "text": [
                        _l(
                            "“%(skill)s” is already in your portfolio.",
                            skill=concept.label(str(get_locale())),
                        )
                    ]
                }
            )
        claim = SkillClaim(
            text_as_typed=data["text"], concept_id=concept.id, status=EvidenceStatus.SELF_DECLARED
        )
        portfolio.claims.append(claim)
    claim.level = data["level"]
    claim.years = data.get("years")
    claim.learned_in = LearnedIn(data["learned_in"]) if data.get("learned_in") else None
    wanted = set(data.get("experience_ids") or [])
    claim.experiences = [e for e in portfolio.experiences if e.id in wanted]
    if len(claim.experiences) != len(wanted):
        raise ValidationFailed({"experience_ids": [_l("Choose experiences from your list.")]})
    session.flush()
    _log(session, actor, portfolio, "claim.saved", claim.id, {"concept_id": claim.concept_id})
    return claim


def suggested_skills(
    session: Session, portfolio: Portfolio, limit: int = 15
) -> list[tuple[Concept, bool]]:
    """Return (skill, essential?) that people in the target occupations usually have."""
    occupations = [t.concept_id for t in portfolio.targets]
    occupations += [
        e.occupation_concept_id for e in portfolio.experiences if e.occupation_concept_id
    ]
    if not occupations:
        return []
    have = {c.concept_id for c in portfolio.claims}
    rows = session.execute(
        select(ConceptRelation.target_id, ConceptRelation.kind)
        .where(
            ConceptRelation.source_id.in_(occupations),
            ConceptRelation.kind.in_(("essential-skill", "optional-skill")),
        )
        .order_by(ConceptRelation.kind, ConceptRelation.id)
    ).all()
    seen: dict[int, bool] = {}
    for target, kind in rows:
        if target not in have:
            seen[target] = seen.get(target, False) or kind == "essential-skill"
    order = sorted(seen, key=lambda cid: (not seen[cid], cid))[:limit]
    concepts = {c.id: c for c in session.scalars(select(Concept).where(Concept.id.in_(order)))}
    return [(concepts[cid], seen[cid]) for cid in order if cid in concepts]


def skills_in_text(session: Session, portfolio: Portfolio, text: str) -> list[search.Found]:
    """Return the skills a pasted CV text mentions that are not yet in the portfolio."""
    have = {c.concept_id for c in portfolio.claims}
    found, seen = [], set()
    for item in search.find_mentions(session, text):
        if item.concept.id not in have and item.concept.id not in seen:
            seen.add(item.concept.id)
            found.append(item)
    return found


def add_claims(
    session: Session,
    actor: User,
    portfolio: Portfolio,
    concept_ids: list[int],
    texts: dict[int, str] | None = None,
    level: int = 2,
) -> list[SkillClaim]:
    """Add accepted suggestions as self-declared claims at a level the person can change."""
    have = {c.concept_id for c in portfolio.claims}
    added = []
    for concept_id in dict.fromkeys(concept_ids):
        concept = session.get(Concept, concept_id)
        if concept is None or concept.kind != "skill" or concept_id in have:
            continue
        claim = SkillClaim(
            text_as_typed=(texts or {}).get(concept_id) or concept.label("sv"),
            concept_id=concept_id,
            level=level,
            status=EvidenceStatus.SELF_DECLARED,
        )
        portfolio.claims.append(claim)
        added.append(claim)
    session.flush()
    if added:
        _log(
            session,
            actor,
            portfolio,
            "claims.added",
            portfolio.id,
            {"concept_ids": [c.concept_id for c in added]},
        )
    return added


# --- overview -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    done: dict[str, bool]
    percent: int
    claims_without_evidence: list[SkillClaim]
    missing_for_targets: list[tuple[Concept, bool]]


def steps_done(portfolio: Portfolio, consent_given: bool) -> dict[str, bool]:
    """Say which parts of a complete portfolio are there, in the guided run's order."""
    return {
        "profile": bool(portfolio.headline and portfolio.municipality_code),
        "experience": bool(portfolio.experiences),
        "skills": len(portfolio.claims) >= 3,
        "languages": bool(portfolio.languages),
        "evidence": bool(portfolio.evidence),
        "consent": consent_given,
    }


def completeness(session: Session, portfolio: Portfolio, consent_given: bool) -> Completeness:
    """Say how complete the portfolio is and what would strengthen it."""
    done = steps_done(portfolio, consent_given)
    percent = round(100 * sum(done.values()) / len(done))
    weak = [c for c in portfolio.claims if c.status is EvidenceStatus.SELF_DECLARED]
    missing = (
        [(c, ess) for c, ess in suggested_skills(session, portfolio, 5) if ess]
        if portfolio.targets
        else []
    )
    return Completeness(done, percent, weak, missing)
