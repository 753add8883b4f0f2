"""A coordinator reads the regional overview: filters, downloads gap skills, chart equals table."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from werkzeug.serving import make_server

from tests.conftest import make_test_app
from tests.e2e.conftest import assert_accessible


@pytest.fixture(scope="module")
def regional_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Demo data plus a few thousand synthetic learners, so every table has something in it."""
    instance = tmp_path_factory.mktemp("e2e-regional")
    url = f"sqlite:///{instance / 'regional.db'}"
    app = make_test_app(url, instance)
    with app.app_context():
        from eportfolio.cli import alembic_config
        from eportfolio.db import db
        from eportfolio.demo.cli import load_demo, load_demo_portfolios, load_seed_taxonomy
        from eportfolio.regional.demo import load_demo_modules, scale

        command.upgrade(alembic_config(url), "head")
        with db.standalone() as session:
            load_seed_taxonomy(session)
            load_demo(session)
            load_demo_portfolios(session)
            load_demo_modules(session)
            scale(session, 4000)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _bars(page: Any, chart: str) -> dict[str, str]:
    values = page.locator(f"#{chart} text.bar-value")
    return {
        values.nth(k).get_attribute("data-label"): values.nth(k).text_content()
        for k in range(values.count())
    }


def test_coordinator_filters_downloads_and_chart_matches_table(
    browser: Any, regional_server: str
) -> None:
    context = browser.new_context(
        base_url=regional_server, bypass_csp=True, locale="sv-SE", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login")
    page.get_by_label("E-postadress").fill("samordnare@demo.meritportfolj.se")
    page.get_by_label("Lösenord").fill("demo-Skane-Nordost-2026")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")
    page.goto("/regional")
    assert_accessible(page)

    page.get_by_label("Område", exact=True).select_option("1293")
    page.get_by_label("Yrkesgrupp", exact=True).select_option("7212")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**kommun=1293**group=7212**")
    assert_accessible(page)

    table = page.locator("#table-gaps tbody tr")
    assert table.count() > 0
    rows = {
        table.nth(k).locator("th").inner_text().strip(): table.nth(k)
        .locator("td.gap-count")
        .inner_text()
        .strip()
        for k in range(table.count())
    }
    assert _bars(page, "chart-gaps") == rows

    supply = page.locator("#table-supply tbody tr")
    label = supply.nth(0).locator("th").inner_text().strip()
    qualified = supply.nth(0).locator("td.supply-count").inner_text().strip()
    assert _bars(page, "chart-supply") == {label: qualified}

    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner kompetensgapen som CSV").click()
    download = info.value
    assert download.suggested_filename == "gaps-1293-7212.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert {r["Kompetens"]: r["Personer som når över tröskeln"] for r in csv_rows} == rows
    assert all(r["Yrkesgrupp"].startswith("7212") for r in csv_rows)
    context.close()


def test_validation_and_training_pages_are_accessible(browser: Any, regional_server: str) -> None:
    context = browser.new_context(base_url=regional_server, bypass_csp=True, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login")
    page.get_by_label("E-postadress").fill("samordnare@demo.meritportfolj.se")
    page.get_by_label("Lösenord").fill("demo-Skane-Nordost-2026")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")
    page.goto("/regional/validation")
    assert page.locator("#chart-councils title").count() == 1
    assert_accessible(page)
    page.goto("/training")
    assert page.get_by_role("cell", name="Lärcentrum Osby").first.is_visible()
    assert_accessible(page)
    page.goto("/training/new")
    page.get_by_role("button", name="Spara").click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    context.close()
