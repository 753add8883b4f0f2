"""Export gives a person everything held about them; erasure leaves nothing of them behind.

The tables are found from the model metadata (foreign keys to users.id, followed through every
table that refers to those rows), so a table added later is covered or this test says so.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from eportfolio import models
from eportfolio.accounts import services as accounts
from eportfolio.audit.models import AuditEvent
from eportfolio.errors import ValidationFailed
from eportfolio.evidence import services as evidence
from eportfolio.portfolios.models import (
    Education,
    EducationKind,
    Experience,
    LanguageSkill,
    TargetOccupation,
)
from eportfolio.portfolios.services import portfolio_for
from eportfolio.privacy import erasure, export
from eportfolio.privacy import services as privacy
from tests.conftest import DEMO_PASSWORD
from tests.evidence_samples import JPEG, make_claim, pdf

pytestmark = pytest.mark.usefixtures("app_ctx")


def _set_null(fk: Any) -> bool:
    return (fk.ondelete or "").upper() == "SET NULL"


def owned_tables() -> set[str]:
    """Tables whose rows belong to a person: keys to users.id, and on through such rows."""
    owned = {"users"}
    changed = True
    while changed:
        changed = False
        for table in models.Base.metadata.sorted_tables:
            if table.name not in owned and any(
                fk.column.table.name in owned and not _set_null(fk) for fk in table.foreign_keys
            ):
                owned.add(table.name)
                changed = True
    return owned


def personal_tables() -> list[Table]:
    """Owned tables, and tables whose rows only mention a person (ON DELETE SET NULL)."""
    owned = owned_tables()
    return [
        t
        for t in models.Base.metadata.sorted_tables
        if t.name in owned or any(fk.column.table.name in owned for fk in t.foreign_keys)
    ]


def _direct_rows(session: Session, table: Table, user_id: int) -> int:
    """Rows of ``table`` holding ``user_id`` in any column that points at users.id."""
    columns = [fk.parent for fk in table.foreign_keys if fk.column.table.name == "users"]
    if table.name == "users":
        columns = [table.c.id]
    if not columns:
        return 0
    condition = or_(*[c == user_id for c in columns])
    return int(session.scalar(select(func.count()).select_from(table).where(condition)) or 0)


def fill(session: Session, create_user: Callable[..., Any], tag: str) -> dict[str, Any]:
    """A learner with a row in every table that can hold their data, and two files."""
    learner = create_user("learner", display_name=f"Person {tag}")
    guide = create_user("guide")
    employer = create_user("employer")
    portfolio = portfolio_for(session, learner)
    portfolio.headline = f"Rubrik {tag}"
    experience = Experience(
        employer_name=f"Arbetsplats {tag}", occupation_text="Svetsare", start=dt.date(2020, 1, 1)
    )
    portfolio.experiences.append(experience)
    portfolio.educations.append(
        Education(kind=EducationKind.FORMAL, institution="Komvux", programme="Svetsteknik")
    )
    portfolio.languages.append(LanguageSkill(language="ar", mother_tongue=True))
    claim = make_claim(session, portfolio, f"svetsning {tag}")
    claim.experiences.append(experience)
    portfolio.targets.append(TargetOccupation(concept_id=claim.concept_id))
    session.flush()
    pdf_ev = evidence.add_file(
        session, learner, portfolio, FileStorage(io.BytesIO(pdf(tag)), f"intyg {tag}.pdf")
    )
    evidence.add_file(session, learner, portfolio, FileStorage(io.BytesIO(JPEG), "foto.jpg"))
    evidence.add_link(
        session, learner, portfolio, {"url": f"https://example.se/{tag}", "title": "Länk"}
    )
    evidence.attach(session, learner, portfolio, pdf_ev.id, claim.id)
    privacy.give_matching_consent(session, learner)
    privacy.grant_identity(session, learner, employer.organisations()[0])
    privacy.grant_guide(session, learner, guide.id, guide.organisations()[0].id)
    privacy.log_access(session, learner.id, guide, "portfolio")
    accounts.create_api_token(session, learner, f"token {tag}")
    accounts.start_password_reset(session, learner.email)
    # The learner as someone else's helper: mentions in another person's rows.
    helped = create_user("learner")
    privacy.log_access(session, helped.id, learner, "portfolio")
    session.flush()
    return {"user": learner, "guide": guide, "helped": helped, "tag": tag}


@pytest.fixture
def two(create_user: Callable[..., Any], db_session: Session) -> tuple[dict, dict]:
    return fill(db_session, create_user, "Ett"), fill(db_session, create_user, "Två")


# Tables fill() must give the person rows in, so the data checks below mean something.
FILLED = {
    "users",
    "memberships",
    "api_tokens",
    "password_reset_tokens",
    "portfolios",
    "experiences",
    "educations",
    "skill_claims",
    "claim_experiences",
    "target_occupations",
    "language_skills",
    "evidence_items",
    "claim_evidence",
    "consent_records",
    "guide_grants",
    "access_log",
}


def test_every_reference_to_a_person_says_what_erasure_does_with_it() -> None:
    owned = owned_tables()
    undecided = [
        f"{table.name}.{fk.parent.name}"
        for table in models.Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name in owned
        and (fk.ondelete or "").upper() not in ("CASCADE", "SET NULL")
    ]
    assert undecided == [], (
        f"declare ondelete on {undecided}: CASCADE when the row is the person's (exported whole "
        "and erased), SET NULL when it is someone else's row that mentions them"
    )


def test_the_export_walks_every_personal_table(db_session: Session, two: tuple[dict, dict]) -> None:
    planned = {p.table.name for p in export.plan(db_session, two[0]["user"].id)}
    assert planned == {t.name for t in personal_tables()}


def test_every_personal_table_is_exported(db_session: Session, two: tuple[dict, dict]) -> None:
    person, other = two
    data = export.collect(db_session, person["user"])
    empty = sorted(t for t in FILLED if not data["tables"].get(t) and not data["mentions"].get(t))
    assert empty == []
    for table in personal_tables():
        rows = data["tables"].get(table.name, []) + data["mentions"].get(table.name, [])
        assert len(rows) >= _direct_rows(db_session, table, person["user"].id), table.name
    text = json.dumps(data, ensure_ascii=False)
    assert "Person Ett" in text and "Rubrik Ett" in text and "Arbetsplats Ett" in text
    assert "Två" not in text and other["user"].email not in text
    assert person["user"].password_hash not in text
    assert all("password_hash" not in row for row in data["tables"]["users"])
    assert all("token_hash" not in row for row in data["tables"]["api_tokens"])
    assert data["mentions"]["access_log"][0].keys() == {"id", "viewer_id", "at"}
    assert {e["action"] for e in data["audit_events"]} >= {"account.created", "consent.given"}


def test_the_zip_holds_the_json_and_every_file(
    app: Flask, db_session: Session, two: tuple[dict, dict]
) -> None:
    from eportfolio.evidence.storage import storage

    person = two[0]
    with export.write_zip(db_session, person["user"], storage()) as fh:
        _check_zip(zipfile.ZipFile(fh), db_session, person)


def _check_zip(archive: zipfile.ZipFile, db_session: Session, person: dict[str, Any]) -> None:
    names = archive.namelist()
    assert "meritportfolj.json" in names
    data = json.loads(archive.read("meritportfolj.json"))
    assert {f["path"] for f in data["files"]} == {n for n in names if n.startswith("files/")}
    assert len(data["files"]) == 2
    import hashlib

    for item in data["files"]:
        assert hashlib.sha256(archive.read(item["path"])).hexdigest() == item["sha256"]
    assert any(n.endswith("intyg Ett.pdf") for n in names)
    assert (
        db_session.scalar(
            select(func.count()).where(
                AuditEvent.action == "data.exported", AuditEvent.actor_id == person["user"].id
            )
        )
        == 1
    )


def test_erasure_leaves_nothing_of_the_person_and_touches_nobody_else(
    app: Flask, db_session: Session, two: tuple[dict, dict]
) -> None:
    person, other = two
    user, uid = person["user"], person["user"].id
    upload_dir = Path(app.config["UPLOAD_DIR"])
    stored = {
        r["stored_name"] for r in export.collect(db_session, user)["tables"]["evidence_items"]
    }
    stored.discard(None)
    other_stored = {
        r["stored_name"]
        for r in export.collect(db_session, other["user"])["tables"]["evidence_items"]
        if r["stored_name"]
    }
    before_other = {
        t: len(rows) for t, rows in export.collect(db_session, other["user"])["tables"].items()
    }
    email, name = user.email, user.display_name
    called: list[int] = []
    hook = erasure.register_before_erasure(lambda s, u: called.append(u.id))
    try:
        erasure.erase_account(db_session, user, DEMO_PASSWORD)
        db_session.commit()  # files go only once the deletion is committed
    finally:
        erasure.before_erasure.remove(hook)
    assert called == [uid]
    for table in personal_tables():
        assert _direct_rows(db_session, table, uid) == 0, table.name
    assert not privacy.matching_visible(db_session, uid)
    assert all(not (upload_dir / n).exists() for n in stored)
    assert all((upload_dir / n).exists() for n in other_stored)
    after_other = {
        t: len(rows) for t, rows in export.collect(db_session, other["user"])["tables"].items()
    }
    assert after_other == before_other
    events = db_session.scalars(select(AuditEvent)).all()
    text = json.dumps([e.data for e in events], ensure_ascii=False)
    assert email not in text and name not in text and "Rubrik Ett" not in text
    assert any(e.action == "account.erased" and e.subject_id == str(uid) for e in events)
    from eportfolio.audit import services as audit

    assert audit.verify(db_session).ok


def test_a_wrong_password_erases_nothing(db_session: Session, two: tuple[dict, dict]) -> None:
    user = two[0]["user"]
    with pytest.raises(ValidationFailed):
        erasure.erase_account(db_session, user, "fel lösenord")
    assert privacy.matching_visible(db_session, user.id)
    assert export.collect(db_session, user)["tables"]["evidence_items"]


def test_hooks_run_before_any_row_goes(db_session: Session, two: tuple[dict, dict]) -> None:
    from eportfolio.portfolios.models import Portfolio

    seen: list[bool] = []

    def credentials_hook(session: Session, user: Any) -> None:
        portfolio = session.scalar(select(Portfolio).where(Portfolio.user_id == user.id))
        seen.append(portfolio is not None and bool(portfolio.claims))

    erasure.register_before_erasure(credentials_hook)
    erasure.register_before_erasure(credentials_hook)  # registering twice runs it once
    try:
        erasure.erase(db_session, two[0]["user"])
    finally:
        erasure.before_erasure.remove(credentials_hook)
    assert seen == [True]


def test_a_guide_is_erased_without_touching_the_learners_portfolio(
    db_session: Session, two: tuple[dict, dict]
) -> None:
    person = two[0]
    guide, learner = person["guide"], person["user"]
    portfolio = portfolio_for(db_session, learner)
    ev = evidence.add_link(db_session, guide, portfolio, {"url": "https://example.se/g"})
    erasure.erase(db_session, guide)
    db_session.flush()
    db_session.expire_all()
    kept = evidence.get_evidence(db_session, portfolio, ev.id)
    assert kept.uploaded_by_id is None and kept.url == "https://example.se/g"
    assert privacy.grants_of(db_session, learner) == []
