"""`flask --app wsgi validation hand-on-conflicted`: free cases held by a jävig assessor."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from eportfolio.db import db
from eportfolio.validation import handover


@click.group("validation", help="Validation cases.", cls=AppGroup)
def validation_cli() -> None:
    pass


@validation_cli.command("hand-on-conflicted")
def hand_on_conflicted_cmd() -> None:
    """Send on every held case whose assessor has become jävig (once, after upgrading)."""
    # Every write that makes an assessor jävig hands his cases on; this catches what earlier
    # releases left behind.
    with db.standalone() as session:
        handed = [str(case.number) for case in handover.hand_on_conflicted(session)]
    click.echo(f"validation: {len(handed)} cases handed on {' '.join(handed)}".rstrip())
