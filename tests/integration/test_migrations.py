"""Migrations are the only way the schema changes: they go up, down and up again, and match
the models."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.util.exc import CommandError

from eportfolio.cli import alembic_config
from eportfolio.db import Base
from tests.conftest import db_name


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    base = os.environ["TEST_DATABASE_URL"]
    name = db_name("mp_mig")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(empty_database: str) -> None:
    cfg = alembic_config(empty_database)
    command.upgrade(cfg, "head")
    assert _tables(empty_database) == set(Base.metadata.tables)
    command.downgrade(cfg, "base")
    assert _tables(empty_database) == set()
    command.upgrade(cfg, "head")
    assert _tables(empty_database) == set(Base.metadata.tables)


def test_models_and_migrations_do_not_drift(empty_database: str) -> None:
    cfg = alembic_config(empty_database)
    command.upgrade(cfg, "head")
    command.check(cfg)  # raises when autogenerate would produce operations


def test_drift_is_detected(empty_database: str) -> None:
    cfg = alembic_config(empty_database)
    command.upgrade(cfg, "head")
    engine = sa.create_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE audit_head"))
    engine.dispose()
    with pytest.raises(CommandError):
        command.check(cfg)


def test_the_seven_kommuner_are_there_after_upgrade(empty_database: str) -> None:
    command.upgrade(alembic_config(empty_database), "head")
    engine = sa.create_engine(empty_database)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT code, name FROM municipalities")).all())
    engine.dispose()
    assert rows == {
        "1256": "Östra Göinge",
        "1266": "Hörby",
        "1272": "Bromölla",
        "1273": "Osby",
        "1275": "Perstorp",
        "1290": "Kristianstad",
        "1293": "Hässleholm",
    }


def test_pending_registrations_come_and_go_with_their_revision(empty_database: str) -> None:
    """The table of registrations waiting for their address to be confirmed is one revision."""
    cfg = alembic_config(empty_database)
    command.upgrade(cfg, "e7c2b4d19a30")
    assert "pending_registrations" not in _tables(empty_database)
    command.upgrade(cfg, "eb8afc1dcd1f")
    engine = sa.create_engine(empty_database)
    try:
        inspector = sa.inspect(engine)
        unique = {
            tuple(u["column_names"])
            for u in inspector.get_unique_constraints("pending_registrations")
        }
        indexed = {tuple(i["column_names"]) for i in inspector.get_indexes("pending_registrations")}
    finally:
        engine.dispose()
    # One waiting registration per address, and a link's hash names one registration.
    assert {("email",), ("token_hash",)} <= unique and ("expires_at",) in indexed
    command.downgrade(cfg, "e7c2b4d19a30")
    tables = _tables(empty_database)
    assert "pending_registrations" not in tables and "users" in tables


def test_cases_sent_before_numbering_get_numbers_in_the_order_sent(empty_database: str) -> None:
    """Each council's series per Swedish year, oldest first; drafts get none; stored
    notifications that named a case by its id name it by its number, and back on downgrade."""
    cfg = alembic_config(empty_database)
    command.upgrade(cfg, "eb8afc1dcd1f")  # the revision before diarienummer
    tables = Base.metadata.tables
    orgs, users, cases, notes = (
        tables[t] for t in ("organisations", "users", "validation_cases", "notifications")
    )
    utc = dt.UTC
    engine = sa.create_engine(empty_database)
    with engine.begin() as conn:
        council, other = (
            conn.execute(
                sa.insert(orgs).values(kind="council", status="active", name=name)
            ).inserted_primary_key[0]
            for name in ("Rådet A", "Rådet B")
        )
        learner = conn.execute(
            sa.insert(users).values(email="l@test.se", password_hash="x", display_name="L")
        ).inserted_primary_key[0]

        def case(council_id: int, state: str, sent: dt.datetime | None) -> int:
            values = {"learner_id": learner, "council_id": council_id, "state": state}
            row = conn.execute(sa.insert(cases).values(**values, submitted_at=sent))
            return int(row.inserted_primary_key[0])

        march = case(council, "certified", dt.datetime(2026, 3, 1, 9, tzinfo=utc))
        new_years_eve = case(council, "submitted", dt.datetime(2025, 12, 31, 23, 30, tzinfo=utc))
        june = case(council, "withdrawn", dt.datetime(2025, 6, 1, 9, tzinfo=utc))
        elsewhere = case(other, "in_assessment", dt.datetime(2026, 2, 1, 9, tzinfo=utc))
        draft = case(council, "draft", None)
        unsent = case(council, "withdrawn", None)  # a draft withdrawn before it was sent
        conn.execute(
            sa.insert(notes),
            [
                {"user_id": learner, "kind": "case_certified", "params": {"case": march}},
                {"user_id": learner, "kind": "contact_requested", "params": {"case": march}},
            ],
        )
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        numbers = dict(conn.execute(sa.text("SELECT id, number FROM validation_cases")).all())
        series = set(conn.execute(sa.text("SELECT council_id, year, last FROM case_number_series")))
        params = [p for (p,) in conn.execute(sa.select(notes.c.params).order_by(notes.c.id))]
    assert numbers == {
        june: f"VR{council}-2025-0001",
        new_years_eve: f"VR{council}-2026-0001",  # already New Year's Day in Sweden
        march: f"VR{council}-2026-0002",
        elsewhere: f"VR{other}-2026-0001",
        draft: None,
        unsent: None,
    }
    assert series == {(council, 2025, 1), (council, 2026, 2), (other, 2026, 1)}
    assert params == [{"case": f"VR{council}-2026-0002"}, {"case": march}]
    command.downgrade(cfg, "eb8afc1dcd1f")
    with engine.connect() as conn:
        params = [p for (p,) in conn.execute(sa.select(notes.c.params).order_by(notes.c.id))]
    engine.dispose()
    assert params == [{"case": march}, {"case": march}]


def test_rebuilding_a_table_on_sqlite_keeps_the_rows_that_refer_to_it(
    empty_database: str,
) -> None:
    """SQLite alters a table by copying and dropping it; with foreign keys enforced, dropping
    the old copy set issued credentials' case to NULL and deleted the cases' claims."""
    cfg = alembic_config(empty_database)
    command.upgrade(cfg, "eb8afc1dcd1f")  # validation_cases is rebuilt by the next revision
    tables = Base.metadata.tables
    orgs, users, cases, issued = (
        tables[t] for t in ("organisations", "users", "validation_cases", "issued_credentials")
    )
    engine = sa.create_engine(empty_database)
    with engine.begin() as conn:
        council = conn.execute(
            sa.insert(orgs).values(kind="council", status="active", name="Rådet")
        ).inserted_primary_key[0]
        learner = conn.execute(
            sa.insert(users).values(email="l@test.se", password_hash="x", display_name="L")
        ).inserted_primary_key[0]
        case = conn.execute(
            sa.insert(cases).values(
                learner_id=learner,
                council_id=council,
                state="CERTIFIED",
                submitted_at=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC),
            )
        ).inserted_primary_key[0]
        conn.execute(
            sa.insert(issued).values(
                uuid="0b7c6f0e-4a53-4c61-9d55-0d8f1c7a2b11",
                council_id=council,
                case_id=case,
                kind="kompetensintyg",
                status_list_id="1",
                status_index=0,
                issued_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
            )
        )
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert conn.execute(sa.select(issued.c.case_id)).scalars().all() == [case]
    engine.dispose()
