"""An employer's skill row that names no one skill is answered at that row: "did you mean"
choices that work without script, or "no skill found"."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login_as

SAVE = "Spara och hitta kandidater"
ROWS = [("TIG-svetsning", "must", "3"), ("Läsa ritningar", "nice", "2"), ("svetsnig", "nice", "4")]


def test_a_misspelt_skill_row_offers_choices_and_the_one_chosen_is_saved(page: Any) -> None:
    login_as(page, "arbetsgivare@demo.meritportfolj.se")
    page.goto("/needs/new")
    page.get_by_label("Rubrik").fill("Svetsare natt")
    for n, (skill, kind, level) in enumerate(ROWS, start=1):
        page.fill(f"#skill_{n}", skill)
        page.select_option(f"#kind_{n}", kind)
        page.select_option(f"#level_{n}", level)
    page.fill("#skill_5", "xqzv")
    page.get_by_role("button", name=SAVE).click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Vilken kompetens menar du med ”svetsnig”?")
    expect(summary).to_contain_text("Vi hittade ingen kompetens för ”xqzv”")
    # The choices are a group named after their row and described by the row's message.
    choices = page.get_by_role("group", name="Kompetens 3: menade du någon av de här?")
    expect(choices).to_have_accessible_description(re.compile("menar du med ”svetsnig”"))
    expect(page.get_by_label("Kompetens 3", exact=True)).to_have_accessible_description(
        re.compile("menar du med ”svetsnig”")
    )
    expect(choices.get_by_role("radio")).not_to_have_count(0)
    expect(page.get_by_role("group", name=re.compile(r"^Kompetens (1|2|5):"))).to_have_count(0)
    expect(page.locator("#skill_5-error")).to_contain_text("Vi hittade ingen kompetens")
    expect(page.locator("#level_3")).to_have_value("4")
    expect(page.locator("#kind_2")).to_have_value("nice")
    assert_accessible(page)

    summary.get_by_role("link", name=re.compile("svetsnig")).click()
    expect(page.locator("#skill_3")).to_be_focused()
    choices.get_by_label("MIG/MAG-svetsning").check()
    page.fill("#skill_5", "")
    page.get_by_role("button", name=SAVE).click()
    page.get_by_role("link", name="Ändra behovet").click()
    expect(page.locator("#skill_3")).to_have_value("MIG/MAG-svetsning")
    expect(page.locator("#kind_3")).to_have_value("nice")
    expect(page.locator("#level_3")).to_have_value("4")
    expect(page.locator("#level_1")).to_have_value("3")
    assert_accessible(page)


def test_the_choices_work_without_javascript(browser: Any, live_server: str) -> None:
    context = browser.new_context(base_url=live_server, locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    login_as(page, "arbetsgivare@demo.meritportfolj.se")
    page.goto("/lang/en?next=/needs/new")  # and in English
    page.get_by_label("Title").fill("Night welder")
    page.fill("#skill_1", "svetsnig")
    page.select_option("#level_1", "3")
    page.get_by_role("button", name="Save and find candidates").click()
    choices = page.get_by_role("group", name="Skill 1: did you mean one of these?")
    choices.get_by_role("radio").first.check()
    chosen = choices.get_by_role("radio").first.evaluate("r => r.labels[0].textContent")
    page.get_by_role("button", name="Save and find candidates").click()
    page.get_by_role("link", name="Change the need").click()
    expect(page.locator("#skill_1")).to_have_value(chosen)
    expect(page.locator("#level_1")).to_have_value("3")
    context.close()


def test_enter_in_a_field_saves_the_need_rather_than_suggesting_skills(page: Any) -> None:
    """The suggestion button comes first on the page, but Enter means "save" to a user."""
    login_as(page, "arbetsgivare@demo.meritportfolj.se")
    page.goto("/needs/new")
    page.fill("#skill_1", "TIG-svetsning")
    page.get_by_label("Rubrik").fill("Svetsare dag")
    page.get_by_label("Rubrik").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Svetsare dag")
    expect(page.get_by_role("link", name="Ändra behovet")).to_be_visible()
    assert_accessible(page)
