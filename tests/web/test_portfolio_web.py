"""A learner builds a portfolio through the forms; others cannot reach it."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.audit.models import AuditEvent
from eportfolio.portfolios.models import EvidenceStatus, Portfolio, SkillClaim
from eportfolio.taxonomy_store.models import Concept
from tests.conftest import csrf_token, login, post_form


@pytest.fixture
def seeded(app: Any, db_session: Session) -> None:
    from eportfolio.demo.cli import load_seed_taxonomy

    load_seed_taxonomy(db_session)
    db_session.flush()


@pytest.fixture
def learner(client: FlaskClient, create_user: Any, seeded: None) -> Any:
    user = create_user("learner")
    login(client, user)
    return user


def _portfolio(session: Session, user: Any) -> Portfolio:
    found = session.scalar(select(Portfolio).where(Portfolio.user_id == user.id))
    assert found is not None
    return found


def _grant(session: Session, learner: Any, guide: Any) -> None:
    """Let ``guide`` help ``learner``, as the learner does on the privacy page."""
    from eportfolio.privacy.models import GuideGrant

    organisation = guide.memberships[0].organisation_id
    session.add(GuideGrant(learner_id=learner.id, guide_id=guide.id, organisation_id=organisation))
    session.flush()


def test_guided_run_goes_step_by_step_and_can_be_resumed(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    assert client.get("/portfolio/guide").headers["Location"] == "/portfolio/profile?guided=1"
    page = client.get("/portfolio/profile?guided=1").get_data(as_text=True)
    assert "Steg 1 av 6" in page
    response = post_form(
        client,
        "/portfolio/profile?guided=1",
        {
            "headline": "Svetsare som söker jobb i Osby",
            "municipality_code": "1273",
            "work_municipalities": ["1273", "1293"],
            "driving_licences": ["B", "C"],
            "has_work_permit": "yes",
            "target_occupations": "svetsare",
            "guided": "1",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/portfolio/experience/new?guided=1"
    portfolio = _portfolio(db_session, learner)
    assert portfolio.guided_step == "experience" and portfolio.work_municipalities == [
        "1273",
        "1293",
    ]
    assert [t.concept.uri for t in portfolio.targets] == ["seed:occ:svetsare"]
    # Left and came back: the guide resumes at the step where the person stopped.
    assert (
        client.get("/portfolio/guide").headers["Location"] == "/portfolio/experience/new?guided=1"
    )


def test_profile_errors_keep_input_and_save_nothing(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    response = post_form(
        client,
        "/portfolio/profile",
        {
            "headline": "x" * 161,
            "municipality_code": "9999",
            "available_from": "imorgon",
            "driving_licences": ["B", "Z"],
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("headline", "available_from", "driving_licences"):
        assert f'href="#{field}"' in html
    assert _portfolio(db_session, learner).headline is None


def test_experience_with_month_precision_and_ongoing(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    bad = post_form(
        client,
        "/portfolio/experience/new",
        {"occupation_text": "Svetsare", "employer_name": "Osby Verkstad", "start": "2023-13"},
    )
    assert (
        bad.status_code == 422 and "ÅÅÅÅ-MM" in bad.get_data(as_text=True)
    ) or "YYYY-MM" in bad.get_data(as_text=True)
    ended_before = post_form(
        client,
        "/portfolio/experience/new",
        {
            "occupation_text": "Svetsare",
            "employer_name": "Osby Verkstad",
            "start": "2023-05",
            "end": "2022-01",
        },
    )
    assert ended_before.status_code == 422
    far = post_form(
        client,
        "/portfolio/experience/new",
        {"occupation_text": "Svetsare", "employer_name": "Osby Verkstad", "start": "2999-01"},
    )
    assert far.status_code == 422 and "Skriv ett år från 1900 till 2100" in far.text
    ok = post_form(
        client,
        "/portfolio/experience/new",
        {
            "occupation_text": "svetsare",
            "employer_name": "Osby Verkstad",
            "start": "2021-09",
            "ongoing": "on",
            "extent_percent": "100",
        },
    )
    assert ok.status_code == 302
    (experience,) = _portfolio(db_session, learner).experiences
    assert experience.start.isoformat() == "2021-09-01" and experience.end is None
    assert experience.occupation is not None and experience.occupation.uri == "seed:occ:svetsare"


def test_skill_typed_freely_is_resolved_and_keeps_the_typed_text(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    response = post_form(
        client,
        "/portfolio/skills/new",
        {"text": "tig svetsning", "level": "3", "learned_in": "informal"},
    )
    assert response.status_code == 302
    (claim,) = _portfolio(db_session, learner).claims
    assert (
        claim.concept.uri == "seed:skill:tig-svetsning" and claim.text_as_typed == "tig svetsning"
    )
    assert claim.status is EvidenceStatus.SELF_DECLARED
    again = post_form(client, "/portfolio/skills/new", {"text": "TIG-svetsning", "level": "2"})
    assert again.status_code == 422 and "finns redan" in again.get_data(as_text=True)


def test_unclear_text_offers_choices_that_work_without_javascript(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    unclear = post_form(client, "/portfolio/skills/new", {"text": "svets", "level": "2"})
    html = unclear.get_data(as_text=True)
    assert unclear.status_code == 422
    choices = re.findall(r'name="concept_choice" value="(\d+)"', html)
    assert len(choices) >= 2
    # What a browser sends: the empty hidden field of the suggestions as well as the choice.
    form = {"text": "svets", "level": "2", "concept_id": "", "concept_for": ""}
    # Another field wrong: the choice made stays ticked, nothing is asked twice.
    years = post_form(
        client, "/portfolio/skills/new", form | {"concept_choice": choices[1], "years": "200"}
    ).text
    assert f'name="concept_choice" value="{choices[1]}" checked' in years
    chosen = post_form(client, "/portfolio/skills/new", form | {"concept_choice": choices[1]})
    assert chosen.status_code == 302
    assert _portfolio(db_session, learner).claims[0].concept_id == int(choices[1])


def test_words_typed_after_picking_a_suggestion_decide_the_skill(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    """A suggestion clicked and then typed over must not be saved under the new words."""
    tig = db_session.scalar(select(Concept).where(Concept.uri == "seed:skill:tig-svetsning"))
    assert tig is not None
    form = {"text": "truckkörning", "level": "2", "concept_id": str(tig.id)}
    response = post_form(client, "/portfolio/skills/new", form | {"concept_for": "TIG-svetsning"})
    assert response.status_code == 302
    (claim,) = _portfolio(db_session, learner).claims
    assert claim.concept_id != tig.id and "truck" in claim.concept.label("sv").lower()
    # Picked and left as it was, the suggestion is what is saved.
    post_form(
        client,
        "/portfolio/skills/new",
        {
            "text": "TIG-svetsning",
            "level": "2",
            "concept_id": str(tig.id),
            "concept_for": "TIG-svetsning",
        },
    )
    db_session.expire_all()
    assert tig.id in {c.concept_id for c in _portfolio(db_session, learner).claims}


def test_levels_outside_one_to_four_are_refused(client: FlaskClient, learner: Any) -> None:
    for level in ("0", "5", "bra", ""):
        response = post_form(client, "/portfolio/skills/new", {"text": "truckkort", "level": level})
        assert response.status_code == 422, level


def test_suggested_skills_from_the_target_occupation_and_cv_text(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    post_form(client, "/portfolio/profile", {"target_occupations": "undersköterska"})
    page = client.get("/portfolio/skills/new").get_data(as_text=True)
    suggested = re.findall(r'name="concept_ids" value="(\d+)"', page)
    assert len(suggested) >= 5
    post_form(
        client,
        "/portfolio/skills/suggested",
        {"concept_ids": suggested[:2]},
        token_from="/portfolio/skills/new",
    )
    assert len(_portfolio(db_session, learner).claims) == 2

    text = "Jag har kört truck i fem år och har B-körkort. Jag har också lagat mat i storkök."
    found = post_form(client, "/portfolio/skills/from-text", {"text": text}).get_data(as_text=True)
    ids = re.findall(r'name="concept_ids" value="(\d+)" checked', found)
    assert len(ids) >= 2
    post_form(
        client, "/portfolio/skills/from-text", {"step": "accept", "concept_ids": ids[:1]}
    )  # rejected the rest
    assert len(_portfolio(db_session, learner).claims) == 3


def test_languages_with_cefr_levels(client: FlaskClient, learner: Any, db_session: Session) -> None:
    assert (
        post_form(
            client, "/portfolio/languages/new", {"language": "ar", "mother_tongue": "on"}
        ).status_code
        == 302
    )
    assert (
        post_form(
            client,
            "/portfolio/languages/new",
            {"language": "sv", "listening": "B2", "speaking": "B1"},
        ).status_code
        == 302
    )
    no_level = post_form(client, "/portfolio/languages/new", {"language": "en"})
    assert no_level.status_code == 422
    bad_level = post_form(client, "/portfolio/languages/new", {"language": "en", "reading": "D1"})
    assert bad_level.status_code == 422
    assert (
        post_form(
            client, "/portfolio/languages/new", {"language": "sv", "reading": "A1"}
        ).status_code
        == 422
    )  # listed once
    assert {lang.language for lang in _portfolio(db_session, learner).languages} == {"ar", "sv"}


def test_overview_and_cv_show_the_portfolio(client: FlaskClient, learner: Any) -> None:
    post_form(client, "/portfolio/skills/new", {"text": "truckkort", "level": "3"})
    overview = client.get("/portfolio").get_data(as_text=True)
    assert "Köra motordriven truck" in overview and "Egendeklarerad" in overview
    assert "färdig" in overview
    cv = client.get("/portfolio/cv").get_data(as_text=True)
    assert learner.display_name in cv and "Köra motordriven truck" in cv
    assert 'media="print"' in cv


def test_other_learners_cannot_reach_entries_by_guessing_ids(
    client: FlaskClient, learner: Any, create_user: Any, db_session: Session
) -> None:
    post_form(client, "/portfolio/skills/new", {"text": "truckkort", "level": "3"})
    claim_id = _portfolio(db_session, learner).claims[0].id
    other = FlaskClient(client.application, use_cookies=True)
    login(other, create_user("learner"))
    assert other.get(f"/portfolio/skills/{claim_id}").status_code == 404
    assert (
        post_form(
            other, f"/portfolio/skills/{claim_id}/delete", {}, token_from="/portfolio"
        ).status_code
        == 404
    )
    assert other.get(f"/portfolio?learner={learner.id}").status_code == 404
    assert len(_portfolio(db_session, learner).claims) == 1


def test_a_validated_claim_cannot_be_removed_by_the_learner(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    post_form(client, "/portfolio/skills/new", {"text": "truckkort", "level": "3"})
    claim = db_session.scalar(select(SkillClaim))
    assert claim is not None
    claim.status = EvidenceStatus.VALIDATED
    db_session.flush()
    response = post_form(
        client, f"/portfolio/skills/{claim.id}/delete", {}, token_from="/portfolio"
    )
    assert response.status_code == 400
    assert db_session.get(SkillClaim, claim.id) is not None


def test_a_guide_with_access_edits_on_the_learners_behalf(
    client: FlaskClient, learner: Any, create_user: Any, db_session: Session
) -> None:
    guide = create_user("guide")
    helper = FlaskClient(client.application, use_cookies=True)
    login(helper, guide)
    assert helper.get(f"/portfolio?learner={learner.id}").status_code == 404
    client.get("/portfolio")  # the learner's portfolio exists
    _grant(db_session, learner, guide)
    response = post_form(
        helper, f"/portfolio/skills/new?learner={learner.id}", {"text": "truckkort", "level": "2"}
    )
    assert response.status_code == 302
    assert [c.concept.uri for c in _portfolio(db_session, learner).claims] == [
        "seed:skill:kora-truck"
    ]
    event = db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "portfolio.claim.saved")
    )
    assert event is not None and event.actor_id == guide.id and event.on_behalf_of_id == learner.id
    # At the end of the guided evidence step the guide goes back to the learner's overview:
    # the consent step stays open, for the learner alone to decide.
    evidence = f"/portfolio/evidence?learner={learner.id}&guided=1"
    assert f'action="/portfolio/guide/next?learner={learner.id}"' in helper.get(evidence).text
    done = post_form(
        helper,
        f"/portfolio/guide/next?learner={learner.id}",
        {"step": "evidence"},
        token_from=evidence,
    )
    assert done.headers["Location"] == f"/portfolio?learner={learner.id}"
    assert _portfolio(db_session, learner).guided_step == "consent"


def test_a_guides_look_at_the_portfolio_and_cv_is_in_the_learners_access_log(
    client: FlaskClient, learner: Any, create_user: Any, db_session: Session
) -> None:
    from eportfolio.privacy.models import AccessLogEntry

    guide = create_user("guide")
    helper = FlaskClient(client.application, use_cookies=True)
    login(helper, guide)
    client.get("/portfolio")  # the learner's own looks are not logged
    _grant(db_session, learner, guide)
    overview = helper.get(f"/portfolio?learner={learner.id}")
    assert overview.status_code == 200
    assert f"Du hjälper {learner.display_name}" in overview.text  # whose portfolio this is
    form = helper.get(f"/portfolio/skills/new?learner={learner.id}").text
    assert f"Du hjälper {learner.display_name}" in form
    assert helper.get(f"/portfolio/cv?learner={learner.id}").status_code == 200
    looks = db_session.scalars(
        select(AccessLogEntry.what).where(AccessLogEntry.learner_id == learner.id)
    ).all()
    assert sorted(looks) == ["cv", "portfolio", "portfolio"]  # overview, skill form, CV
    page = client.get("/privacy/access-log").get_data(as_text=True)
    assert "CV (hela portföljen, med namn och kontaktuppgifter)" in page
    # What the guide changed is listed too, like the views: role and centre, never a name.
    saved = post_form(
        helper, f"/portfolio/skills/new?learner={learner.id}", {"text": "truckkort", "level": "2"}
    )
    assert saved.status_code == 302
    changes = client.get("/privacy/access-log").text.split('id="changes-heading"')[1]
    assert "Sparade en kompetens" in changes and guide.organisations()[0].name in changes
    assert guide.display_name not in changes


def test_a_guide_without_a_learner_is_sent_to_choose_one(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    guide = create_user("guide")
    login(client, guide)
    response = client.get("/portfolio")
    assert response.status_code == 302 and response.headers["Location"] == "/guide/learners"
    assert db_session.scalar(select(Portfolio).where(Portfolio.user_id == guide.id)) is None


def test_guided_evidence_and_consent_steps_record_progress(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    client.get("/portfolio")  # the first visit creates the portfolio
    portfolio = _portfolio(db_session, learner)
    portfolio.guided_step = "evidence"
    db_session.flush()
    assert client.get("/portfolio/guide").headers["Location"] == "/portfolio/evidence?guided=1"
    # A refused upload shows the page again with the errors: the run must not lose its way.
    token = csrf_token(client, "/portfolio/evidence?guided=1")
    refused = client.post(
        "/portfolio/evidence/files",
        data={"csrf_token": token, "guided": "1", "file": (io.BytesIO(b"MZ\x90\x00"), "cv.exe")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'name="guided" value="1"' in page and 'action="/portfolio/guide/next"' in page
    moved = post_form(
        client, "/portfolio/guide/next", {"step": "evidence"}, token_from="/portfolio/evidence"
    )
    assert moved.headers["Location"] == "/privacy/consents?guided=1"
    db_session.refresh(portfolio)
    assert portfolio.guided_step == "consent"
    assert client.get("/portfolio/guide").headers["Location"] == "/privacy/consents?guided=1"
    assert 'action="/portfolio/guide/next"' in client.get("/privacy/consents?guided=1").text
    done = post_form(
        client, "/portfolio/guide/next", {"step": "consent"}, token_from="/privacy/consents"
    )
    assert done.headers["Location"] == "/portfolio"
    db_session.refresh(portfolio)
    assert portfolio.guided_step == "done"
    bad = post_form(client, "/portfolio/guide/next", {"step": "cv"}, token_from="/portfolio")
    assert bad.status_code == 400 and "Okänt steg." in bad.get_data(as_text=True)


def test_a_finished_guided_run_resumes_at_what_is_still_missing(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    """After the last step the guide goes to the first part still missing, not to the start."""
    client.get("/portfolio")
    portfolio = _portfolio(db_session, learner)
    portfolio.headline, portfolio.municipality_code = "Svetsare", "1290"
    portfolio.guided_step = "done"
    db_session.flush()
    overview = client.get("/portfolio").get_data(as_text=True)
    assert "Gör klart det som saknas" in overview
    # The profile is there; work experience is the first part missing.
    resumed = client.get("/portfolio/guide").headers["Location"]
    assert resumed == "/portfolio/experience/new?guided=1"


def test_a_guide_is_not_sent_to_the_learners_consent_step(
    client: FlaskClient, learner: Any, create_user: Any, db_session: Session
) -> None:
    """Only the learner decides who sees the portfolio: the guide's button stops short of it."""
    client.get("/portfolio")
    portfolio = _portfolio(db_session, learner)
    portfolio.guided_step = "consent"
    guide = create_user("guide")
    _grant(db_session, learner, guide)
    login(client, guide)
    own = f"/portfolio?learner={learner.id}"
    assert client.get(f"/portfolio/guide?learner={learner.id}").headers["Location"] == own
    assert f'href="/portfolio/guide?learner={learner.id}"' not in client.get(own).text


