"""Demo training modules, and `flask --app wsgi demo scale N`: synthetic regional data.

The synthetic people are plausible, not real: skills drawn from the seed occupation profiles
with some skills commonly missing (certificates, specialised methods), so the gap list has an
answer worth discussing. Osby leans towards industry, where welding is a bristyrke.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
import time
from collections import defaultdict
from typing import Any

import click
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Membership, Organisation, OrgKind, Role, User
from eportfolio.db import db, utcnow
from eportfolio.employers.models import Need, NeedSkill
from eportfolio.matching_index.models import MatchingChange
from eportfolio.portfolios.models import EvidenceStatus, Portfolio, SkillClaim, TargetOccupation
from eportfolio.privacy.models import ConsentKind, ConsentRecord
from eportfolio.regional.models import TrainingModule, TrainingModuleSkill
from eportfolio.taxonomy_store.models import Concept, ConceptRelation

DEMO_MODULES = (
    (
        "Lärcentrum Osby",
        "Svetsning TIG och MIG/MAG",
        "Praktisk svetsutbildning i verkstad, med övning inför svetsprov.",
        ("tig-svetsning", "mig-mag-svetsning", "svetssymboler"),
        "12 veckor",
    ),
    (
        "Lärcentrum Hässleholm",
        "Truckkort A och B",
        "Teori och praktik för motviktstruck och skjutstativtruck, med truckkort.",
        ("kora-truck", "motviktstruck", "skjutstativtruck"),
        "1 vecka",
    ),
    (
        "Lärcentrum Kristianstad",
        "Heta arbeten",
        "Certifikatkurs enligt Brandskyddsföreningen.",
        ("heta-arbeten",),
        "1 dag",
    ),
    (
        "Lärcentrum Osby",
        "Hydraulik och pneumatik för underhåll",
        "Felsökning och underhåll av hydraulik- och pneumatiksystem i industrin.",
        ("hydraulik-pneumatik",),
        "6 veckor",
    ),
    (
        "Lärcentrum Hässleholm",
        "CNC-fräsning med CAD",
        "Programmera och köra CNC-fräs, ritningar i CAD.",
        ("frasning", "cad"),
        "10 veckor",
    ),
    (
        "Lärcentrum Östra Göinge",
        "Ritningsläsning för industrin",
        "Läsa och tolka verkstadsritningar och svetssymboler.",
        ("ritningslasning", "svetssymboler"),
        "4 veckor",
    ),
)
POPULATION = {  # rough inhabitants (thousands): how the synthetic people spread
    "1290": 86,
    "1293": 53,
    "1256": 15,
    "1266": 16,
    "1272": 13,
    "1273": 13,
    "1275": 8,
}
OSBY_OCCUPATIONS = ("svetsare", "cnc-operator", "industrielektriker", "underhallsmekaniker")
# Evidence comes with a person's path: someone who went through validation has most claims
# validated or certified; someone who uploaded certificates has documented ones.
PATHS = (
    (
        0.18,
        (
            (EvidenceStatus.VALIDATED, 0.75),
            (EvidenceStatus.CERTIFIED, 0.2),
            (EvidenceStatus.SELF_DECLARED, 0.05),
        ),
    ),
    (0.20, ((EvidenceStatus.DOCUMENTED, 0.8), (EvidenceStatus.SELF_DECLARED, 0.2))),
    (0.62, ((EvidenceStatus.SELF_DECLARED, 0.95), (EvidenceStatus.DOCUMENTED, 0.05))),
)
BATCH = 5000


def load_demo_modules(session: Session) -> int:
    """Add the demo training modules that do not exist yet; return how many were added."""
    added = 0
    for centre_name, name, description, skills, length in DEMO_MODULES:
        centre = session.scalar(
            select(Organisation).where(
                Organisation.name == centre_name, Organisation.kind == OrgKind.LEARNING_CENTRE
            )
        )
        exists = session.scalar(select(TrainingModule.id).where(TrainingModule.name == name))
        if centre is None or exists is not None:
            continue
        module = TrainingModule(
            organisation_id=centre.id, name=name, description=description, length=length
        )
        for slug in skills:
            concept_id = session.scalar(
                select(Concept.id).where(Concept.uri == f"seed:skill:{slug}")
            )
            if concept_id is not None:
                module.skills.append(TrainingModuleSkill(concept_id=concept_id))
        session.add(module)
        added += 1
    session.flush()
    return added


def _profiles(session: Session) -> dict[str, tuple[int, list[int], list[int]]]:
    """Seed occupation slug -> (concept id, essential skill ids, optional skill ids)."""
    occupations = dict(
        session.execute(
            select(Concept.id, Concept.uri).where(
                Concept.kind == "occupation", Concept.uri.like("seed:occ:%")
            )
        ).all()
    )
    essential: dict[int, list[int]] = defaultdict(list)
    optional: dict[int, list[int]] = defaultdict(list)
    for src, kind, dst in session.execute(
        select(ConceptRelation.source_id, ConceptRelation.kind, ConceptRelation.target_id).where(
            ConceptRelation.source_id.in_(occupations)
        )
    ):
        if kind == "essential-skill":
            essential[src].append(dst)
        elif kind == "optional-skill":
            optional[src].append(dst)
    return {
        uri.removeprefix("seed:occ:"): (cid, sorted(essential[cid]), sorted(optional[cid]))
        for cid, uri in occupations.items()
        if essential[cid]
    }


def _commonness(skill_id: int) -> float:
    """How often people hold a skill of their profile: certificates and niche methods less."""
    digest = hashlib.sha256(str(skill_id).encode()).digest()
    return 0.45 + 0.8 * digest[0] / 255


def scale(session: Session, n: int, seed: int = 2026) -> dict[str, int]:
    """Add ``n`` synthetic learners with portfolios, plus needs and validation cases."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, repeatable by seed
    profiles = _profiles(session)
    if not profiles:
        raise click.ClickException("load the seed taxonomy first: flask --app wsgi demo load")
    slugs = sorted(profiles)
    kommuner = list(POPULATION)
    weights = [POPULATION[k] for k in kommuner]
    start = (session.scalar(select(func.max(User.id))) or 0) + 1
    password = "!synthetic-no-login"  # noqa: S105 - not a hash: nobody can log in as these
    now = utcnow()
    counts = defaultdict(int)
    for lo in range(0, n, BATCH):
        size = min(BATCH, n - lo)
        users, members, portfolios, consents = [], [], [], []
        claims, targets = [], []
        for k in range(size):
            uid = start + lo + k
            users.append(
                {
                    "id": uid,
                    "email": f"syntetisk-{uid}@demo.invalid",
                    "password_hash": password,
                    "display_name": f"Syntetisk {uid}",
                    "is_active": False,
                    "created_at": now,
                }
            )
            members.append({"user_id": uid, "role": Role.LEARNER, "created_at": now})
            kommun = rng.choices(kommuner, weights)[0]
            if kommun == "1273" and rng.random() < 0.5:
                slug = rng.choice(OSBY_OCCUPATIONS)
            else:
                slug = rng.choice(slugs)
            occ_id, essential, optional = profiles[slug]
            portfolios.append(
                {
                    "id": uid,
                    "user_id": uid,
                    "pseudonym": secrets.token_hex(6).upper(),
                    "municipality_code": kommun,
                    "work_municipalities": [],
                    "driving_licences": [],
                    "created_at": now,
                    "updated_at": now,
                }
            )
            share = rng.uniform(0.35, 1.0)
            evidence = rng.choices([m for _, m in PATHS], [w for w, _ in PATHS])[0]
            held = [s for s in essential if rng.random() < share * _commonness(s)]
            held += [s for s in optional if rng.random() < 0.3 * share]
            for skill in sorted(set(held)):
                status = rng.choices([e for e, _ in evidence], [w for _, w in evidence])[0]
                level = rng.choice((1, 2, 2, 3, 3, 4))
                strong = status in (EvidenceStatus.VALIDATED, EvidenceStatus.CERTIFIED)
                claims.append(
                    {
                        "portfolio_id": uid,
                        "text_as_typed": "syntetisk",
                        "concept_id": skill,
                        "level": level,
                        "status": status,
                        "verified_level": level if strong else None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            if rng.random() < 0.6:
                targets.append({"portfolio_id": uid, "concept_id": occ_id})
            consents.append(
                {
                    "user_id": uid,
                    "kind": ConsentKind.MATCHING,
                    "granted": rng.random() < 0.9,
                    "text_version": "2026-11",
                    "created_at": now,
                }
            )
        session.execute(insert(User), users)
        session.execute(insert(Membership), members)
        session.execute(insert(Portfolio), portfolios)
        session.execute(insert(SkillClaim), claims)
        if targets:
            session.execute(insert(TargetOccupation), targets)
        session.execute(insert(ConsentRecord), consents)
        # Bulk inserts pass the change hook by: tell running workers in its own words.
        session.execute(insert(MatchingChange), [{"user_id": u["id"]} for u in users])
        counts["portfolios"] += size
        counts["claims"] += len(claims)
    counts["needs"] = _needs(session, rng, profiles, max(10, n // 400))
    counts["cases"] = _cases(session, rng, profiles, start, n)
    session.flush()
    return dict(counts)


def _needs(
    session: Session,
    rng: random.Random,
    profiles: dict[str, tuple[int, list[int], list[int]]],
    n: int,
) -> int:
    employer = session.scalar(select(Organisation).where(Organisation.kind == OrgKind.EMPLOYER))
    if employer is None:
        return 0
    slugs = sorted(profiles)
    for _ in range(n):
        slug = rng.choice(slugs)
        occ_id, essential, _optional = profiles[slug]
        need = Need(
            organisation_id=employer.id,
            title=f"Syntetiskt behov: {slug}",
            occupation_concept_id=occ_id,
            municipality_code=rng.choices(list(POPULATION), list(POPULATION.values()))[0],
            is_open=rng.random() < 0.8,
        )
        need.skills = [
            NeedSkill(concept_id=s, text="syntetisk", must=True, min_level=2)
            for s in rng.sample(essential, min(5, len(essential)))
        ]
        session.add(need)
    session.flush()
    return n


def _cases(
    session: Session,
    rng: random.Random,
    profiles: dict[str, tuple[int, list[int], list[int]]],
    first_user: int,
    n: int,
) -> int:
    try:
        from eportfolio.validation import registration
        from eportfolio.validation.models import ValidationCase
        from eportfolio.validation.states import State
    except ImportError:  # pragma: no cover - before the validation workflow lands
        return 0
    councils = list(
        session.scalars(select(Organisation.id).where(Organisation.kind == OrgKind.COUNCIL))
    )
    if not councils:
        return 0
    states = [
        (State.SUBMITTED, 8),
        (State.IN_ASSESSMENT, 10),
        (State.AWAITING_LEARNER, 5),
        (State.ASSESSED, 4),
        (State.CERTIFIED, 45),
        (State.NOT_CERTIFIED, 12),
        (State.WITHDRAWN, 6),
        (State.REASSESSMENT_REQUESTED, 2),
    ]
    slugs = sorted(profiles)
    now = utcnow()
    rows = []
    for learner in rng.sample(range(first_user, first_user + n), max(1, n // 40)):
        state = rng.choices([s for s, _ in states], [w for _, w in states])[0]
        submitted = now - dt.timedelta(days=rng.randint(1, 700))
        decided = None
        if state in (State.CERTIFIED, State.NOT_CERTIFIED):
            decided = min(now, submitted + dt.timedelta(days=rng.randint(10, 120)))
        rows.append(
            {
                "learner_id": learner,
                "council_id": rng.choice(councils),
                "occupation_concept_id": profiles[rng.choice(slugs)][0],
                "state": state,
                "past_assessor_ids": [],
                "snapshot": {},
                "submitted_at": submitted,
                "decided_at": decided,
                "created_at": submitted,
                "updated_at": decided or submitted,
            }
        )
    # Diarienummer in the order the cases were sent, one block of each council's series a year.
    series: defaultdict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r["submitted_at"]):
        series[row["council_id"], registration.year_of(row["submitted_at"])].append(row)
    for (council_id, year), block in series.items():
        first = registration.reserve(session, council_id, year, len(block))
        for seq, row in enumerate(block, first):
            row["number"] = registration.format_number(council_id, year, seq)
    session.execute(insert(ValidationCase), rows)
    return len(rows)


@click.command("scale")
@click.argument("n", type=click.IntRange(1, 2_000_000))
@click.option("--seed", default=2026, help="Random seed: the same seed gives the same people.")
def scale_cmd(n: int, seed: int) -> None:
    """Add N synthetic learners (portfolios, consent), needs and validation cases."""
    began = time.perf_counter()
    with db.standalone() as session:
        load_demo_modules(session)
        counts = scale(session, n, seed)
    took = time.perf_counter() - began
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()) + f" added in {took:.0f} s")
    click.echo("then run: flask --app wsgi regional refresh; flask --app wsgi matching store-fits")
