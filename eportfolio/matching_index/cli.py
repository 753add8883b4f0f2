"""`flask --app wsgi matching store-fits`: keep the occupation fits a worker's start reads."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from eportfolio.db import db


@click.group("matching", help="The matching index.", cls=AppGroup)
def matching_cli() -> None:
    pass


@matching_cli.command("store-fits")
def store_fits_cmd() -> None:
    """Store the occupation fits of portfolios whose stored fits are missing or stale.

    Run it after a taxonomy import and on a schedule (with ``regional refresh``): a worker's
    start then computes only the fits of portfolios changed since.
    """
    from eportfolio.matching_index.engine import empty_index
    from eportfolio.matching_index.loading import store_fits

    start = time.perf_counter()
    with db.standalone() as session:
        counts = store_fits(session, empty_index(session))
    took = time.perf_counter() - start
    click.echo(
        f"matching: fits of {counts['portfolios']} portfolios stored "
        f"({counts['written']} rows, {counts['deleted']} stale rows removed) in {took:.1f} s"
    )
