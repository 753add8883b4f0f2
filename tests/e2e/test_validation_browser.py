"""The whole validation path in a real browser, from two skills to a revoked credential."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from werkzeug.serving import make_server

from tests.conftest import DEMO_PASSWORD, make_test_app
from tests.e2e.conftest import assert_accessible
from tests.evidence_samples import pdf

LEARNER = "e2e-validering@test.meritportfolj.se"


@pytest.fixture(scope="module")
def validation_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own: certifying here must not change what other browser tests see."""
    instance = tmp_path_factory.mktemp("e2e-validation")
    url = f"sqlite:///{instance / 'e2e.db'}"
    app = make_test_app(url, instance)
    with app.app_context(), app.test_request_context():
        from eportfolio.accounts import services as accounts
        from eportfolio.accounts.models import Role
        from eportfolio.cli import alembic_config
        from eportfolio.db import db
        from eportfolio.demo.cli import load_demo, load_seed_taxonomy
        from eportfolio.portfolios.models import SkillClaim
        from eportfolio.portfolios.services import portfolio_for
        from eportfolio.taxonomy_store.models import Concept

        command.upgrade(alembic_config(url), "head")
        with db.standalone() as session:
            load_seed_taxonomy(session)
            load_demo(session)
            learner = accounts.create_user(
                session,
                email=LEARNER,
                password=DEMO_PASSWORD,
                display_name="Nora Validering",
                role=Role.LEARNER,
            )
            portfolio = portfolio_for(session, learner)
            for slug in ("mig-mag-svetsning", "tig-svetsning"):
                concept = session.query(Concept).filter_by(uri=f"seed:skill:{slug}").one()
                portfolio.claims.append(
                    SkillClaim(text_as_typed=concept.label("sv"), concept_id=concept.id, level=3)
                )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def tab(browser: Any, validation_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=validation_server, bypass_csp=True, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page: Any, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def act(page: Any, action: str, reason: str | None = None) -> None:
    form = page.locator(f"form[action$='/actions/{action}']")
    if reason is not None:
        form.locator("textarea").fill(reason)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_two_skills_to_a_revoked_credential(tab: Any, tmp_path: Any) -> None:
    page = tab
    log_in(page, LEARNER)
    page.goto("/validation/new")
    assert_accessible(page)
    page.check("#claim_ids")
    page.locator("input[name=claim_ids]").nth(1).check()
    page.get_by_role("button", name="Fortsätt").click()
    case_url = page.url
    assert re.search(r"/validation/cases/\d+$", case_url)
    assert_accessible(page)
    act(page, "submit")
    assert "Inskickat" in page.content()

    log_in(page, "bedomare@demo.meritportfolj.se")
    page.goto("/validation/queue")
    assert_accessible(page)
    page.click("form[action$='/take-next'] button")
    page.wait_for_load_state()
    assert page.url == case_url
    act(page, "request_evidence", "Ladda upp ett intyg från svetskursen.")
    assert_accessible(page)

    log_in(page, LEARNER)
    page.goto(case_url)
    assert "Ladda upp ett intyg från svetskursen." in page.content()
    assert_accessible(page)
    page.goto("/portfolio/evidence")
    upload = tmp_path / "intyg.pdf"
    upload.write_bytes(pdf("Svetsintyg"))
    page.set_input_files("#file", str(upload))
    page.fill("#title", "Intyg svetskurs")
    page.select_option("#claim_id", index=1)
    page.click("form[action$='/evidence/files'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(case_url)
    act(page, "resubmit")

    log_in(page, "bedomare@demo.meritportfolj.se")
    page.goto(case_url)
    assert "Intyg svetskurs" in page.content()
    sections = page.locator("section.card")
    first, second = sections.nth(0), sections.nth(1)
    first.locator("select[name=method]").select_option("practical_test")
    first.locator("input[value=verified]").check()
    first.locator("select[name=verified_level]").select_option("3")
    first.locator("textarea[name=rationale]").fill("Svetsade enligt WPS utan anmärkning.")
    first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    second = page.locator("section.card").nth(1)
    second.locator("input[value=not_verified]").check()
    second.locator("textarea[name=rationale]").fill("Provet visade brister i genomsvetsning.")
    second.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.content().count("Bekräftad på nivå 3") == 1, page.content()
    act(page, "conclude")
    assert "Bedömt, väntar på ordföranden" in page.content(), page.content()

    log_in(page, "ordforande@demo.meritportfolj.se")
    page.goto(case_url)
    assert_accessible(page)
    act(page, "certify")
    assert "Certifierat" in page.content()

    log_in(page, LEARNER)
    page.goto(case_url)
    assert_accessible(page)
    with page.expect_download() as download:
        page.click("a[href$='/credential.json']")
    assert download.value.suggested_filename.endswith(".json")
    page.click("a[href$='/certificate']")
    page.wait_for_load_state()
    assert page.locator("svg[role=img]").count() == 1
    assert_accessible(page)
    verify_url = page.locator("a[href*='/verify/']").first.get_attribute("href")
    path = "/verify/" + verify_url.split("/verify/")[1]

    page.context.clear_cookies()
    page.goto(path)
    assert page.locator("#verdict").get_attribute("data-state") == "valid"
    assert "MIG/MAG-svetsning" in page.content() or "svetsning" in page.content()
    assert_accessible(page)

    log_in(page, "ordforande@demo.meritportfolj.se")
    page.goto(case_url)
    page.fill("textarea[id^=revoke-reason]", "Utfärdat av misstag i testet.")
    page.click("form[action$='/revoke'] button[type=submit]")
    page.wait_for_load_state()
    page.context.clear_cookies()
    page.goto(path)
    assert page.locator("#verdict").get_attribute("data-state") == "revoked"
    assert_accessible(page)


def test_coordinator_sets_up_a_council_without_javascript_problems(tab: Any) -> None:
    page = tab
    log_in(page, "samordnare@demo.meritportfolj.se")
    page.goto("/validation/councils")
    assert_accessible(page)
    page.goto("/validation/councils/new")
    page.get_by_role("button", name="Spara").click()
    assert page.locator(".error-summary").count() == 1  # GOV.UK: the summary on top
    assert_accessible(page)
    page.fill("#name", "Valideringsrådet Vård och omsorg")
    page.fill("#branch", "Vård och omsorg")
    page.check("#m-1290")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert re.search(r"/validation/councils/\d+$", page.url)
    page.fill("#email", "bedomare@demo.meritportfolj.se")
    page.get_by_role("button", name="Lägg till medlem").click()
    page.wait_for_load_state()
    assert "Erik Bedömare" in page.content()
    assert_accessible(page)
    page.goto("/notifications")
    assert_accessible(page)
