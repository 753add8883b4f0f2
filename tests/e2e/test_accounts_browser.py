"""A person registers, logs in, switches language and logs out in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.e2e.conftest import assert_accessible, mailed_link

PASSWORD = "tallkotte-regnrock-fiol-7"


def test_register_login_switch_language_logout(page: Any, outbox: Path) -> None:
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Skapa ett konto").click()
    assert_accessible(page)

    # A mistake first: the error summary links to the field and nothing is lost.
    page.get_by_label("Ditt namn").fill("Noor Ahmadi")
    page.get_by_label("E-postadress").fill("noor.ahmadi@example.se")
    page.get_by_label("Lösenord").fill("kort")
    page.get_by_role("button", name="Skapa konto").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Ditt namn").input_value() == "Noor Ahmadi"
    assert_accessible(page)

    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Skapa konto").click()
    # No account yet: the address is confirmed by the link mailed to it.
    page.get_by_role("heading", name="Kolla din e-post").wait_for()
    assert page.get_by_text("noor.ahmadi@example.se").first.is_visible()
    assert_accessible(page)
    link = mailed_link(outbox, "noor.ahmadi@example.se")
    page.goto(link)
    assert page.get_by_role("heading", name="Bekräfta din e-postadress").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Skapa konto").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name="Hej, Noor Ahmadi").is_visible()
    assert_accessible(page)
    # The link works once, and says so.
    page.goto(link)
    assert page.get_by_role("heading", name="Länken fungerar inte längre").is_visible()
    assert_accessible(page)
    page.goto("/")

    page.get_by_role("button", name="Logga ut").click()
    assert page.get_by_text("Du är utloggad.").is_visible()
    page.get_by_role("link", name="Logga in").first.click()
    assert_accessible(page)
    page.get_by_label("E-postadress").fill("noor.ahmadi@example.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_role("heading", name="Hej, Noor Ahmadi").is_visible()

    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Hello, Noor Ahmadi").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
    page.get_by_role("link", name="Account", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_text("You are logged out.").is_visible()


def test_pages_work_with_javascript_disabled(browser: Any, live_server: str) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-postadress").fill("samordnare@demo.meritportfolj.se")
    page.get_by_label("Lösenord").fill("demo-Skane-Nordost-2026")
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_role("heading", name="Hej, Mats Samordnare").is_visible()
    page.get_by_role("link", name="Godkänn organisationer").click()
    assert page.get_by_role("heading", name="Organisationer som väntar på godkännande").is_visible()
    context.close()


def test_keyboard_user_can_skip_to_content(page: Any) -> None:
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till huvudinnehållet")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
