"""Operator commands: `flask --app wsgi db|users|audit|demo ...`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup

from eportfolio.accounts import services as accounts
from eportfolio.accounts.models import Organisation, Role
from eportfolio.audit import services as audit
from eportfolio.db import db
from eportfolio.errors import DomainError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """Return the Alembic configuration for this app's database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["database_url"] = url or current_app.config["DATABASE_URL"]
    return cfg


@click.group("db", help="Database schema migrations (Alembic).", cls=AppGroup)
def db_cli() -> None:
    pass


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    command.upgrade(alembic_config(), revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    command.downgrade(alembic_config(), revision)


@db_cli.command("check")
def db_check() -> None:
    """Fail when the models and the migrations differ."""
    command.check(alembic_config())


@db_cli.command("current")
def db_current() -> None:
    command.current(alembic_config())


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Generate a migration from the difference between models and database."""
    command.revision(alembic_config(), message=message, autogenerate=True)


@click.group("users", help="Manage accounts.", cls=AppGroup)
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", "display_name", default=None, help="Display name (default: the e-mail).")
@click.option("--organisation-id", type=int, default=None)
@click.password_option(help="Asked for when not given.")
def users_create(
    email: str, role: str, display_name: str | None, organisation_id: int | None, password: str
) -> None:
    """Create an account with one role."""
    # Messages are translated per request; an operator's terminal gets them in English.
    try:
        with (
            current_app.test_request_context(headers={"Accept-Language": "en"}),
            db.standalone() as session,
        ):
            org = session.get(Organisation, organisation_id) if organisation_id else None
            if organisation_id and org is None:
                raise click.ClickException(f"no organisation with id {organisation_id}")
            user = accounts.create_user(
                session,
                email=email,
                password=password,
                display_name=display_name or email,
                role=Role(role),
                organisation=org,
            )
            click.echo(f"created user {user.id} <{user.email}> with role {role}")
    except DomainError as exc:
        messages = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in exc.errors.items())
        raise click.ClickException(messages) from exc


@click.group("audit", help="The hash-chained audit log.", cls=AppGroup)
def audit_cli() -> None:
    pass


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the chain; exit 1 and name the first broken link when it was tampered with."""
    with db.standalone() as session:
        report = audit.verify(session)
    if report.ok:
        click.echo(f"audit log intact: {report.events} events")
        return
    click.echo(
        f"audit log BROKEN at event {report.broken_at}: {report.reason} "
        f"({report.events} events verified before it)",
        err=True,
    )
    sys.exit(1)


def register(app: Flask) -> None:
    from eportfolio.demo.cli import demo_cli
    from eportfolio.i18n import i18n_cli
    from eportfolio.matching_index.cli import matching_cli
    from eportfolio.regional.cli import regional_cli
    from eportfolio.taxonomy_store.cli import taxonomy_cli
    from eportfolio.validation.cli import validation_cli

    groups = (db_cli, users_cli, audit_cli, demo_cli, i18n_cli, taxonomy_cli, regional_cli)
    for group in (*groups, matching_cli, validation_cli):
        app.cli.add_command(group)