def test_guided_skills_step_goes_on_after_ticking_suggested_skills(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    """Ticking the usual skills of one's occupation is enough for the step; no dead end."""
    profile = {"municipality_code": "1273", "has_work_permit": "yes"}
    saved = post_form(client, "/portfolio/profile", profile | {"target_occupations": "svetsare"})
    assert saved.status_code == 302
    _portfolio(db_session, learner).guided_step = "skills"
    db_session.flush()
    page = client.get("/portfolio/skills/new?guided=1").get_data(as_text=True)
    assert "Steg 3 av 6" in page and "Hoppa över steget" in page
    suggested = re.findall(r'name="concept_ids" value="(\d+)"', page)
    assert len(suggested) >= 2
    added = post_form(
        client,
        "/portfolio/skills/suggested",
        {"concept_ids": suggested[:2], "guided": "1"},
        token_from="/portfolio/skills/new?guided=1",
    )
    back = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "2 kompetenser har lagts till" in back and "Gå vidare till nästa steg" in back
    moved = post_form(
        client,
        "/portfolio/guide/next",
        {"step": "skills"},
        token_from="/portfolio/skills/new?guided=1",
    )
    assert moved.headers["Location"] == "/portfolio/languages/new?guided=1"
    languages = client.get("/portfolio/languages/new?guided=1").get_data(as_text=True)
    assert "Hoppa över steget" in languages and 'value="languages"' in languages
    evidence = client.get("/portfolio/evidence?guided=1").get_data(as_text=True)
    assert "Steg 5 av 6" in evidence
    assert "Steg 6 av 6" in client.get("/privacy/consents?guided=1").get_data(as_text=True)


def test_a_verified_level_shows_beside_a_level_the_learner_raised_later(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    """A council verified level 3; the learner may say 4, but the page must not pass 4 off as
    certified."""
    post_form(client, "/portfolio/skills/new", {"text": "TIG-svetsning", "level": "3"})
    (claim,) = _portfolio(db_session, learner).claims
    claim.status, claim.verified_level = EvidenceStatus.CERTIFIED, 3
    db_session.flush()
    post_form(client, f"/portfolio/skills/{claim.id}", {"level": "4"})
    page = client.get("/portfolio").get_data(as_text=True)
    assert "3 bekräftad (du anger 4)" in page


def test_text_like_no_skill_offers_no_far_fetched_choices(
    client: FlaskClient, learner: Any
) -> None:
    """Text like "xqzv" was offered skills sharing a letter or two, scored around 0.01."""
    response = post_form(client, "/portfolio/skills/new", {"text": "xqzv", "level": "2"})
    assert response.status_code == 422
    assert 'name="concept_choice"' not in response.text
    assert "Vi hittade ingen kompetens för ”xqzv”" in response.text
    typed = client.get("/api/v1/taxonomy/concepts?q=xqzv&kind=skill").get_json()
    assert typed == []
    # A real word still gets its suggestions while typing.
    assert client.get("/api/v1/taxonomy/concepts?q=svetsning&kind=skill").get_json()


def test_a_word_with_two_close_readings_is_asked_about_not_guessed(
    client: FlaskClient, learner: Any, db_session: Session
) -> None:
    """'svetsa' reads almost as well as 'Svetsa aluminium' as 'Svetsa rostfritt stål': the
    learner chooses; a guess would claim a skill they never named."""
    response = post_form(client, "/portfolio/skills/new", {"text": "svetsa", "level": "2"})
    assert response.status_code == 422 and 'name="concept_choice"' in response.text
    assert _portfolio(db_session, learner).claims == []
    # A clear reading is still taken at once.
    assert (
        post_form(client, "/portfolio/skills/new", {"text": "städa", "level": "2"}).status_code
        == 302
    )


def test_the_about_you_hint_names_who_reads_the_text(client: FlaskClient, learner: Any) -> None:
    """Employers never see the summary (pseudonymous cards); the hint must not say they do."""
    hint = client.get("/portfolio/profile").text.split('id="summary-hint"')[1].split("</")[0]
    assert "Arbetsgivare ser texten" not in hint
    assert "ditt CV" in hint and "vägledare" in hint and "ser den inte" in hint
    saved = {"summary": "Svetsar gärna rostfritt.", "has_work_permit": "yes"}
    assert post_form(client, "/portfolio/profile", saved).status_code == 302
    assert "Svetsar gärna rostfritt." in client.get("/portfolio/cv").text  # as the hint says


def test_in_english_the_portfolio_marks_skill_names_that_exist_only_in_swedish(
    client: FlaskClient, demo: dict[str, Any], db_session: Session
) -> None:
    """A screen reader reads a Swedish-only skill name as Swedish on the English pages
    (WCAG 3.1.2), while names the taxonomy has in English stay unmarked."""
    concept = db_session.scalar(
        select(Concept).where(Concept.uri == "seed:skill:mig-mag-svetsning")
    )
    assert concept is not None
    # Most JobTech concepts have no English name at all.
    concept.labels = [label for label in concept.labels if label.lang != "en"]
    db_session.commit()
    login(client, demo["larande"])
    client.get("/lang/en")
    for path in ("/portfolio", "/portfolio/cv"):
        page = client.get(path).text
        assert '<span lang="sv">MIG/MAG-svetsning</span>' in page, path
        assert "TIG welding" in page and '<span lang="sv">TIG' not in page, path
    client.get("/lang/sv")
    assert '<span lang="sv">' not in client.get("/portfolio").text
