"""`flask --app wsgi demo load`: demo organisations and one account per role (idempotent)."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts import services as accounts
from eportfolio.accounts.models import Municipality, Organisation, OrgKind, OrgStatus, Role, User
from eportfolio.db import db
from eportfolio.regional.municipalities import SKANE_COUNTY, SKNO_MUNICIPALITIES

# Demo only: documented in the README so people can try each role. Never used in production.
DEMO_ACCOUNTS: tuple[tuple[str, str, Role, str | None], ...] = (
    ("larande@demo.meritportfolj.se", "Amira Haddad", Role.LEARNER, None),
    ("larande2@demo.meritportfolj.se", "Johan Nilsson", Role.LEARNER, None),
    ("vagledare@demo.meritportfolj.se", "Karin Vägledare", Role.GUIDE, "Lärcentrum Kristianstad"),
    (
        "bedomare@demo.meritportfolj.se",
        "Erik Bedömare",
        Role.ASSESSOR,
        "Valideringsrådet Skåne Nordost",
    ),
    (
        "ordforande@demo.meritportfolj.se",
        "Sara Ordförande",
        Role.CHAIR,
        "Valideringsrådet Skåne Nordost",
    ),
    (
        "arbetsgivare@demo.meritportfolj.se",
        "Lena Arbetsgivare",
        Role.EMPLOYER,
        "Göinge Verkstad AB",
    ),
    ("samordnare@demo.meritportfolj.se", "Mats Samordnare", Role.COORDINATOR, None),
    ("admin@demo.meritportfolj.se", "Admin Demo", Role.ADMIN, None),
)
DEMO_PASSWORD = "demo-Skane-Nordost-2026"  # noqa: S105 - documented demo password


def ensure_municipalities(session: Session) -> None:
    """Make sure the seven Skåne Nordost kommuner exist."""
    for code, name in SKNO_MUNICIPALITIES:
        if session.get(Municipality, code) is None:
            session.add(
                Municipality(code=code, name=name, county_code=SKANE_COUNTY, in_region=True)
            )
    session.flush()


def _org(session: Session, name: str, kind: OrgKind, **extra: object) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=kind, status=OrgStatus.ACTIVE, **extra)
        session.add(org)
        session.flush()
    return org


def load_demo(session: Session) -> int:
    """Create demo organisations and accounts that do not exist yet; return accounts created."""
    ensure_municipalities(session)
    for code, name in SKNO_MUNICIPALITIES:
        _org(session, f"Lärcentrum {name}", OrgKind.LEARNING_CENTRE, municipality_code=code)
    _org(
        session,
        "Valideringsrådet Skåne Nordost",
        OrgKind.COUNCIL,
        branch="Industri, vård och omsorg, transport",
    )
    _org(session, "Göinge Verkstad AB", OrgKind.EMPLOYER, org_number="556016-0680")
    created = 0
    for email, name, role, org_name in DEMO_ACCOUNTS:
        if session.scalar(select(User).where(User.email == email)) is not None:
            continue
        org = (
            session.scalar(select(Organisation).where(Organisation.name == org_name))
            if org_name
            else None
        )
        accounts.create_user(
            session,
            email=email,
            password=DEMO_PASSWORD,
            display_name=name,
            role=role,
            organisation=org,
        )
        created += 1
    return created


@click.group("demo", help="Demo data for trying the service.", cls=AppGroup)
def demo_cli() -> None:
    pass


def load_seed_taxonomy(session: Session) -> None:
    """Import the built-in seed taxonomy and the demo bristyrken list (idempotent)."""
    from eportfolio.taxonomy_store import bristyrken
    from eportfolio.taxonomy_store.importer import import_taxonomy
    from taxonomy import bristyrken as parse
    from taxonomy.seed import load_seed, seed_dir

    import_taxonomy(session, load_seed(), source="seed", version="builtin")
    bristyrken.import_assessments(
        session, parse.iter_bristyrken_csv(seed_dir() / "bristyrken_skne.csv"), source="seed"
    )


DEMO_SKILLS = (
    "mig-mag-svetsning",
    "tig-svetsning",
    "ritningslasning",
    "svetscertifikat",
    "heta-arbeten",
    "kora-truck",
    "b-korkort",
)


def load_demo_portfolios(session: Session) -> None:
    """Two welders who let employers find them: Amira's skills validated, Johan's self-declared."""
    from eportfolio.portfolios.models import EvidenceStatus, LanguageSkill, SkillClaim
    from eportfolio.portfolios.services import portfolio_for
    from eportfolio.privacy.services import give_matching_consent, matching_visible
    from eportfolio.taxonomy_store.models import Concept

    # Languages as (code, mother tongue, listening, reading, speaking, writing): Amira came to
    # Sweden recently and her Swedish is still growing, which the language signal shows.
    people = (
        (
            "larande@demo.meritportfolj.se",
            EvidenceStatus.VALIDATED,
            3,
            "1273",
            (("ar", True, None, None, None, None), ("sv", False, "B1", "B1", "B1", "A2")),
        ),
        (
            "larande2@demo.meritportfolj.se",
            EvidenceStatus.SELF_DECLARED,
            3,
            "1293",
            (("sv", True, None, None, None, None),),
        ),
    )
    for email, status, level, kommun, languages in people:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            continue
        portfolio = portfolio_for(session, user)
        if portfolio.claims:
            continue  # loaded before: leave what the person has changed since
        portfolio.headline = "Svetsare"
        portfolio.municipality_code = kommun
        for slug in DEMO_SKILLS:
            concept = session.scalar(select(Concept).where(Concept.uri == f"seed:skill:{slug}"))
            if concept is not None:
                portfolio.claims.append(
                    SkillClaim(
                        text_as_typed=concept.label("sv"),
                        concept_id=concept.id,
                        level=level,
                        status=status,
                        verified_level=level if status is EvidenceStatus.VALIDATED else None,
                    )
                )
        for code, mother, *grid in languages:
            portfolio.languages.append(
                LanguageSkill(
                    language=code,
                    mother_tongue=mother,
                    listening=grid[0],
                    reading=grid[1],
                    speaking=grid[2],
                    writing=grid[3],
                )
            )
        session.flush()
        if not matching_visible(session, user.id):
            give_matching_consent(session, user)


# One open need of the demo employer, so its candidate search and the learners' "Matchningar"
# show something at once: (seed skill, must-have, minimum level).
DEMO_NEED_SKILLS = (
    ("mig-mag-svetsning", True, 2),
    ("tig-svetsning", True, 2),
    ("ritningslasning", True, 2),
    ("heta-arbeten", True, 1),
    ("svetscertifikat", False, 1),
    ("kora-truck", False, 1),
)
DEMO_NEED_TEXT = (
    "Vi söker en svetsare till vår verkstad i Broby. Du svetsar med MIG/MAG och TIG efter "
    "ritning och har certifikat för heta arbeten. Svetslicens och truckkort är meriterande."
)


def load_demo_need(session: Session) -> None:
    """Give the demo employer one open welder need, unless its organisation has needs already."""
    from eportfolio.employers.models import Need
    from eportfolio.employers.services import save_need
    from eportfolio.taxonomy_store.models import Concept

    employer = session.scalar(
        select(User).where(User.email == "arbetsgivare@demo.meritportfolj.se")
    )
    if employer is None or not employer.organisations():
        return
    organisation = employer.organisations()[0]
    if session.scalar(select(Need.id).where(Need.organisation_id == organisation.id).limit(1)):
        return  # loaded before, or the employer has made their own
    skills = []
    for slug, must, level in DEMO_NEED_SKILLS:
        concept = session.scalar(select(Concept).where(Concept.uri == f"seed:skill:{slug}"))
        if concept is not None:
            skills.append(
                {
                    "text": concept.label("sv"),
                    "concept_id": concept.id,
                    "must": must,
                    "min_level": level,
                }
            )
    today = dt.date.today()
    start = today + dt.timedelta(weeks=6, days=-today.weekday())  # a Monday six weeks on
    save_need(
        session,
        employer,
        {
            "title": "Svetsare till verkstaden i Broby",
            "occupation": "Svetsare",
            "municipality_code": "1256",  # Östra Göinge
            "start_date": start,
            "text": DEMO_NEED_TEXT,
            "skills": skills,
            "languages": [{"language": "sv", "min_cefr": "B1"}],
        },
    )


@demo_cli.command("load")
def demo_load() -> None:
    """Load the seed taxonomy, demo organisations and accounts; a second run changes nothing."""
    with db.standalone() as session:
        load_seed_taxonomy(session)
        created = load_demo(session)
        load_demo_portfolios(session)
        load_demo_need(session)
        from eportfolio.demo.validation import load_demo_validation

        load_demo_validation(session)
        from eportfolio.regional.demo import load_demo_modules

        load_demo_modules(session)
    click.echo(
        f"demo data loaded ({created} accounts created); password for all demo "
        f"accounts: {DEMO_PASSWORD}"
    )


from eportfolio.regional.demo import scale_cmd  # noqa: E402 - needs demo_cli

demo_cli.add_command(scale_cmd)
