"""Every form each role can reach, filled with generated values: never a 5xx.

The test walks the pages a role can open from the start page, reads each POST form's fields
(with the options its selects and radios offer), and sends mixes of offered values and odd
text. It finds forms by themselves, so a new form is covered the day it is added.
"""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from functools import partial
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urldefrag, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Organisation, OrgKind
from eportfolio.portfolios.models import Portfolio, SkillClaim
from tests.conftest import login, post_form

ROLES = ["larande", "vagledare", "arbetsgivare", "bedomare", "ordforande", "samordnare", "admin"]
# Signing in and registering have their own fuzz tests (and rate limits a re-login would hit).
SKIP = (
    "/logout", "/login", "/register", "/password/", "/static/", "/api/", "/export", "/file",
    "/delete-account", "/credentials/",
)  # fmt: skip
PAGES = 250  # per role; at most two pages of one shape (/needs/1, /needs/2) are opened
TEXT = st.text(max_size=60) | st.sampled_from(
    ["", "0", "-1", "2", "99999999999999999999", "²", "2026-02-30", "1273", "ja", "<b>x</b>"]
)
EXAMPLES = settings(
    max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


class _Page(HTMLParser):
    """Collect a page's same-site links and its POST forms with their fields' values."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self.query_names: set[str] = set()  # fields of GET forms: filters, searches
        self._form: dict[str, Any] | None = None
        self._get_form = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(urldefrag(a["href"])[0])
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}, "files": set()}
        elif tag == "form":
            self._get_form = True
        elif self._get_form and tag in ("input", "select") and a.get("name"):
            self.query_names.add(a["name"])
        elif self._form is not None and tag in ("input", "textarea", "select", "button"):
            name = a.get("name")
            if not name or name == "csrf_token":
                return
            if a.get("type") == "file":
                self._form["files"].add(name)
                return
            self._form["fields"].setdefault(name, set()).add(a.get("value", ""))
            if tag == "select":
                self._select = name
        elif tag == "option" and self._form is not None and self._select:
            self._form["fields"][self._select].add(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "form":
            self._get_form = False


def _walk(client: FlaskClient) -> tuple[dict[str, dict[str, Any]], dict[str, set[str]], list[str]]:
    """Return the POST forms reachable from every page without parameters (by action), the
    pages seen with the query names their GET forms and links use, and any 5xx page."""
    starts = sorted(
        rule.rule
        for rule in client.application.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and not rule.rule.startswith(SKIP)
    )
    seen, queue, forms, broken = set(starts), deque(starts), {}, []
    pages: dict[str, set[str]] = {}
    shapes: Counter[str] = Counter()
    while queue and len(seen) <= PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code >= 500:
            broken.append(f"GET {path} -> {response.status_code}")
        if response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        names = page.query_names | {
            k for link in page.links for k in parse_qs(urlsplit(link).query)
        }
        pages.setdefault(urlsplit(path).path, set()).update(names)
        for form in page.forms:
            action = form["action"] or path
            if not action.startswith(SKIP) and not any(s in action for s in SKIP):
                forms.setdefault(urlsplit(action).path, {**form, "page": path})
        for link in page.links:
            shape = re.sub(r"\d+", "N", urlsplit(link).path)
            if link not in seen and not any(s in link for s in SKIP) and shapes[shape] < 2:
                shapes[shape] += 1
                seen.add(link)
                queue.append(link)
    return forms, pages, broken


def _token(client: FlaskClient, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    start = html.find(marker) + len(marker)
    return html[start : html.find('"', start)]


def _fuzz(
    client: FlaskClient, again: Any, action: str, form: dict[str, Any], failures: list[str]
) -> None:
    """Post generated values to one form; note every 5xx."""
    values = {
        name: st.sampled_from(sorted(offered)) | TEXT for name, offered in form["fields"].items()
    }

    @EXAMPLES
    @given(data=st.fixed_dictionaries(values))
    def send(data: dict[str, str]) -> None:
        if client.get("/account").status_code != 200:
            again()  # a generated answer may have ended the session
        body: dict[str, Any] = {**data, "csrf_token": _token(client, form["page"])}
        for name in form["files"]:
            body[name] = (io.BytesIO(b"%PDF-1.4 fuzz"), "intyg.pdf")
        response = client.post(action, data=body)
        if response.status_code >= 500:
            failures.append(f"POST {action} {data!r}"[:400])

    send()


def _something_to_work_on(app: Flask, session: Session, demo: dict[str, Any]) -> None:
    """Give each role pages with forms: a need with candidates, a case in assessment."""
    from tests.web.test_employer_matching import _need

    employer = app.test_client()
    login(employer, demo["arbetsgivare"])
    _need(employer)
    learner = app.test_client()
    login(learner, demo["larande"])
    council = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.COUNCIL))
    claims = session.scalars(
        select(SkillClaim.id).join(Portfolio).where(Portfolio.user_id == demo["larande"].id)
    ).all()
    made = post_form(
        learner, "/validation/new", {"council_id": council, "claim_ids": [str(c) for c in claims]}
    )
    assert made.status_code == 302, made.get_data(as_text=True)[:300]
    case = made.headers["Location"]
    submitted = post_form(learner, f"{case}/actions/submit", {"reason": ""}, token_from=case)
    assert submitted.status_code == 302
    assessor = app.test_client()
    login(assessor, demo["bedomare"])
    taken = post_form(assessor, "/validation/queue/take-next", {}, token_from="/validation/queue")
    assert taken.headers["Location"].endswith(case)


def test_every_reachable_form_takes_generated_values_without_a_5xx(
    app: Flask, db_session: Session, demo: dict[str, Any]
) -> None:
    _something_to_work_on(app, db_session, demo)
    failures: list[str] = []
    posted = 0
    for role in ROLES:
        client = app.test_client()
        login(client, demo[role])
        forms, _pages, broken = _walk(client)
        failures += [f"{role}: {b}" for b in broken]
        for action, form in forms.items():
            found: list[str] = []
            _fuzz(client, partial(login, client, demo[role]), action, form, found)
            failures += [f"{role}: {f}" for f in found]
            posted += 1
    assert posted > 40  # the walk really reached the forms
    assert not failures, "\n".join(failures)


QUERY = ["learner", "page", "guided", "next", "q", "lang"]  # read on many pages


def _look(client: FlaskClient, path: str, names: set[str], failures: list[str]) -> None:
    """GET one page with generated query values; note every 5xx."""

    @EXAMPLES
    @given(query=st.dictionaries(st.sampled_from(sorted(names | set(QUERY))), TEXT))
    def look(query: dict[str, str]) -> None:
        response = client.get(path, query_string=query)
        if response.status_code >= 500:
            failures.append(f"GET {path} {query!r}"[:300])

    look()


def test_every_page_takes_generated_query_values_without_a_5xx(
    app: Flask, db_session: Session, demo: dict[str, Any]
) -> None:
    _something_to_work_on(app, db_session, demo)
    failures: list[str] = []
    for role in ("larande", "arbetsgivare", "bedomare", "samordnare"):
        client = app.test_client()
        login(client, demo[role])
        _forms, pages, _broken = _walk(client)
        found: list[str] = []
        for path, names in pages.items():
            _look(client, path, names, found)
        failures += [f"{role}: {f}" for f in found]
    assert not failures, "\n".join(failures)
