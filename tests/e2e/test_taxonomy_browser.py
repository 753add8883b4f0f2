"""Skill search suggests as you type with JavaScript and lists results without it."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import assert_accessible


def _login(page: Any, email: str = "larande@demo.meritportfolj.se") -> None:
    page.goto("/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill("demo-Skane-Nordost-2026")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")


def test_suggestions_appear_while_typing(page: Any) -> None:
    _login(page)
    page.get_by_role("link", name="Kompetenser", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Sök efter en kompetens eller ett yrke").press_sequentially(
        "tig svets", delay=40
    )
    suggestion = page.locator("#suggestions").get_by_role("link", name="TIG-svetsning")
    suggestion.wait_for()
    assert_accessible(page)
    suggestion.click()
    assert page.get_by_role("heading", level=1).inner_text() == "TIG-svetsning"
    assert page.get_by_role("link", name="MIG/MAG-svetsning").is_visible()
    assert_accessible(page)


def test_search_and_extract_without_javascript(browser: Any, live_server: str) -> None:
    context = browser.new_context(
        base_url=live_server, java_script_enabled=False, locale="sv-SE", bypass_csp=True
    )
    page = context.new_page()
    _login(page, "arbetsgivare@demo.meritportfolj.se")
    page.goto("/taxonomy")
    page.get_by_label("Sök efter en kompetens eller ett yrke").fill("truckort")
    page.get_by_role("button", name="Sök", exact=True).click()
    first = page.locator("ol.result-list li a").first
    assert first.inner_text() == "Köra motordriven truck"
    page.get_by_label("Klistra in en jobbannons eller en CV-text").fill(
        "Vi söker en undersköterska med erfarenhet av demensvård och B-körkort."
    )
    page.get_by_role("button", name="Hitta kompetenser").click()
    marked = page.locator("mark").all_inner_texts()
    assert "B-körkort" in marked and any("demensvård" in m for m in marked)
    context.close()


def test_a_swedish_name_on_the_english_bristyrken_page_is_marked_and_accessible(
    browser: Any, live_server: str, e2e_instance: Any
) -> None:
    """WCAG 2.1 SC 3.1.2: Yrkesbarometer's Swedish names read as Swedish on an English page."""
    from sqlalchemy import create_engine, insert

    from eportfolio.taxonomy_store.models import ShortageAssessment

    engine = create_engine(f"sqlite:///{e2e_instance / 'e2e.db'}")
    with engine.begin() as conn:
        conn.execute(
            insert(ShortageAssessment).values(
                occupation_ref="yb:e2e-lokalvardare",
                occupation_label="Lokalvårdare, äldreboende",
                area_kind="lan",
                area_code="12",
                period="2025-1",
                recruitment="brist",
                source="yrkesbarometer",
            )
        )
    engine.dispose()
    context = browser.new_context(base_url=live_server, bypass_csp=True, locale="sv-SE")
    page = context.new_page()
    _login(page, "samordnare@demo.meritportfolj.se")
    page.goto("/lang/en?next=/bristyrken")
    marked = page.locator('td > span[lang="sv"]', has_text="Lokalvårdare, äldreboende")
    assert marked.count() == 1
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
    context.close()
