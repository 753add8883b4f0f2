"""Database wiring: declarative base, engine, and one session per request.

The session is committed in exactly one place, the request teardown in ``create_app``; services
only flush. Tests bind the session factory to a connection inside an outer transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, func
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


ID_MAX = 2**31 - 1  # INTEGER columns; a larger number would be a database error, not a miss


def parse_id(text: object) -> int | None:
    """Return a typed or sent whole number (an id, a page) as int, None unless it is one.

    Only ASCII digits count: ``str.isdigit`` also accepts "²", which ``int`` refuses, and
    ``int`` accepts other scripts' digits that no id or page number is written in.
    """
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= ID_MAX else None


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
timestamp = Annotated[
    dt.datetime, mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; on SQLite enforce foreign keys and real transactions."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        _fix_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _fix_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy's documented recipe
    # hands BEGIN to SQLAlchemy instead.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN")


class Database:
    """Holds the engine and session factory of one app."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.factory: sessionmaker[Session] | None = None

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        app.extensions["database"] = self

    @property
    def session(self) -> Session:
        """Return the request's session, opening it on first use."""
        if "db_session" not in g:
            assert self.factory is not None, "Database.init_app was not called"
            g.db_session = self.factory()
        session: Session = g.db_session
        return session

    @contextmanager
    def standalone(self) -> Iterator[Session]:
        """Yield a session for CLI commands and jobs, committed when the block succeeds."""
        assert self.factory is not None
        with self.factory() as session, session.begin():
            yield session


class _CurrentDatabase:
    """Module-level handle that resolves to the current app's Database (one per app)."""

    @staticmethod
    def _get() -> Database:
        database: Database = current_app.extensions["database"]
        return database

    def init_app(self, app: Flask) -> None:
        Database().init_app(app)

    @property
    def session(self) -> Session:
        return self._get().session

    @contextmanager
    def standalone(self) -> Iterator[Session]:
        with self._get().standalone() as session:
            yield session


db = _CurrentDatabase()
