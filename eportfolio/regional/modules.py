"""The training catalogue: modules lärcentra offer and the skills each teaches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Organisation, OrgKind, User
from eportfolio.audit import services as audit
from eportfolio.db import parse_id
from eportfolio.errors import NotFound, ValidationFailed
from eportfolio.permissions import Permission, require
from eportfolio.portfolios.services import resolve_concept
from eportfolio.regional.models import TrainingModule, TrainingModuleSkill
from eportfolio.taxonomy_store.models import Concept


def modules(session: Session, organisation_id: int | None = None) -> list[TrainingModule]:
    """Every module, or one lärcentrum's, by lärcentrum and name."""
    query = (
        select(TrainingModule).join(Organisation).order_by(Organisation.name, TrainingModule.name)
    )
    if organisation_id is not None:
        query = query.where(TrainingModule.organisation_id == organisation_id)
    return list(session.scalars(query).unique())


def module(session: Session, module_id: int) -> TrainingModule:
    found = session.get(TrainingModule, module_id)
    if found is None:
        raise NotFound(_l("No such training module."))
    return found


def modules_teaching(
    session: Session, concept_ids: Iterable[int]
) -> dict[int, list[TrainingModule]]:
    """Return, for each of these skills, the modules that teach it (the "where can I learn")."""
    wanted = set(concept_ids)
    out: dict[int, list[TrainingModule]] = defaultdict(list)
    if not wanted:
        return {}
    rows = session.execute(
        select(TrainingModuleSkill.concept_id, TrainingModule)
        .join(TrainingModule, TrainingModule.id == TrainingModuleSkill.module_id)
        .where(TrainingModuleSkill.concept_id.in_(wanted))
        .order_by(TrainingModule.name)
    )
    for concept_id, mod in rows:
        out[concept_id].append(mod)
    return dict(out)


def modules_teaching_uris(session: Session, uris: Iterable[str]) -> dict[str, list[TrainingModule]]:
    """The same lookup keyed by concept URI (the matching engine's skill ids)."""
    ids = dict(
        session.execute(select(Concept.uri, Concept.id).where(Concept.uri.in_(set(uris)))).all()
    )
    found = modules_teaching(session, ids.values())
    return {uri: found.get(cid, []) for uri, cid in ids.items()}


def save_module(
    session: Session, user: User, data: dict[str, Any], module_id: int | None = None
) -> TrainingModule:
    """Create or change a module; every named skill must be a known taxonomy skill."""
    require(user, Permission.TRAINING_MODULE_MANAGE)
    centre = session.get(Organisation, data["organisation_id"])
    errors: dict[str, list[Any]] = {}
    if centre is None or centre.kind != OrgKind.LEARNING_CENTRE:
        errors["organisation_id"] = [_l("Choose a lärcentrum from the list.")]
    concepts: list[Concept] = []
    unknown = []
    for text in data.get("skills") or []:
        concept_id = parse_id(str(text))
        concept = resolve_concept(session, str(text), "skill", concept_id)
        if concept is None:
            unknown.append(str(text))
        elif concept.id not in {c.id for c in concepts}:
            concepts.append(concept)
    if unknown:
        errors["skills"] = [
            _l("We could not find these skills: %(names)s.", names=", ".join(unknown))
        ]
    if errors:
        raise ValidationFailed(errors)
    item = module(session, module_id) if module_id is not None else TrainingModule()
    for key in ("name", "organisation_id", "description", "start_date", "length", "url"):
        setattr(item, key, data.get(key))
    # Skills that stay keep their rows: new rows for them would be inserted before the old
    # ones are deleted, against the one-row-per-skill rule (an edit used to end in a 500).
    kept = {s.concept_id: s for s in item.skills}
    item.skills = [kept.get(c.id) or TrainingModuleSkill(concept_id=c.id) for c in concepts]
    if module_id is None:
        session.add(item)
    session.flush()
    audit.record(
        session,
        "training_module.saved",
        actor_id=user.id,
        subject_type="training_module",
        subject_id=item.id,
        data={"skills": [c.uri for c in concepts]},
    )
    return item


def delete_module(session: Session, user: User, module_id: int) -> None:
    require(user, Permission.TRAINING_MODULE_MANAGE)
    item = module(session, module_id)
    session.delete(item)
    session.flush()
    audit.record(
        session,
        "training_module.deleted",
        actor_id=user.id,
        subject_type="training_module",
        subject_id=module_id,
    )
