"""An employer pastes a job ad, finds a validated candidate first, asks for contact; the
learner says yes and the employer sees the name."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import assert_accessible

AD = (
    "Vi söker en svetsare till vår verkstad i Osby. Du behärskar MIG-svetsning och "
    "TIG-svetsning och kan läsa ritningar. B-körkort krävs."
)
PASSWORD = "demo-Skane-Nordost-2026"


def _login(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")


def test_employer_finds_validated_candidate_and_learner_reveals_identity(
    browser: Any, live_server: str
) -> None:
    employer_ctx = browser.new_context(base_url=live_server, bypass_csp=True, locale="sv-SE")
    employer = employer_ctx.new_page()
    employer.set_default_timeout(15_000)
    _login(employer, "arbetsgivare@demo.meritportfolj.se")
    employer.get_by_role("link", name="Beskriv ett kompetensbehov").click()
    assert_accessible(employer)
    employer.get_by_label("Rubrik").fill("Svetsare i Osby")
    employer.get_by_label("Jobbannons eller beskrivning (frivilligt)").fill(AD)
    employer.get_by_role("button", name="Föreslå kompetenser från texten").click()
    assert employer.locator("#skill_1").input_value() != ""
    assert_accessible(employer)
    employer.get_by_label("Yrke (frivilligt)").fill("svetsare")
    employer.get_by_role("button", name="Spara och hitta kandidater").click()
    cards = employer.locator(".candidate h2 a")
    cards.first.wait_for()
    assert_accessible(employer)
    first_text = employer.locator(".candidate").first.inner_text()
    assert "validerad" in first_text  # the validated demo welder is ranked first
    second_text = employer.locator(".candidate").nth(1).inner_text()
    assert "egendeklarerad" in second_text
    assert "Amira" not in employer.content() and "Johan" not in employer.content()
    pseudonym = re.search(r"K-\w+", cards.first.inner_text()).group(0)
    cards.first.click()
    assert employer.get_by_role("heading", name="Så räknas poängen fram").is_visible()
    assert_accessible(employer)
    employer.get_by_label("Meddelande till kandidaten (frivilligt)").fill("Hej! Vill du veta mer?")
    employer.get_by_role("button", name="Skicka kontaktförfrågan").click()
    assert employer.get_by_text("Er förfrågan har skickats").is_visible()

    learner_ctx = browser.new_context(base_url=live_server, bypass_csp=True, locale="sv-SE")
    learner = learner_ctx.new_page()
    _login(learner, "larande@demo.meritportfolj.se")
    learner.get_by_role("link", name="Kontaktförfrågningar").first.click()
    assert learner.get_by_text("Hej! Vill du veta mer?").is_visible()
    assert_accessible(learner)
    learner.get_by_role("button", name=re.compile("Ja, dela mitt namn")).click()
    assert learner.get_by_text("Arbetsgivaren kan nu se ditt namn").is_visible()
    learner.get_by_role("link", name="Matchningar").first.click()
    assert learner.get_by_role("heading", name="Bristyrken nära dig som passar").is_visible()
    assert_accessible(learner)

    employer.reload()
    assert employer.get_by_text("Amira Haddad").is_visible()
    assert pseudonym in employer.content()
    employer_ctx.close()
    learner_ctx.close()
