"""At 320 CSS pixels (400 % zoom of a 1280 px window) no page scrolls sideways: wide tables
scroll inside their own labelled region, which the keyboard can reach (WCAG 1.4.10)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible, login_as

PAGES = [
    ("larande@demo.meritportfolj.se", "/portfolio"),  # the skills table
    ("larande@demo.meritportfolj.se", "/privacy/consents"),
    ("samordnare@demo.meritportfolj.se", "/bristyrken"),  # a ten-column table
]


@contextmanager
def narrow_page(browser: Any, live_server: str, email: str, path: str) -> Iterator[Any]:
    """Yield ``path`` opened by ``email`` in a 320 px wide window, Swedish."""
    context = browser.new_context(
        base_url=live_server,
        bypass_csp=True,
        locale="sv-SE",
        viewport={"width": 320, "height": 800},
    )
    page = context.new_page()
    try:
        login_as(page, email)
        page.goto(path)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize(("email", "path"), PAGES)
def test_pages_reflow_at_320_pixels(browser: Any, live_server: str, email: str, path: str) -> None:
    with narrow_page(browser, live_server, email, path) as page:
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"{path} is {width[0]} px wide in a {width[1]} px window"
        region = page.locator(".table-scroll").first
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-labelledby")
        # The table really is wider than the window: its region scrolls, the page does not.
        assert page.evaluate(
            "(() => { const r = document.querySelector('.table-scroll');"
            " return r.scrollWidth > r.clientWidth; })()"
        ), f"the table on {path} fits at 320 px: this page no longer tests scrolling"
        assert_accessible(page)


def test_the_need_form_stacks_its_skill_rows_at_320_pixels(browser: Any, live_server: str) -> None:
    """The skill rows were a table scrolled sideways, its inputs a few letters wide."""
    employer = "arbetsgivare@demo.meritportfolj.se"
    with narrow_page(browser, live_server, employer, "/needs/new") as page:
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1]
        assert page.evaluate(
            "(() => { const r = document.querySelector('.table-scroll');"
            " return r.scrollWidth <= r.clientWidth; })()"
        ), "nothing in the skill rows is out of sight"
        skill = page.locator("#skill_1").bounding_box()
        level = page.locator("#level_1").bounding_box()
        assert skill is not None and level is not None
        assert skill["width"] >= 0.75 * width[1] and level["y"] > skill["y"] + skill["height"]
        captions = page.evaluate(
            "['#skill_1', '#level_1'].map(s => getComputedStyle("
            "document.querySelector(s).closest('td'), '::before').content)"
        )
        assert captions == ['"Kompetens 1"', '"Lägsta nivå"']  # the columns' names stay in sight
        page.fill("#skill_1", "TIG-svetsning")
        page.select_option("#level_1", "3")
        assert_accessible(page)
