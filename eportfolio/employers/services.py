"""Needs, candidate search with explanations, shortlists and contact requests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Municipality, User
from eportfolio.audit import services as audit
from eportfolio.db import utcnow
from eportfolio.employers.models import (
    ContactRequest,
    Need,
    NeedLanguage,
    NeedSkill,
    ShortlistEntry,
)
from eportfolio.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from eportfolio.matching_index.engine import engine
from eportfolio.matching_index.loading import CEFR_RANK
from eportfolio.notifications.services import notify
from eportfolio.permissions import Permission, can, require
from eportfolio.portfolios.models import Portfolio
from eportfolio.portfolios.services import resolve_concept
from eportfolio.privacy import services as privacy
from eportfolio.taxonomy_store import search as taxonomy_search
from eportfolio.taxonomy_store.models import Concept
from matching import Explanation
from matching import Need as MatchNeed
from matching import NeedSkill as MatchNeedSkill

PAGE = 20
MAX_PAGES = 5  # employers see at most 100 candidates per need: no trawling the population


def need_for(session: Session, user: User, need_id: int) -> Need:
    """Return a need of the user's organisation; others' needs are 'not found'."""
    need = session.get(Need, need_id)
    if need is None or not can(user, Permission.NEED_MANAGE, need):
        raise NotFound(_l("No such need."))
    return need


ROW_CHOICES = 4  # "did you mean" choices offered beside a need row that named no one skill


class SkillRows(NamedTuple):
    """Need skills read as taxonomy skills, and what is wrong with the rows that are not."""

    found: dict[int, tuple[dict[str, Any], Concept]]  # concept id: (item, concept)
    errors: dict[str, list[Any]]  # skill_<row>: messages
    choices: dict[str, list[Concept]]  # skill_<row> naming no one skill: what it may mean


def skill_errors(
    session: Session, items: list[dict[str, Any]], rows: list[int] | None = None
) -> SkillRows:
    """Resolve need skills to taxonomy skills; say which rows do not resolve or repeat a
    skill, and offer each row that named no one skill the skills it may mean (none when
    nothing is plausible).

    ``rows`` are the form rows the items were typed in (a form skips empty rows); by
    default their places in the list.
    """
    rows = rows if rows is not None and len(rows) == len(items) else list(range(1, len(items) + 1))
    found: dict[int, tuple[dict[str, Any], Concept]] = {}
    row_of: dict[int, int] = {}
    errors: dict[str, list[Any]] = {}
    unresolved: dict[str, str] = {}
    for row, item in zip(rows, items, strict=True):
        concept = resolve_concept(session, item["text"], "skill", item.get("concept_id"))
        if concept is None:
            # Said once every row is read (below), in its place among the rows' errors.
            unresolved[f"skill_{row}"], errors[f"skill_{row}"] = item["text"], []
        elif concept.id in found:
            # Keeping one row silently would drop the other's must/level without a word.
            errors[f"skill_{row}"] = [
                _l(
                    "“%(text)s” is the same skill as row %(row)s (%(label)s). "
                    "Name each skill once: remove one of the rows.",
                    text=item["text"],
                    row=row_of[concept.id],
                    label=concept.label(str(get_locale())),
                )
            ]
        else:
            found[concept.id], row_of[concept.id] = (item, concept), row
    choices: dict[str, list[Concept]] = {}
    for key, text in unresolved.items():
        # A skill another row names already is no answer: choosing it would name it twice.
        offered = [c for c in taxonomy_search.did_you_mean(session, text) if c.id not in found]
        choices[key] = offered[:ROW_CHOICES]
        errors[key] = [taxonomy_search.unresolved_skill(text, bool(offered))]
    return SkillRows(found, errors, choices)


def save_need(
    session: Session,
    user: User,
    data: dict[str, Any],
    need_id: int | None = None,
    rows: list[int] | None = None,
) -> Need:
    """Create or change a need; every skill text is resolved to a taxonomy skill.

    Every place, occupation and skill row that does not resolve is named at once.
    """
    require(user, Permission.NEED_MANAGE)
    orgs = user.organisations()
    need = (
        need_for(session, user, need_id)
        if need_id is not None
        else Need(organisation_id=orgs[0].id, created_by_id=user.id)
    )
    errors: dict[str, list[Any]] = {}
    if (
        data.get("municipality_code")
        and session.get(Municipality, data["municipality_code"]) is None
    ):
        errors["municipality_code"] = [_l("Choose a kommun from the list.")]
    occupation = (
        resolve_concept(session, data["occupation"], "occupation")
        if data.get("occupation")
        else None
    )
    if data.get("occupation") and occupation is None:
        errors["occupation"] = [
            _l(
                "We could not find the occupation “%(text)s”. Try another word.",
                text=data["occupation"],
            )
        ]
    found, unresolved, choices = skill_errors(session, data["skills"], rows)
    errors |= unresolved
    if errors:
        lang = str(get_locale())
        suggestions = {
            key: [{"concept_id": c.id, "uri": c.uri, "label": c.label(lang)} for c in offered]
            for key, offered in choices.items()
        }
        raise ValidationFailed(errors, **({"suggestions": suggestions} if suggestions else {}))
    # An edit keeps the rows of skills that stay: replacing them would insert the new row
    # before the old one is deleted, against the one-row-per-skill rule.
    kept = {s.concept_id: s for s in need.skills}
    skills: dict[int, NeedSkill] = {}
    for concept_id, (item, _concept) in found.items():
        row = kept.get(concept_id) or NeedSkill(concept_id=concept_id)
        row.text, row.must, row.min_level = item["text"], item["must"], item["min_level"]
        skills[concept_id] = row
    need.title, need.text = data["title"], data.get("text")
    need.occupation_concept_id = occupation.id if occupation else None
    need.municipality_code, need.start_date = data.get("municipality_code"), data.get("start_date")
    need.skills = list(skills.values())
    need.languages = [NeedLanguage(**lang) for lang in data.get("languages", [])]
    session.add(need)
    session.flush()
    audit.record(session, "need.saved", actor_id=user.id, subject_type="need", subject_id=need.id)
    return need


def set_open(session: Session, user: User, need_id: int, is_open: bool) -> Need:
    """Close a need (learners stop seeing it, no new contact requests) or open it again."""
    need = need_for(session, user, need_id)
    if need.is_open != is_open:
        need.is_open = is_open
        session.flush()
        audit.record(
            session,
            "need.reopened" if is_open else "need.closed",
            actor_id=user.id,
            subject_type="need",
            subject_id=need.id,
        )
    return need


def needs_of(session: Session, user: User) -> list[Need]:
    orgs = [o.id for o in user.organisations()]
    return list(
        session.scalars(
            select(Need)
            .where(Need.organisation_id.in_(orgs))
            .order_by(Need.is_open.desc(), Need.created_at.desc(), Need.id.desc())
        )
    )


# Words by which Swedish and English ads mark a skill as an advantage rather than a must.
_MERIT = re.compile(
    r"meriterande|meriterar|merit|önskvärd|önskvärt|fördel|plus\b|desirable|advantage|"
    r"nice to have|is a plus|preferred",
    re.IGNORECASE,
)
# "Truckkort är inte ett krav": named, but not required either.
_NOT_REQUIRED = re.compile(
    r"\b(inte|ej|inget|icke)\b[^.!?;\n]{0,20}\b(krav|nödvändig\w*|obligatorisk\w*)|"
    r"\bnot\b[^.!?;\n]{0,20}\b(required|a requirement|necessary|mandatory)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;\n]")


@dataclass(frozen=True)
class AdSkill:
    """A skill named in a pasted job ad, with the words that named it."""

    concept: Concept
    words: str
    must: bool  # False when its sentence calls it an advantage or says it is not required


def skills_from_ad(session: Session, text: str) -> list[AdSkill]:
    """Suggest need skills from a pasted job ad, must or nice by the sentence around them."""
    found = []
    for f in taxonomy_search.find_mentions(session, text):
        start, end = f.mention.start, f.mention.end
        before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
        after = _SENTENCE_END.search(text, end)
        sentence = text[(before[-1] if before else 0) : (after.start() if after else len(text))]
        nice = _MERIT.search(sentence) or _NOT_REQUIRED.search(sentence)
        found.append(AdSkill(f.concept, text[start:end], not nice))
    return found


def to_record(need: Need) -> MatchNeed:
    """The engine's view of a need: skills, occupation, languages, place and words."""
    return MatchNeed(
        [MatchNeedSkill(s.concept.uri, s.min_level, s.must) for s in need.skills],
        occupation=need.occupation.uri if need.occupation else None,
        languages={lang.language: CEFR_RANK[lang.min_cefr] for lang in need.languages},
        municipality=need.municipality_code,
        text=" ".join(x for x in (need.title, need.text or "") if x),
    )


