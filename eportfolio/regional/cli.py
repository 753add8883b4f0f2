"""`flask --app wsgi regional refresh`: recompute the regional snapshots (run on a schedule)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from eportfolio.db import db
from eportfolio.regional import services


@click.group("regional", help="Regional overview figures.", cls=AppGroup)
def regional_cli() -> None:
    pass


@regional_cli.command("refresh")
@click.option("--if-stale", is_flag=True, help="Only recompute figures whose data changed.")
def refresh_cmd(if_stale: bool) -> None:
    """Recompute supply, demand, gap and validation figures into regional_snapshots."""
    start = time.perf_counter()
    with db.standalone() as session:
        written = services.refresh(session, force=not if_stale)
    click.echo(f"regional: {len(written)} snapshots written in {time.perf_counter() - start:.1f} s")
