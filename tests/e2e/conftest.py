"""Browser tests: the app on a live local server, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from werkzeug.serving import make_server

from tests.conftest import DEMO_PASSWORD, make_test_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-instance")


@pytest.fixture(scope="session")
def live_server(e2e_instance: Path) -> Iterator[str]:
    """Serve a migrated app with demo data on a free local port."""
    instance = e2e_instance
    url = f"sqlite:///{instance / 'e2e.db'}"
    app = make_test_app(url, instance)
    with app.app_context():
        from eportfolio.cli import alembic_config
        from eportfolio.db import db
        from eportfolio.demo.cli import load_demo, load_demo_portfolios, load_seed_taxonomy

        command.upgrade(alembic_config(url), "head")
        with db.standalone() as session:
            load_seed_taxonomy(session)
            load_demo(session)
            load_demo_portfolios(session)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_E2E"):
            pytest.fail(f"browser tests must run here but {CHROMIUM} is missing")
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def outbox(e2e_instance: Path) -> Path:
    """The live server's mail outbox: the mails a person would read."""
    return e2e_instance / "outbox"


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    # bypass_csp lets axe-core be injected; the app's own pages never need inline script.
    context = browser.new_context(base_url=live_server, bypass_csp=True, locale="sv-SE")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def assert_accessible(page: Any) -> None:
    """Fail on any axe-core violation of impact serious or critical on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )
    assert not bad, f"accessibility violations on {page.url}:\n{details}"


def login_as(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the Swedish login form (demo accounts share the documented password)."""
    page.goto("/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")


def mailed_link(outbox: Path, address: str, prefix: str = "/register/confirm/") -> str:
    """The link starting with ``prefix`` in the newest mail to ``address``."""
    from eportfolio.mail import outbox_messages

    mails = [m for m in outbox_messages(str(outbox)) if m["To"] == address]
    assert mails, f"no mail to {address}"
    match = re.search(rf"https?://\S+{re.escape(prefix)}\S+", mails[-1].get_content())
    assert match, mails[-1].get_content()
    return match.group(0)


def register_as(page: Any, outbox: Path, name: str, email: str, password: str) -> None:
    """Register a learner through the Swedish form and the link mailed to the address."""
    page.goto("/register")
    page.get_by_label("Ditt namn").fill(name)
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Skapa konto").click()
    page.get_by_role("heading", name="Kolla din e-post").wait_for()
    page.goto(mailed_link(outbox, email))
    page.get_by_role("button", name="Skapa konto").click()
    page.wait_for_url(re.compile(r"/$"))