@dataclass(frozen=True)
class Candidate:
    portfolio: Portfolio
    score: float
    explanation: Explanation


def candidates(session: Session, user: User, need: Need, page: int = 1) -> list[Candidate]:
    """Rank consenting portfolios for the need; every card viewed is logged for the learner."""
    page = min(max(page, 1), MAX_PAGES)
    eng = engine(session)
    matches = eng.matcher.search(to_record(need), k=PAGE * page)[PAGE * (page - 1) :]
    portfolios = {
        p.id: p
        for p in session.scalars(
            select(Portfolio).where(Portfolio.id.in_([m.portfolio_id for m in matches]))
        )
    }
    out = []
    for m in matches:
        portfolio = portfolios.get(m.portfolio_id)
        if portfolio is None or m.explanation is None:
            continue
        privacy.log_access(session, portfolio.user_id, user, "candidate_card")
        out.append(Candidate(portfolio, m.score, m.explanation))
    return out


def candidate(session: Session, user: User, need: Need, pseudonym: str) -> Candidate:
    """Explain one candidate's score for a need (only a consenting, searchable portfolio)."""
    portfolio = session.scalar(select(Portfolio).where(Portfolio.pseudonym == pseudonym))
    eng = engine(session)
    if portfolio is None or portfolio.id not in eng.index:
        raise NotFound(_l("This candidate is not available."))
    (explanation,) = eng.matcher.explain(to_record(need), [portfolio.id])
    privacy.log_access(session, portfolio.user_id, user, "candidate_explanation")
    audit.record(
        session,
        "candidate.viewed",
        actor_id=user.id,
        subject_type="portfolio",
        subject_id=portfolio.id,
        data={"need_id": need.id},
    )
    return Candidate(portfolio, explanation.score, explanation)


