"""Alembic environment: runs against the app's database URL (or one passed by tests)."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy.engine import Connection

from eportfolio.db import make_engine
from eportfolio.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: run through `flask --app wsgi db ...`")
    return str(url)


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            _run_sqlite(conn)
        else:
            _run(conn)
    engine.dispose()


def _run_sqlite(conn: Connection) -> None:
    # Batch mode alters a SQLite table by copying it and dropping the old one. With foreign
    # keys enforced, that drop fires every ON DELETE of the tables referring to it (claims of
    # a case deleted, credentials' case set to NULL). SQLite's documented procedure: keys off
    # for the migration (a PRAGMA outside any transaction), then check every reference.
    raw = conn.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        _run(conn)
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        conn.commit()
        if broken:
            raise RuntimeError(f"the migration left rows referring to nothing: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _run(connection: Connection) -> None:
    # Batch mode lets the same revisions ALTER tables on SQLite.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
