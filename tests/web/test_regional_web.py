"""Regional pages in the browser's place: who sees what, chairs' own council, CSV, modules."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from tests import regional_world as rw
from tests.conftest import login, post_form

PAGES = (
    "/regional",
    "/regional/validation",
    "/regional/gaps.csv",
    "/api/v1/regional/overview",
    "/api/v1/regional/validation",
    "/api/v1/regional/gaps",
)


@pytest.mark.parametrize("role", ["learner", "employer", "assessor", "guide"])
def test_other_roles_get_403(client: Any, create_user: Any, role: str) -> None:
    login(client, create_user(role))
    for page in PAGES:
        assert client.get(page).status_code == 403, page


@pytest.fixture
def two_councils(db_session: Any, create_user: Any, create_org: Any) -> dict[str, Any]:
    from eportfolio.demo.cli import ensure_municipalities, load_seed_taxonomy

    load_seed_taxonomy(db_session)
    ensure_municipalities(db_session)
    mine = create_org("council", name="Rådet för industri")
    other = create_org("council", name="Rådet för vård")
    learner = create_user("learner")
    ids = rw._concepts(db_session)
    rw.add_cases(db_session, mine.id, learner.id, ids[rw.WELDER])
    rw.add_cases(db_session, other.id, learner.id, ids["seed:occ:underskoterska"])
    return {"chair": create_user("chair", organisation=mine), "mine": mine, "other": other}


def test_a_chair_sees_only_their_own_council(client: Any, two_councils: dict[str, Any]) -> None:
    login(client, two_councils["chair"])
    assert client.get("/regional").status_code == 403
    html = client.get("/regional/validation?year=2026").get_data(as_text=True)
    assert "Rådet för industri" in html and "Rådet för vård" not in html
    assert "Undersköterska" not in html  # the other council's occupations stay hidden too
    api = client.get("/api/v1/regional/validation?year=2026").get_json()
    assert [c["label"] for c in api["councils"]] == ["Rådet för industri"]
    assert {o["label"] for o in api["occupations"]} == {"Svetsare"}
    body = client.get("/regional/validation/councils.csv?year=2026").get_data(as_text=True)
    assert "Rådet för industri" in body and "Rådet för vård" not in body
    header = body.splitlines()[0]
    assert "in_assessment" not in header and "submitted" not in header  # states by name
    # Medians with a decimal comma when there are decimals, none when whole.
    assert not re.search(r">\d+\.\d<", html)
    client.get("/lang/en")
    english = client.get("/regional/validation?year=2026").get_data(as_text=True)
    assert "Welder" in english and ">Svetsare<" not in english


def test_a_coordinator_sees_every_council(
    client: Any, create_user: Any, two_councils: dict[str, Any]
) -> None:
    login(client, create_user("coordinator"))
    html = client.get("/regional/validation?year=2026").get_data(as_text=True)
    assert "Rådet för industri" in html and "Rådet för vård" in html
    assert client.get("/regional/validation?year=1999").status_code == 404


def test_a_withdrawn_case_reads_alike_on_the_page_and_in_the_csv(
    client: Any, create_user: Any, two_councils: dict[str, Any]
) -> None:
    """Withdrawn by the learner, not "Återkallat": that word is a revoked kompetensintyg."""
    login(client, create_user("coordinator"))
    html = client.get("/regional/validation?year=2026").text
    header = client.get("/regional/validation/councils.csv?year=2026").text.splitlines()[0]
    assert ">Tillbakadraget av deltagaren</th>" in html and "Återkallat" not in html
    assert "Tillbakadraget av deltagaren" in header
    client.get("/lang/en")
    english = client.get("/regional/validation?year=2026").text
    assert ">Withdrawn by the learner</th>" in english


def _headings(html: str, table: str) -> list[str]:
    head = html[html.index(f'id="table-{table}"') :]
    return re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', head[: head.index("</thead>")])


def _csv_header(client: Any, url: str) -> list[str]:
    return client.get(url).text.lstrip("\ufeff").splitlines()[0].split(";")


@pytest.mark.parametrize(("lang", "submitted"), [("sv", "Inskickat"), ("en", "Submitted")])
def test_the_validation_page_and_its_csv_name_each_column_alike(
    client: Any, create_user: Any, two_councils: dict[str, Any], lang: str, submitted: str
) -> None:
    """The page said "Inlämnade, väntar" where its file said "Inskickat" for the same state."""
    login(client, create_user("coordinator"))
    client.get(f"/lang/{lang}")
    html = client.get("/regional/validation?year=2026").text
    for table in ("councils", "occupations"):
        header = _csv_header(client, f"/regional/validation/{table}.csv?year=2026")
        assert _headings(html, table) == header
    assert submitted in header
    # The states read as everywhere else in validation (the queue's filter, for one).
    from eportfolio.validation.states import State
    from eportfolio.validation.views import case_state

    with client.application.test_request_context(headers={"Cookie": f"lang={lang}"}):
        names = [case_state(s, for_learner=False) for s in State if s != State.DRAFT]
    assert set(names) <= set(header)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_overview_csv_files_use_the_page_s_words(
    client: Any, db_session: Any, create_user: Any, lang: str
) -> None:
    rw.build(db_session, create_user)
    login(client, create_user("coordinator"))
    client.get(f"/lang/{lang}")
    html = client.get("/regional?kommun=1273&group=7212").text
    supply = _csv_header(client, "/regional/supply.csv?kommun=1273&group=7212")
    assert supply[1:] == _headings(html, "supply")  # the file adds the bare SSYK code
    gaps = _csv_header(client, "/regional/gaps.csv?kommun=1273&group=7212")
    assert [gaps[1], *gaps[3:]] == _headings(html, "gaps")  # and the concept's id
    row = client.get("/regional/supply.csv?group=7212").text.splitlines()[1].split(";")
    assert row[2] == {"sv": "brist", "en": "shortage"}[lang]


def test_a_year_that_is_not_one_or_has_no_figures_is_named(
    client: Any, create_user: Any, two_councils: dict[str, Any]
) -> None:
    """Not "the page could not be found": what is wrong with the year, and which years exist."""
    login(client, create_user("coordinator"))
    word = client.get("/regional/validation?year=förra")
    assert word.status_code == 400
    assert "”förra” är inte ett år. Välj ett av de år som har siffror: 2026." in word.text
    digits = client.get("/regional/validation/councils.csv?year=٢٠٢٦")  # not ASCII digits
    assert digits.status_code == 400 and "”٢٠٢٦” är inte ett år" in digits.text
    early = client.get("/regional/validation?year=1999")
    assert early.status_code == 404
    assert "Inga valideringsärenden lämnades in 1999." in early.text and "2026" in early.text
    api = client.get("/api/v1/regional/validation?year=1999")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert api.get_json()["detail"].startswith("Inga valideringsärenden lämnades in 1999.")
    assert api.get_json()["errors"] == {"year": [api.get_json()["detail"]]}
    assert client.get("/api/v1/regional/validation?year=٢٠٢٦").status_code == 422
    client.get("/lang/en")
    english = client.get("/regional/validation?year=3000").text
    assert "No validation cases were submitted in 3000." in english


def test_the_api_names_an_unknown_kommun_or_group(client: Any, create_user: Any) -> None:
    """A mistyped kommunkod is not "check the address": the answer says which code is unknown."""
    login(client, create_user("coordinator"))
    kommun = client.get("/api/v1/regional/overview?kommun=9999")
    assert kommun.status_code == 404 and kommun.mimetype == "application/problem+json"
    detail = kommun.get_json()["detail"]
    assert "Ingen kommun i Skåne Nordost har koden 9999." in detail and "1290" in detail
    assert kommun.get_json()["errors"] == {"kommun": [detail]}
    group = client.get("/api/v1/regional/gaps?group=0000")
    assert group.status_code == 404
    assert group.get_json()["detail"] == "Översikten har ingen yrkesgrupp 0000."


def test_overview_filters_and_csv_agree_with_the_table(
    client: Any, db_session: Any, create_user: Any
) -> None:
    rw.build(db_session, create_user)
    login(client, create_user("coordinator"))
    html = client.get("/regional?kommun=1273&group=7212").get_data(as_text=True)
    assert 'role="img"' in html and "<desc" in html
    table = html[html.index('id="table-gaps"') :]
    table = table[: table.index("</table>")]
    skills = re.findall(r'class="gap-skill">([^<]+)<', table)
    counts = re.findall(r'class="num gap-count">([^<]+)<', table)
    body = client.get("/regional/gaps.csv?kommun=1273&group=7212").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert [r["Kompetens"] for r in rows] == skills
    assert [r["Personer som når över tröskeln"] for r in rows] == counts
    assert "TIG-svetsning" in skills
    api = client.get("/api/v1/regional/gaps?kommun=1273&group=7212").get_json()
    assert [r["skill_label"] for r in api["rows"]] == skills
    assert client.get("/api/v1/regional/gaps?kommun=9999").status_code == 404


def test_an_unknown_kommun_or_group_on_the_page_is_named_not_silently_replaced(
    client: Any, db_session: Any, create_user: Any
) -> None:
    """A stale bookmark opens the whole region, saying why; its CSV link is refused."""
    rw.build(db_session, create_user)
    login(client, create_user("coordinator"))
    page = client.get("/regional?kommun=9999&group=7212")
    assert page.status_code == 200
    assert "Ingen kommun i Skåne Nordost har koden 9999." in page.text
    assert "Visar hela Skåne Nordost och alla yrkesgrupper i stället." in page.text
    assert "Översikten har ingen yrkesgrupp 0000." in client.get("/regional?group=0000").text
    assert "har koden" not in client.get("/regional?kommun=1273&group=7212").text
    refused = client.get("/regional/gaps.csv?kommun=9999")
    assert refused.status_code == 404 and "Ingen kommun i Skåne Nordost" in refused.text


def test_a_small_count_shows_as_less_than_five(
    client: Any, db_session: Any, create_user: Any
) -> None:
    rw.build(db_session, create_user)
    login(client, create_user("coordinator"))
    body = client.get("/regional/supply.csv?kommun=1293&group=7212").get_data(as_text=True)
    row = next(iter(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")))
    assert row["Når tröskeln"] == "<5"
    api = client.get("/api/v1/regional/overview?kommun=1293&group=7212").get_json()
    assert api["rows"][0]["qualified"] is None


def test_the_kommun_comparison_downloads_one_group_or_every_group(
    client: Any, db_session: Any, create_user: Any
) -> None:
    rw.build(db_session, create_user)
    login(client, create_user("coordinator"))

    def rows(url: str) -> list[dict[str, str]]:
        body = client.get(url).get_data(as_text=True)
        return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))

    one = rows("/regional/kommuner.csv?group=7212")
    assert len(one) == 8 and {r["SSYK"] for r in one} == {"7212"}  # seven kommuner, region
    assert one[-1]["Område"] == "Skåne Nordost"
    # Without a group the file held only its header row; now every group, kommun by kommun.
    every = rows("/regional/kommuner.csv")
    groups = {r["SSYK"] for r in every}
    assert "7212" in groups and len(groups) > 1 and len(every) == 8 * len(groups)


def test_a_coordinator_adds_changes_and_deletes_a_module(
    client: Any, db_session: Any, create_user: Any, create_org: Any
) -> None:
    from eportfolio.demo.cli import load_seed_taxonomy
    from eportfolio.regional.models import TrainingModule

    load_seed_taxonomy(db_session)
    centre = create_org("learning_centre", name="Lärcentrum Osby")
    login(client, create_user("coordinator"))
    bad = post_form(
        client,
        "/training/new",
        {
            "name": "Svets",
            "organisation_id": str(centre.id),
            "skills": "TIG-svetsning\nfinns-inte-alls-xyz",
        },
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "finns-inte-alls-xyz" in page and 'href="#skills"' in page
    ok = post_form(
        client,
        "/training/new",
        {
            "name": "Svets",
            "organisation_id": str(centre.id),
            "skills": "TIG-svetsning",
            "length": "12 veckor",
        },
    )
    assert ok.status_code == 302
    module = db_session.query(TrainingModule).filter_by(name="Svets").one()
    assert [s.concept.uri for s in module.skills] == [rw.TIG]
    listing = client.get("/training").get_data(as_text=True)
    assert "Svets" in listing and "Lärcentrum Osby" in listing
    api = client.get(f"/api/v1/training-modules/{module.id}").get_json()
    assert api["skills"][0]["uri"] == rw.TIG
    tig = api["skills"][0]["id"]
    assert [m["name"] for m in client.get(f"/api/v1/training-modules?skill={tig}").get_json()] == [
        "Svets"
    ]
    assert client.get(f"/api/v1/training-modules?skill={tig + 100000}").get_json() == []
    # An edit that keeps the skill (here only the length changes) saves; it once was a 500.
    changed = post_form(
        client,
        f"/training/{module.id}/edit",
        {
            "name": "Svets",
            "organisation_id": str(centre.id),
            "skills": "TIG-svetsning",
            "length": "14 veckor",
        },
    )
    assert changed.status_code == 302
    db_session.refresh(module)
    assert module.length == "14 veckor" and [s.concept.uri for s in module.skills] == [rw.TIG]
    gone = post_form(client, f"/training/{module.id}/delete", {}, token_from="/training/new")
    assert gone.status_code == 302
    assert client.get(f"/api/v1/training-modules/{module.id}").status_code == 404


def test_the_api_creates_a_module(
    client: Any, db_session: Any, create_user: Any, create_org: Any
) -> None:
    from eportfolio.demo.cli import load_seed_taxonomy
    from tests.conftest import csrf_token

    load_seed_taxonomy(db_session)
    centre = create_org("learning_centre", name="Lärcentrum Hässleholm")
    login(client, create_user("coordinator"))
    token = csrf_token(client, "/account")
    made = client.post(
        "/api/v1/training-modules",
        headers={"X-CSRFToken": token},
        json={"name": "Truckkort", "organisation_id": centre.id, "skills": ["Köra truck"]},
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["centre"] == "Lärcentrum Hässleholm"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/regional/gaps" in spec["paths"] and "/api/v1/training-modules" in spec["paths"]
    broken = client.post(
        "/api/v1/training-modules",
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        data='{"name": "Truckkort",',
    )
    assert broken.status_code == 400 and broken.mimetype == "application/problem+json"
    assert "inte giltig JSON" in broken.get_json()["detail"]
    # A misspelt member is named, not dropped with the rest saved.
    misspelt = client.post(
        "/api/v1/training-modules",
        headers={"X-CSRFToken": token},
        json={"name": "Svets", "organisation_id": centre.id, "skils": ["TIG-svetsning"]},
    )
    assert misspelt.status_code == 422 and "skils" in misspelt.get_json()["errors"]
    names = [m["name"] for m in client.get("/api/v1/training-modules").get_json()]
    assert "Svets" not in names


def test_a_module_name_of_only_spaces_is_refused_in_the_form_and_the_api(
    client: Any, db_session: Any, create_user: Any, create_org: Any
) -> None:
    from eportfolio.demo.cli import load_seed_taxonomy
    from tests.conftest import csrf_token

    load_seed_taxonomy(db_session)
    centre = create_org("learning_centre", name="Lärcentrum Perstorp")
    login(client, create_user("coordinator"))
    form = {"name": "   ", "organisation_id": str(centre.id), "skills": "TIG-svetsning"}
    page = post_form(client, "/training/new", form)
    assert page.status_code == 422 and 'href="#name"' in page.text
    token = csrf_token(client, "/account")
    api = client.post(
        "/api/v1/training-modules",
        headers={"X-CSRFToken": token},
        json={"name": " \t ", "organisation_id": centre.id, "skills": ["TIG-svetsning"]},
    )
    assert api.status_code == 422 and "name" in api.get_json()["errors"]
    assert client.get("/api/v1/training-modules").get_json() == []
    # Spaces around a real name are trimmed, not kept.
    made = client.post(
        "/api/v1/training-modules",
        headers={"X-CSRFToken": token},
        json={"name": "  Svets grund  ", "organisation_id": centre.id},
    )
    assert made.status_code == 201 and made.get_json()["name"] == "Svets grund"


def test_csv_numbers_are_written_for_swedish_spreadsheets() -> None:
    """The files are semicolon-separated for Excel with Swedish settings: decimal commas."""
    from eportfolio.regional.report import to_csv

    body = to_csv([("a", "A"), ("b", "B"), ("c", "C")], [{"a": 98.5, "b": 103.0, "c": 7}])
    assert body.splitlines()[1] == "98,5;103;7"


def test_the_english_overview_marks_names_that_exist_only_in_swedish(
    client: Any, db_session: Any, create_user: Any
) -> None:
    """WCAG 2.1 SC 3.1.2: table cells name a Swedish-only skill or group as Swedish."""
    from sqlalchemy import select

    from eportfolio.taxonomy_store.models import Concept

    rw.build(db_session, create_user)
    for uri in ("seed:skill:tig-svetsning", "seed:ssyk:7212"):
        concept = db_session.scalar(select(Concept).where(Concept.uri == uri))
        concept.labels = [label for label in concept.labels if label.lang != "en"]
    db_session.flush()
    login(client, create_user("coordinator"))
    client.get("/lang/en")
    html = client.get("/regional?kommun=1273&group=7212").text
    gaps = html[html.index('id="table-gaps"') :].split("</table>")[0]
    assert 'class="gap-skill"><span lang="sv">TIG-svetsning</span></th>' in gaps
    assert '<td>7212 <span lang="sv">Svetsare och gasskärare</span></td>' in gaps
    assert re.search(r'class="gap-skill">[A-Z][a-z ]+</th>', gaps), "English names stay"
    supply = html[html.index('id="table-supply"') :].split("</table>")[0]
    assert '>7212 <span lang="sv">Svetsare och gasskärare</span></a></th>' in supply
    # Files and the API carry the names as plain text.
    api = client.get("/api/v1/regional/gaps?kommun=1273&group=7212").get_json()
    assert "TIG-svetsning" in {r["skill_label"] for r in api["rows"]}
    assert "7212 Svetsare och gasskärare" in client.get("/regional/supply.csv").text