def shortlist(session: Session, need: Need) -> list[ShortlistEntry]:
    return list(
        session.scalars(
            select(ShortlistEntry)
            .where(ShortlistEntry.need_id == need.id)
            .order_by(ShortlistEntry.added_at)
        )
    )


def toggle_shortlist(session: Session, user: User, need: Need, pseudonym: str) -> bool:
    """Add the candidate to the need's shortlist, or take them off; returns True if added."""
    found = candidate(session, user, need, pseudonym).portfolio
    entry = session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.need_id == need.id, ShortlistEntry.portfolio_id == found.id
        )
    )
    if entry is not None:
        session.delete(entry)
        return False
    session.add(ShortlistEntry(need_id=need.id, portfolio_id=found.id))
    session.flush()
    return True


def request_contact(
    session: Session, user: User, need: Need, pseudonym: str, message: str | None
) -> ContactRequest:
    """Ask a candidate for contact; they decide whether the employer learns who they are."""
    if not need.is_open:
        raise NotAllowed(_l("The need is closed. Open it again to ask for contact."))
    found = candidate(session, user, need, pseudonym).portfolio
    asked = session.scalar(
        select(ContactRequest).where(
            ContactRequest.need_id == need.id, ContactRequest.portfolio_id == found.id
        )
    )
    if asked is not None and asked.state == "declined":
        raise Conflict(
            _l(
                "The candidate has said no to contact about this need, so you cannot ask "
                "again. They can still change their answer to yes while the need is open."
            )
        )
    if asked is not None:
        raise Conflict(_l("You have already asked this candidate."))
    request = ContactRequest(
        need_id=need.id,
        portfolio_id=found.id,
        requested_by_id=user.id,
        message=message,
        state="pending",
    )
    session.add(request)
    session.flush()
    learner = session.get(User, found.user_id)
    if learner is not None:
        params = {"organisation": need.organisation.name, "need": need.title}
        notify(session, learner, "contact_requested", params, "/contacts")
    audit.record(
        session,
        "contact.requested",
        actor_id=user.id,
        subject_type="contact_request",
        subject_id=request.id,
    )
    return request


def requests_for_learner(session: Session, learner: User) -> list[ContactRequest]:
    return list(
        session.scalars(
            select(ContactRequest)
            .join(Portfolio)
            .where(Portfolio.user_id == learner.id)
            .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc())
        )
    )


def answer_request(
    session: Session, learner: User, request_id: int, accept: bool
) -> ContactRequest:
    """The learner accepts (identity shared with that employer) or declines; a no may become
    a yes while the need is open (a withdrawn yes is given back as a consent, not here)."""
    request = session.get(ContactRequest, request_id)
    if request is None or request.portfolio.user_id != learner.id:
        raise NotFound(_l("No such contact request."))
    if request.state != "pending" and not (request.state == "declined" and accept):
        raise Conflict(_l("You have already answered this request."))
    if request.state == "declined" and not request.need.is_open:
        raise Conflict(_l("The employer has closed this need, so the answer can no longer change."))
    request.state, request.decided_at = ("accepted" if accept else "declined"), utcnow()
    if accept:
        privacy.grant_identity(session, learner, request.need.organisation_id)
    asker = session.get(User, request.requested_by_id) if request.requested_by_id else None
    if asker is not None:
        pseudonym = request.portfolio.pseudonym
        link = f"/needs/{request.need_id}/candidates/{pseudonym}"
        params = {"candidate": pseudonym, "need": request.need.title}
        notify(session, asker, f"contact_{request.state}", params, link)
    audit.record(
        session,
        f"contact.{request.state}",
        actor_id=learner.id,
        subject_type="contact_request",
        subject_id=request.id,
    )
    return request


def revealed_identity(session: Session, request: ContactRequest) -> User | None:
    """Return the learner behind an accepted request while their consent stands, else None."""
    if request.state != "accepted":
        return None
    learner_id = request.portfolio.user_id
    if not privacy.identity_shared(session, learner_id, request.need.organisation_id):
        return None
    return session.get(User, learner_id)


def requests_for_need(session: Session, need: Need) -> list[ContactRequest]:
    return list(
        session.scalars(
            select(ContactRequest)
            .where(ContactRequest.need_id == need.id)
            .order_by(ContactRequest.created_at)
        )
    )
