"""Fixtures shared by every test: app, database (rolled back per test), clients, factories."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_PASSWORD = "demo-Skane-Nordost-2026"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        default="sqlite",
        choices=["sqlite", "postgres"],
        help="database for integration and web tests",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # PostgreSQL-only tests (row locks, concurrency) belong to the PostgreSQL pass: leave them
    # out of the SQLite pass instead of skipping them there.
    if config.getoption("--backend") == "postgres":
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def shared_dir(*parts: str) -> Path:
    """Return a folder of ../shared, skipping (or failing in CI) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("REQUIRE_SHARED_DATA"):
            pytest.fail(f"{path} is required in CI but missing")
        pytest.skip(f"../shared not found ({path}): tests on the public data sets skipped")
    return path


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def db_name(prefix: str) -> str:
    """Return a database name of this test run and worker, so parallel runs never collide."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"p{os.getpid()}"
    return f"{prefix}_{run[:10]}_{_worker()}".lower()


def _postgres_url() -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.fail("--backend=postgres needs TEST_DATABASE_URL")
    # One database per xdist worker, so migrations and locks never collide.
    name = db_name("mp_test")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--backend"))


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend != "postgres":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url = _postgres_url()
    yield url
    from eportfolio.matching_index.engine import reset

    reset()
    admin = sa.create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # leave no database behind
        name = sa.engine.make_url(url).database
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_test_app(database_url: str, instance: Path, **extra: Any) -> Flask:
    from eportfolio import create_app

    os.environ["INSTANCE_PATH"] = str(instance)
    config = {
        "ENV": "test",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(instance / "uploads"),
        "MAIL_OUTBOX_DIR": str(instance / "outbox"),
        "KEY_DIR": str(instance / "keys"),
        "FAST_PASSWORD_HASHING": True,
        "SERVER_NAME": None,
        **extra,
    }
    return create_app(config)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app, with the schema migrated once per test session."""
    instance = tmp_path_factory.mktemp("instance")
    application = make_test_app(database_url, instance)
    with application.app_context():
        from eportfolio.cli import alembic_config

        command.upgrade(alembic_config(database_url), "head")
    yield application
    application.extensions["database"].engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session whose work, including the app's own commits, is rolled back after the test."""
    database = app.extensions["database"]
    connection = database.engine.connect()
    outer = connection.begin()
    original = database.factory
    database.factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    session = database.factory()
    from eportfolio.extensions import limiter

    limiter.reset()
    from eportfolio.matching_index.engine import reset as reset_matching

    reset_matching()  # each test's data is rolled back: a cached index would be stale
    try:
        yield session
    finally:
        session.close()
        database.factory = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, db_session: Session) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def app_ctx(app: Flask, db_session: Session) -> Iterator[Flask]:
    with app.test_request_context():
        yield app


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Fetch a page and return the CSRF token from its form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(
    client: FlaskClient,
    path: str,
    data: dict[str, Any],
    *,
    token_from: str | None = None,
    **kwargs: Any,
) -> Any:
    """POST a form the way a browser does, with the page's CSRF token."""
    token = csrf_token(client, token_from or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def mails_to(client: FlaskClient, address: str) -> list[Any]:
    """The messages in the app's outbox to ``address``, oldest first."""
    from eportfolio.mail import outbox_messages

    outbox = client.application.config["MAIL_OUTBOX_DIR"]
    return [m for m in outbox_messages(outbox) if m["To"] == address]


def mailed_path(message: Any, prefix: str) -> str:
    """The path of the link starting with ``prefix`` in a mail (links are absolute)."""
    match = re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def register(client: FlaskClient, data: dict[str, Any], path: str = "/register") -> str:
    """Send a registration form as a person does; return the path of the link it mailed.

    Only the mail sent for this form counts: the outbox is shared by a worker's tests.
    """
    address = data["email"].strip().casefold()
    before = {m["Message-ID"] for m in mails_to(client, address)}
    sent = post_form(client, path, data)
    assert sent.status_code == 200, sent.text[:500]  # "check your e-mail", whoever the address
    new = [m for m in mails_to(client, address) if m["Message-ID"] not in before]
    assert len(new) == 1, [m["Subject"] for m in new]
    return mailed_path(new[0], "/register/confirm/")


@pytest.fixture
def create_org(db_session: Session) -> Callable[..., Any]:
    from eportfolio.accounts.models import Organisation, OrgKind, OrgStatus

    counter = iter(range(1, 10_000))

    def make(kind: str = "employer", status: str = "active", **fields: Any) -> Organisation:
        n = next(counter)
        org = Organisation(
            kind=OrgKind(kind),
            status=OrgStatus(status),
            name=fields.pop("name", f"Organisation {n}"),
            **fields,
        )
        db_session.add(org)
        db_session.flush()
        return org

    return make


@pytest.fixture
def create_user(
    app: Flask, db_session: Session, create_org: Callable[..., Any]
) -> Callable[..., Any]:
    """Return a factory: create_user(role="learner", organisation=None, **fields)."""
    from eportfolio.accounts import services
    from eportfolio.accounts.models import OrgKind, Role

    counter = iter(range(1, 10_000))
    kinds = {
        "employer": OrgKind.EMPLOYER,
        "assessor": OrgKind.COUNCIL,
        "chair": OrgKind.COUNCIL,
        "guide": OrgKind.LEARNING_CENTRE,
    }

    def make(role: str = "learner", organisation: Any = None, **fields: Any) -> Any:
        n = next(counter)
        if organisation is None and role in kinds:
            organisation = create_org(kinds[role].value)
        with app.test_request_context():
            return services.create_user(
                db_session,
                email=fields.get("email", f"{role}{n}@test.meritportfolj.se"),
                password=fields.get("password", DEMO_PASSWORD),
                display_name=fields.get("display_name", f"{role.title()} {n}"),
                role=Role(role),
                organisation=organisation,
            )

    return make


def login(client: FlaskClient, user: Any, password: str = DEMO_PASSWORD) -> None:
    """Log ``user`` in through the real login form."""
    response = post_form(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def demo(app: Any, db_session: Session) -> dict[str, Any]:
    """The demo data (seed taxonomy, accounts, two welders in matching), users by mailbox."""
    from eportfolio.accounts.models import User
    from eportfolio.demo.cli import load_demo, load_demo_portfolios, load_seed_taxonomy

    load_seed_taxonomy(db_session)
    load_demo(db_session)
    load_demo_portfolios(db_session)
    db_session.commit()  # as the CLI does; the test's outer transaction still rolls back
    people = {u.email.split("@")[0]: u for u in db_session.scalars(sa.select(User))}
    return people
