"""Taxonomy search, concept pages, text extraction and bristyrken, in pages and the API."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.taxonomy_store.models import Concept, ShortageAssessment
from tests.conftest import csrf_token, login, post_form


@pytest.fixture
def seeded(app: Any, db_session: Session) -> None:
    from eportfolio.demo.cli import load_seed_taxonomy

    with app.app_context():
        load_seed_taxonomy(db_session)
    db_session.flush()


def _id(session: Session, uri: str) -> int:
    found = session.scalar(select(Concept.id).where(Concept.uri == uri))
    assert found is not None
    return found


def test_search_page_finds_skills_despite_typos_without_javascript(
    client: FlaskClient, create_user: Any, seeded: None
) -> None:
    login(client, create_user())
    html = client.get("/taxonomy?q=mig+svetsnig&kind=skill").get_data(as_text=True)
    first = re.search(
        r'<ol class="result-list">\s*<li>\s*<a href="/taxonomy/concepts/\d+">([^<]+)', html
    )
    assert first and first.group(1) == "MIG/MAG-svetsning"


def test_concept_page_shows_labels_and_relations(
    client: FlaskClient, create_user: Any, db_session: Session, seeded: None
) -> None:
    login(client, create_user())
    html = client.get(f"/taxonomy/concepts/{_id(db_session, 'seed:occ:svetsare')}").get_data(
        as_text=True
    )
    assert "<h1>Svetsare</h1>" in html and "MIG/MAG-svetsning" in html
    assert client.get("/taxonomy/concepts/999999").status_code == 404
    # Other names leave out the heading's own and say each name once; no raw ids for the seed.
    also = (
        html.split("<h2>Kallas också</h2>")[1].split("</ul>")[0] if "Kallas också" in html else ""
    )
    assert ">Svetsare<" not in also and "seed:occ:svetsare" not in html and "SEED" not in html
    names = re.findall(r"<li lang=\"\w+\">([^<]+)</li>", also)
    assert len({n.lower() for n in names}) == len(names)


def test_extract_marks_skills_in_a_job_ad(
    client: FlaskClient, create_user: Any, seeded: None
) -> None:
    login(client, create_user("employer"))
    ad = "Vi söker en svetsare med erfarenhet av MIG-svetsning. Truckkort och B-körkort krävs."
    html = post_form(client, "/taxonomy/extract", {"text": ad}, token_from="/taxonomy").get_data(
        as_text=True
    )
    assert {"MIG-svetsning", "Truckkort", "B-körkort"} <= set(
        re.findall(r"<mark>([^<]+)</mark>", html)
    )


def test_extract_with_an_empty_text_says_what_to_do(client: FlaskClient, create_user: Any) -> None:
    login(client, create_user())
    response = post_form(client, "/taxonomy/extract", {"text": ""}, token_from="/taxonomy")
    assert response.status_code == 422 and "Det finns ett problem" in response.get_data(
        as_text=True
    )


def test_api_autocomplete_normalise_and_extract(
    client: FlaskClient, create_user: Any, seeded: None
) -> None:
    login(client, create_user())
    suggestions = client.get("/api/v1/taxonomy/concepts?q=undersk&kind=occupation&limit=3").json
    assert suggestions and suggestions[0]["label"].startswith("Undersköterska")
    assert all(0 <= s["score"] <= 1 for s in suggestions)
    headers = {"X-CSRFToken": csrf_token(client, "/account")}
    normalised = client.post(
        "/api/v1/taxonomy/normalise", json={"text": "korkort B", "lang": "sv"}, headers=headers
    ).json
    assert normalised[0]["uri"] == "seed:skill:b-korkort"
    text = "Erfarenhet av TIG-svetsning"
    found = client.post("/api/v1/taxonomy/extract", json={"text": text}, headers=headers).json
    assert any(
        f["uri"] == "seed:skill:tig-svetsning" and text[f["start"] : f["end"]] == f["text"]
        for f in found
    )
    detail = client.get(f"/api/v1/taxonomy/concepts/{suggestions[0]['id']}").json
    assert detail["relations"]["essential_skills"]


def test_api_refuses_bad_queries_with_problem_json(client: FlaskClient, create_user: Any) -> None:
    login(client, create_user())
    bad_kind = client.get("/api/v1/taxonomy/concepts?q=x&kind=planet")
    assert bad_kind.status_code == 422 and "kind" in bad_kind.json["errors"]
    assert client.get("/api/v1/taxonomy/concepts?limit=1000").status_code == 422
    headers = {"X-CSRFToken": csrf_token(client, "/account")}
    empty = client.post("/api/v1/taxonomy/normalise", json={"text": ""}, headers=headers)
    assert empty.status_code == 422 and empty.mimetype == "application/problem+json"
    huge = client.post("/api/v1/taxonomy/extract", json={"text": "x" * 20_001}, headers=headers)
    assert huge.status_code == 422


def test_bristyrken_list_filters_by_kommun(
    client: FlaskClient, create_user: Any, seeded: None
) -> None:
    login(client, create_user("employer"))
    rows = client.get("/api/v1/bristyrken?area=1290").json
    assert rows and {r["area_code"] for r in rows} == {"1290"}
    html = client.get("/bristyrken?area=12&recruitment=brist").get_data(as_text=True)
    assert "Undersköterska" in html and "Lägg till en bedömning" not in html
    # Areas by name and Yrkesbarometer's words through the catalogue, not stored codes.
    local = client.get("/bristyrken?area=1290").get_data(as_text=True)
    assert "<td>Kristianstad</td>" in local and "kommun 1290" not in local
    client.get("/lang/en")
    english = client.get("/bristyrken?area=1290").get_data(as_text=True)
    assert "<td>shortage</td>" in english and "<td>brist</td>" not in english
    assert "Assistant nurse" in english or "Nursing assistant" in english, "names in English"
    # The filter's options are constants in the template: they must not be fixed at compile
    # time in the language of the first visitor.
    assert '<option value="brist">shortage</option>' in english
    client.get("/lang/sv")
    swedish = client.get("/bristyrken?area=1290").get_data(as_text=True)
    assert '<option value="brist">brist</option>' in swedish


def test_coordinator_adds_edits_and_removes_an_assessment(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    login(client, create_user("coordinator"))
    bad = post_form(
        client,
        "/bristyrken/new",
        {"ssyk4": "72", "area_kind": "kommun", "area_code": "9999", "period": "förra året"},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for field in ("#ssyk4", "#area", "#period", "#recruitment"):
        assert f'href="{field}"' in html
    assert db_session.scalar(select(ShortageAssessment)) is None

    good = post_form(
        client,
        "/bristyrken/new",
        {
            "ssyk4": "7212",
            "occupation_label": "Svetsare",
            "area_kind": "kommun",
            "area_code": "1273",
            "period": "2026-1",
            "recruitment": "brist",
        },
    )
    assert good.status_code == 302
    row = db_session.scalar(select(ShortageAssessment))
    assert row is not None and row.source == "manual" and row.occupation_ref == "ssyk4:7212"
    post_form(
        client,
        f"/bristyrken/{row.id}/edit",
        {
            "ssyk4": "7212",
            "occupation_label": "Svetsare",
            "area_kind": "kommun",
            "area_code": "1273",
            "period": "2026-1",
            "recruitment": "balans",
        },
    )
    db_session.refresh(row)
    assert row.recruitment == "balans"
    post_form(client, f"/bristyrken/{row.id}/delete", {}, token_from=f"/bristyrken/{row.id}/edit")
    assert db_session.scalar(select(ShortageAssessment)) is None


def _whole_ssyk(session: Session) -> None:
    """Make the taxonomy hold every SSYK 2012 unit group, as JobTech's does: codes are only
    checked then (the seed's 51 groups would refuse real ones)."""
    from eportfolio.taxonomy_store.bristyrken import SSYK_UNIT_GROUPS
    from eportfolio.taxonomy_store.models import Concept

    have = set(session.scalars(select(Concept.code).where(Concept.kind == "occupation-group")))
    missing = [f"{n:04d}" for n in range(1000, 9000) if f"{n:04d}" not in have]
    for code in missing[: max(SSYK_UNIT_GROUPS - len(have), 0) + 1]:
        if code == "9999":
            continue
        session.add(
            Concept(
                uri=f"test:ssyk:{code}",
                source="test",
                kind="occupation-group",
                code=code,
                fingerprint=code,
            )
        )
    session.flush()


def test_the_assessment_form_offers_areas_by_name(
    client: FlaskClient, create_user: Any, db_session: Session, seeded: None
) -> None:
    """Coordinators pick Osby from a list; nobody has to know kommunkod 1273."""
    login(client, create_user("coordinator"))
    page = client.get("/bristyrken/new").text
    assert '<option value="kommun:1273">Osby</option>' in page
    assert '<option value="lan:12" selected>Skåne län</option>' in page
    form = {"ssyk4": "7212", "period": "2032", "recruitment": "brist", "area": "kommun:1273"}
    assert post_form(client, "/bristyrken/new", form).status_code == 302
    row = db_session.scalar(select(ShortageAssessment).where(ShortageAssessment.period == "2032"))
    assert row is not None and (row.area_kind, row.area_code) == ("kommun", "1273")
    edit = client.get(f"/bristyrken/{row.id}/edit").text
    assert '<option value="kommun:1273" selected>Osby</option>' in edit


def test_assessments_name_real_groups_and_periods_and_come_once(
    client: FlaskClient, create_user: Any, db_session: Session, seeded: None
) -> None:
    login(client, create_user("coordinator"))
    form = {"area_kind": "lan", "area_code": "12", "period": "2026-1", "recruitment": "brist"}
    # With the seed's 51 groups only, a real code it lacks is still taken.
    assert post_form(client, "/bristyrken/new", form | {"ssyk4": "2611"}).status_code == 302
    _whole_ssyk(db_session)
    unknown = post_form(client, "/bristyrken/new", form | {"ssyk4": "9999"})
    assert unknown.status_code == 422 and "Det finns ingen SSYK 2012-grupp" in unknown.text
    ancient = post_form(client, "/bristyrken/new", form | {"ssyk4": "7212", "period": "1800"})
    assert ancient.status_code == 422 and 'href="#period"' in ancient.text
    first = post_form(client, "/bristyrken/new", form | {"ssyk4": "7212", "period": "2031-1"})
    assert first.status_code == 302
    again = post_form(client, "/bristyrken/new", form | {"ssyk4": "7212", "period": "2031-1"})
    assert again.status_code == 422 and "Ändra den i stället" in again.text
    count = (
        select(func.count())
        .select_from(ShortageAssessment)
        .where(ShortageAssessment.ssyk4 == "7212", ShortageAssessment.period == "2031-1")
    )
    assert db_session.scalar(count) == 1


def test_csv_upload_is_checked_whole_before_anything_is_saved(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    login(client, create_user("coordinator"))
    header = (
        "ssyk4,occupation_label,area_kind,area_code,period,job_opportunities,outlook_5y,"
        "recruitment\n"
    )
    good_row = "5321,Undersköterskor,kommun,1293,2026-1,stora,öka,brist\n"
    broken = header + good_row + "5321,Undersköterskor,kommun,1293,2026-1,enorma,öka,brist\n"
    token = csrf_token(client, "/bristyrken/import")
    response = client.post(
        "/bristyrken/import",
        data={"csrf_token": token, "file": (io.BytesIO(broken.encode()), "lista.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "rad 3" in html
    # The parser's problem in Swedish, with the value it names.
    assert "job_opportunities: ”enorma” är inte något av" in html and "is not one of" not in html
    assert db_session.scalar(select(ShortageAssessment)) is None
    latin1 = client.post(
        "/bristyrken/import",
        data={
            "csrf_token": token,
            "file": (io.BytesIO((header + good_row).encode("latin-1")), "l.csv"),
        },
        content_type="multipart/form-data",
    )
    assert latin1.status_code == 422 and "Spara den som ”CSV UTF-8”" in latin1.text
    ok = client.post(
        "/bristyrken/import",
        data={"csrf_token": token, "file": (io.BytesIO((header + good_row).encode()), "l.csv")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    assert db_session.scalar(select(ShortageAssessment.area_code)) == "1293"


def test_an_upload_naming_an_unknown_ssyk_group_saves_nothing(
    client: FlaskClient, create_user: Any, db_session: Session, seeded: None
) -> None:
    """The file is held to the form's rule: a code must name a real SSYK 2012 group."""
    login(client, create_user("coordinator"))
    _whole_ssyk(db_session)
    before = db_session.scalar(select(func.count()).select_from(ShortageAssessment))
    rows = (
        "ssyk4,occupation_label,area_kind,area_code,period,job_opportunities,outlook_5y,"
        "recruitment\n7212,Svetsare,kommun,1290,2033,,,brist\n9999,Fake,kommun,1290,2033,,,brist\n"
    )
    token = csrf_token(client, "/bristyrken/import")
    response = client.post(
        "/bristyrken/import",
        data={"csrf_token": token, "file": (io.BytesIO(rows.encode()), "lista.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "9999" in response.text
    assert db_session.scalar(select(func.count()).select_from(ShortageAssessment)) == before


def test_only_coordinators_edit_bristyrken(client: FlaskClient, create_user: Any) -> None:
    login(client, create_user("employer"))
    assert client.get("/bristyrken/new").status_code == 403
    assert client.get("/bristyrken/import").status_code == 403


def test_an_upload_updates_the_groups_assessment_and_leaves_it_editable(
    client: FlaskClient, create_user: Any, db_session: Session, seeded: None
) -> None:
    """A list naming only SSYK 7212 changes the seed's Svetsare in Östra Göinge, adds no twin."""
    login(client, create_user("coordinator"))
    header = (
        "ssyk4,occupation_label,area_kind,area_code,period,job_opportunities,outlook_5y,"
        "recruitment\n"
    )
    token = csrf_token(client, "/bristyrken/import")
    for recruitment, said in (("brist", "Uppdaterade: 0"), ("balans", "Uppdaterade: 1")):
        row = f"7212,Svetsare,kommun,1256,2025-1,stora,vara oförändrad,{recruitment}\n"
        response = client.post(
            "/bristyrken/import",
            data={"csrf_token": token, "file": (io.BytesIO((header + row).encode()), "l.csv")},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        assert f"Tillagda bedömningar: 0. {said}." in response.text
    page = client.get("/bristyrken?area=1256&period=2025-1").text
    assert page.count("<td>7212</td>") == 1, "one Svetsare row"
    found = db_session.scalars(
        select(ShortageAssessment).where(
            ShortageAssessment.ssyk4 == "7212", ShortageAssessment.area_code == "1256"
        )
    ).all()
    assert [(r.occupation_ref, r.recruitment) for r in found] == [("seed:occ:svetsare", "balans")]
    form = {"ssyk4": "7212", "area": "kommun:1256", "period": "2025-1", "recruitment": "brist"}
    assert post_form(client, f"/bristyrken/{found[0].id}/edit", form).status_code == 302


def test_an_upload_naming_one_ssyk_group_twice_says_which_lines_and_saves_nothing(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    """Two occupations of SSYK 8332 for one area and period: the form could edit neither."""
    login(client, create_user("coordinator"))
    rows = (
        "ssyk4,occupation_label,area_kind,area_code,period,job_opportunities,outlook_5y,"
        "recruitment,occupation_ref\n"
        "8332,Lastbilsförare,lan,12,2031-1,stora,,brist,seed:occ:lastbilsforare\n"
        "7212,Svetsare,lan,12,2031-1,stora,,brist,\n"
        "8332,Fjärrbilsförare,lan,12,2031-1,medelstora,,balans,af:fjarrbilsforare\n"
    )
    token = csrf_token(client, "/bristyrken/import")
    response = client.post(
        "/bristyrken/import",
        data={"csrf_token": token, "file": (io.BytesIO(rows.encode()), "lista.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "rad 4: SSYK 8332 finns redan på rad 2 för samma område och period." in response.text
    assert db_session.scalar(select(func.count()).select_from(ShortageAssessment)) == 0


def _twin(session: Session, ref: str, label: str, jobs: str) -> ShortageAssessment:
    row = ShortageAssessment(
        ssyk4="8332",
        occupation_ref=ref,
        occupation_label=label,
        area_kind="lan",
        area_code="12",
        period="2025-1",
        job_opportunities=jobs,
        source="yrkesbarometer",
    )
    session.add(row)
    session.flush()
    return row


def test_twins_an_older_import_stored_are_shown_and_each_can_be_corrected(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    truck = _twin(db_session, "zGjD_M5a_HCX", "Lastbilsförare", "medelstora")
    long_haul = _twin(db_session, "MVsT_wqw_KkM", "Fjärrbilsförare", "stora")
    login(client, create_user("coordinator"))
    listing = client.get("/bristyrken?area=12").text
    assert "En SSYK-grupp har mer än en bedömning för samma område och period." in listing
    assert listing.count('<span class="tag">dubblett</span>') == 2
    page = client.get(f"/bristyrken/{truck.id}/edit").text
    assert "SSYK 8332 har en bedömning till för Skåne län under 2025-1." in page
    assert f'href="/bristyrken/{long_haul.id}/edit">Fjärrbilsförare</a>' in page
    # Saving either one is no longer refused for the other one being there.
    form = {"ssyk4": "8332", "area": "lan:12", "period": "2025-1", "job_opportunities": "stora"}
    saved = post_form(client, f"/bristyrken/{truck.id}/edit", form)
    assert saved.status_code == 302, saved.text
    db_session.refresh(truck)
    assert (truck.job_opportunities, truck.occupation_ref) == ("stora", "zGjD_M5a_HCX")
    # Moving one into a group that already has an assessment is still refused.
    _twin(db_session, "other", "Budbilsförare", "små").ssyk4 = "8331"
    db_session.flush()
    moved = post_form(client, f"/bristyrken/{truck.id}/edit", form | {"ssyk4": "8331"})
    assert moved.status_code == 422 and "Ändra den i stället" in moved.text
    # Removing one leaves the other editable and the list without the warning.
    post_form(client, f"/bristyrken/{long_haul.id}/delete", {}, token_from="/bristyrken/new")
    assert "dubblett" not in client.get("/bristyrken?area=12").text


def _swedish_only_skill(session: Session, text: str) -> Concept:
    """A skill as the JobTech taxonomy has most of them: named in Swedish only."""
    from eportfolio.taxonomy_store.models import ConceptLabel

    concept = Concept(
        uri="test:skill:swedish-only", source="jobtech", kind="skill", fingerprint="t"
    )
    concept.labels = [ConceptLabel(lang="sv", kind="preferred", text=text, folded=text.casefold())]
    session.add(concept)
    session.flush()
    return concept


def test_a_swedish_name_on_an_english_bristyrken_page_is_marked_as_swedish(
    client: FlaskClient, create_user: Any, db_session: Session, seeded: None
) -> None:
    """WCAG 2.1 SC 3.1.2: a screen reader reads a Swedish name with Swedish pronunciation."""
    db_session.add(
        ShortageAssessment(
            occupation_ref="yb:lokalvardare",
            occupation_label="Lokalvårdare, äldreboende",  # Yrkesbarometer's own, Swedish
            area_kind="lan",
            area_code="12",
            period="2025-1",
            recruitment="brist",
            source="yrkesbarometer",
        )
    )
    db_session.flush()
    login(client, create_user("employer"))
    client.get("/lang/en")
    english = client.get("/bristyrken").text
    assert '<td><span lang="sv">Lokalvårdare, äldreboende</span></td>' in english
    assert re.search(r"<td>Assistant nurse, [a-z ]+</td>", english), "English names stay as is"
    client.get("/lang/sv")
    swedish = client.get("/bristyrken").text
    assert "<td>Lokalvårdare, äldreboende</td>" in swedish and '<span lang="sv">' not in swedish


def test_a_swedish_only_concept_is_marked_in_text_and_plain_in_the_title(
    client: FlaskClient, create_user: Any, db_session: Session, seeded: None
) -> None:
    concept = _swedish_only_skill(db_session, "Truckkörning & lager")
    login(client, create_user())
    client.get("/lang/en")
    html = client.get(f"/taxonomy/concepts/{concept.id}").text
    assert '<h1><span lang="sv">Truckkörning &amp; lager</span></h1>' in html
    title = html.split("<title>")[1].split("</title>")[0]
    assert "Truckkörning &amp; lager" in title and "<span" not in title
    welder = client.get(f"/taxonomy/concepts/{_id(db_session, 'seed:occ:svetsare')}").text
    assert "<h1>Welder</h1>" in welder


def test_a_label_in_an_attribute_stays_plain_text(app: Any) -> None:
    """Labels sit in aria-label, value and title too, where markup would show as text."""
    from flask import render_template_string

    from eportfolio.taxonomy_store.language import Label

    label = Label('Truckkörning "A" & <lager>', "sv")
    page = '<a aria-label="{{ label }}" title="{{ label }}">{{ label|lang_part }}</a>'
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = render_template_string(page, label=label)
    plain = "Truckkörning &#34;A&#34; &amp; &lt;lager&gt;"
    assert html == f'<a aria-label="{plain}" title="{plain}"><span lang="sv">{plain}</span></a>'
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert render_template_string("{{ label|lang_part }}", label=label) == plain
