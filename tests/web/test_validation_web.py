"""The validation pages and API over HTTP: learner, assessor, chair and coordinator."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from eportfolio.mail import outbox_messages
from eportfolio.validation import services
from eportfolio.validation.models import ValidationCase
from eportfolio.validation.states import Action, State
from eportfolio.validation.views import TAKE_IS_FOR_ASSESSORS
from tests.conftest import csrf_token, login, post_form
from tests.validation_world import VWorld, build


@pytest.fixture
def w(app: Flask, db_session: Session, create_user: Callable[..., Any], create_org: Any) -> VWorld:
    return build(db_session, create_user, create_org)


def take(number: str) -> str:
    """The queue's button that takes the case, as the page shows it."""
    return f'Ta ärende <span class="nowrap">{number}</span>'


def as_user(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    login(client, user)
    return client


def act(client: FlaskClient, case_id: int, action: str, reason: str = "") -> Any:
    return post_form(
        client,
        f"/validation/cases/{case_id}/actions/{action}",
        {"reason": reason},
        token_from=f"/validation/cases/{case_id}",
    )


def test_the_whole_path_over_the_pages(app: Flask, db_session: Session, w: VWorld) -> None:
    learner = as_user(app, w.learner)
    assert post_form(learner, "/validation/new", {"council_id": w.council.id}).status_code == 422
    response = post_form(
        learner,
        "/validation/new",
        {"council_id": w.council.id, "claim_ids": [str(i) for i in w.claim_ids[:2]]},
    )
    assert response.status_code == 302
    case_id = int(re.search(r"/cases/(\d+)", response.headers["Location"]).group(1))
    assert "Skicka till valideringsrådet" in learner.get(f"/validation/cases/{case_id}").get_data(
        as_text=True
    )
    assert act(learner, case_id, "submit").status_code == 302

    assessor = as_user(app, w.assessor)
    queue = assessor.get("/validation/queue").get_data(as_text=True)
    assert f"/validation/cases/{case_id}" in queue
    taken = post_form(assessor, "/validation/queue/take-next", {}, token_from="/validation/queue")
    assert taken.headers["Location"].endswith(f"/validation/cases/{case_id}")
    assert act(assessor, case_id, "request_evidence").status_code == 422  # a reason is needed
    assert act(assessor, case_id, "request_evidence", "Skicka ett intyg").status_code == 302

    page = learner.get(f"/validation/cases/{case_id}").get_data(as_text=True)
    assert "Skicka ett intyg" in page
    assert act(learner, case_id, "resubmit").status_code == 302
    case = db_session.get(ValidationCase, case_id)
    db_session.refresh(case)
    for row, decision in zip(case.claims, ("verified", "not_verified"), strict=True):
        data = {"method": "interview", "decision": decision, "rationale": "Bedömt"}
        if decision == "verified":
            data["verified_level"] = "3"
        response = post_form(
            assessor,
            f"/validation/cases/{case_id}/claims/{row.id}",
            data,
            token_from=f"/validation/cases/{case_id}",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert act(assessor, case_id, "conclude").status_code == 302
    assert act(assessor, case_id, "certify").status_code == 409  # four eyes

    chair = as_user(app, w.chair)
    assert act(chair, case_id, "certify").status_code == 302
    db_session.refresh(case)
    assert case.state is State.CERTIFIED
    page = learner.get(f"/validation/cases/{case_id}").get_data(as_text=True)
    assert "/credential.json" in page and "/certificate" in page
    notes = learner.get("/notifications").get_data(as_text=True)
    assert f"Valideringsärende {case.number} är certifierat" in notes
    subjects = [m["Subject"] for m in outbox_messages(app.config["MAIL_OUTBOX_DIR"])]
    assert any(case.number in s for s in subjects)
    certificate = re.search(r'href="([^"]+/certificate)"', page).group(1)
    assert f"Diarienummer: {case.number}" in learner.get(certificate).text


def test_an_assessor_of_another_council_sees_nothing(
    app: Flask, db_session: Session, w: VWorld, create_user: Callable[..., Any]
) -> None:
    learner = as_user(app, w.learner)
    created = learner.post(
        "/api/v1/validation/cases",
        json={"council_id": w.council.id, "claim_ids": w.claim_ids[:1], "submit": True},
        headers={"X-CSRFToken": csrf_token(learner, "/account")},
    )
    assert created.status_code == 201 and created.get_json()["state"] == "submitted"
    case_id = created.get_json()["id"]
    stranger = as_user(app, create_user("assessor"))
    assert stranger.get(f"/validation/cases/{case_id}").status_code == 404
    assert stranger.get("/api/v1/validation/queue").get_json()["items"] == []
    other = as_user(app, w.other_learner)
    assert other.get(f"/api/v1/validation/cases/{case_id}").status_code == 404


def test_the_api_runs_the_machine_and_refuses_moves_it_lacks(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    learner = as_user(app, w.learner)
    headers = {"X-CSRFToken": csrf_token(learner, "/account")}
    case = learner.post(
        "/api/v1/validation/cases",
        json={"council_id": w.council.id, "claim_ids": w.claim_ids[:1], "submit": True},
        headers=headers,
    ).get_json()
    refused = learner.post(
        f"/api/v1/validation/cases/{case['id']}/transitions",
        json={"action": "certify"},
        headers=headers,
    )
    assert refused.status_code == 409
    assessor = as_user(app, w.assessor)
    a_headers = {"X-CSRFToken": csrf_token(assessor, "/account")}
    listed = assessor.get("/api/v1/validation/queue").get_json()
    assert listed["counts"] == {"submitted": 1}
    taken = assessor.post("/api/v1/validation/queue/take-next", headers=a_headers).get_json()
    assert taken["id"] == case["id"] and "request_evidence" in taken["allowed_actions"]
    assert assessor.post("/api/v1/validation/queue/take-next", headers=a_headers).status_code == 204
    claim_id = taken["claims"][0]["id"]
    assessed = assessor.put(
        f"/api/v1/validation/cases/{case['id']}/claims/{claim_id}/assessment",
        json={
            "method": "interview",
            "decision": "verified",
            "verified_level": 2,
            "rationale": "ok",
        },
        headers=a_headers,
    )
    assert assessed.status_code == 200
    concluded = assessor.post(
        f"/api/v1/validation/cases/{case['id']}/transitions",
        json={"action": "conclude"},
        headers=a_headers,
    )
    assert concluded.get_json()["state"] == "assessed"


def test_coordinator_manages_a_council(app: Flask, db_session: Session, w: VWorld) -> None:
    coordinator = as_user(app, w.coordinator)
    response = post_form(
        coordinator,
        "/validation/councils/new",
        {
            "name": "Valideringsrådet Vård",
            "branch": "Vård och omsorg",
            "occupation_ids": [str(w.occupation_id)],
            "municipality_codes": ["1290"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    edit = response.headers["Location"]
    add = post_form(
        coordinator,
        f"{edit}/members",
        {"email": w.assessor2.email, "role": "chair"},
        token_from=edit,
    )
    assert add.status_code == 302
    page = coordinator.get(edit).get_data(as_text=True)
    assert w.assessor2.email in page and "Kristianstad" in page
    # A learner's account would sit on the council that judges their own cases: refused,
    # beside the field, with the typed address kept.
    learner = post_form(
        coordinator, f"{edit}/members", {"email": w.learner.email, "role": "chair"}, token_from=edit
    )
    assert learner.status_code == 422 and 'id="email-error"' in learner.text
    assert f'value="{w.learner.email}"' in learner.text
    # The council's own form above stays as saved (it came back blank once).
    assert 'value="Valideringsrådet Vård"' in learner.text and 'href="#email"' in learner.text
    assert (
        w.learner.email not in coordinator.get(edit).text.split('id="members"')[1].split("<form")[0]
    )
    bad = post_form(coordinator, edit, {"name": "", "municipality_codes": ["9999"]})
    assert bad.status_code == 422
    twin = post_form(coordinator, "/validation/councils/new", {"name": "  valideringsrådet vård "})
    assert twin.status_code == 422 and "Det finns redan ett råd med det namnet" in twin.text


def test_the_openapi_document_lists_the_validation_and_credential_api(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/validation/cases",
        "/api/v1/validation/cases/{case_id}/transitions",
        "/api/v1/validation/cases/{case_id}/claims/{claim_id}/assessment",
        "/api/v1/validation/queue",
        "/api/v1/validation/queue/take-next",
        "/api/v1/credentials",
        "/api/v1/credentials/{credential_uuid}",
        "/api/v1/credentials/{credential_uuid}/revoke",
        "/api/v1/verify",
    ):
        assert path in paths, path


def _taken(app: Flask, session: Session, w: VWorld) -> ValidationCase:
    """Return a submitted case of two skills, held by ``w.assessor``."""
    with app.test_request_context():
        case = services.create_case(session, w.learner, w.council.id, w.claim_ids[:2])
        services.transition(session, w.learner, case, Action.SUBMIT)
        services.transition(session, w.assessor, case, Action.TAKE)
    return case


def test_an_assessment_error_keeps_what_the_assessor_typed(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    case = _taken(app, db_session, w)
    claim = case.claims[0]
    assessor = as_user(app, w.assessor)
    response = post_form(
        assessor,
        f"/validation/cases/{case.id}/claims/{claim.id}",
        {"method": "practical_test", "decision": "verified", "rationale": "Svetsade en provbit"},
        token_from=f"/validation/cases/{case.id}",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    form = page.split(f'id="claim-{claim.id}"')[1].split("</form>")[0]
    assert re.search(r'<option value="practical_test" selected>', form)
    assert re.search(r'id="verified-\d+" name="decision" value="verified" checked', form)
    assert ">Svetsade en provbit</textarea>" in form
    # The message stands beside the level, and the summary links to it.
    assert f'id="verified_level-{claim.id}-error"' in form
    assert "Välj den nivå du har bekräftat." in form
    assert f'href="#verified_level-{claim.id}"' in page
    # The other claim's form is not filled with this one's answers.
    other = page.split(f'id="claim-{case.claims[1].id}"')[1].split("</form>")[0]
    assert "Svetsade en provbit" not in other and " checked" not in other
    db_session.refresh(claim)
    assert claim.decision is None  # nothing was saved


def test_a_draft_withdrawn_before_it_was_sent_never_reaches_the_council(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    learner = as_user(app, w.learner)
    headers = {"X-CSRFToken": csrf_token(learner, "/account")}

    def withdrawn(submit: bool) -> int:
        created = learner.post(
            "/api/v1/validation/cases",
            json={"council_id": w.council.id, "claim_ids": w.claim_ids[:1], "submit": submit},
            headers=headers,
        ).get_json()
        moved = learner.post(
            f"/api/v1/validation/cases/{created['id']}/transitions",
            json={"action": "withdraw"},
            headers=headers,
        )
        assert moved.get_json()["state"] == "withdrawn"
        return int(created["id"])

    unsent, sent = withdrawn(submit=False), withdrawn(submit=True)
    for member in (w.assessor, w.chair):
        client = as_user(app, member)
        for query in ("", "?state=withdrawn"):
            listed = client.get(f"/api/v1/validation/queue{query}").get_json()
            assert [i["id"] for i in listed["items"]] == [sent]
            page = client.get(f"/validation/queue{query}").get_data(as_text=True)
            assert f"/validation/cases/{sent}" in page
            assert f"/validation/cases/{unsent}" not in page
        assert client.get(f"/validation/cases/{unsent}").status_code == 404
        assert client.get(f"/api/v1/validation/cases/{unsent}").status_code == 404
        assert client.get(f"/validation/cases/{sent}").status_code == 200
    assert learner.get(f"/validation/cases/{unsent}").status_code == 200  # still the learner's


def test_the_chair_is_not_offered_cases_to_take(app: Flask, db_session: Session, w: VWorld) -> None:
    with app.test_request_context():
        case = services.create_case(db_session, w.learner, w.council.id, w.claim_ids[:1])
        services.transition(db_session, w.learner, case, Action.SUBMIT)
    assessor = as_user(app, w.assessor)
    assert "Ta det äldsta ärendet" in assessor.get("/").get_data(as_text=True)
    assert "/validation/queue/take-next" in assessor.get("/validation/queue").get_data(as_text=True)

    chair = as_user(app, w.chair)
    assert "Ta det äldsta ärendet" not in chair.get("/").get_data(as_text=True)
    queue = chair.get("/validation/queue").get_data(as_text=True)
    assert f"/validation/cases/{case.id}" in queue  # the chair follows the case …
    assert "/validation/queue/take-next" not in queue  # … but is not offered to take it
    assert "Ta nästa ärende" not in queue
    # Posting anyway explains why instead of claiming there is no case.
    response = post_form(chair, "/validation/queue/take-next", {}, token_from="/validation/queue")
    assert response.status_code == 302
    page = chair.get(response.headers["Location"]).get_data(as_text=True)
    assert "Det finns inget ärende för dig" not in page
    with app.test_request_context():  # in the page's language, whatever its translation
        assert str(TAKE_IS_FOR_ASSESSORS) in page
    db_session.refresh(case)
    assert case.state is State.SUBMITTED


def test_the_council_reads_states_in_its_own_words(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    case = _taken(app, db_session, w)
    assessor = as_user(app, w.assessor)
    response = act(assessor, case.id, "request_evidence", "Skicka en bild av svetsfogen")
    assert response.status_code == 302
    flashed = assessor.get(response.headers["Location"]).get_data(as_text=True)
    queue = assessor.get("/validation/queue").get_data(as_text=True)
    assert '<option value="awaiting_learner">Väntar på deltagaren</option>' in queue
    assert "<td>Väntar på deltagaren</td>" in queue
    for page in (queue, flashed):
        assert "Väntar på att du lägger till underlag" not in page
    assert "Väntar på deltagaren" in flashed
    learner = as_user(app, w.learner)
    mine = learner.get(f"/validation/cases/{case.id}").get_data(as_text=True)
    assert "Väntar på att du lägger till underlag" in mine


def test_english_pages_name_skills_in_english(app: Flask, db_session: Session, w: VWorld) -> None:
    """Skill names follow the interface language on the validation pages too."""
    from eportfolio.portfolios.models import SkillClaim
    from eportfolio.taxonomy_store.models import ConceptLabel

    claim = db_session.get(SkillClaim, w.claim_ids[2])
    db_session.add(
        ConceptLabel(
            concept_id=claim.concept_id,
            lang="en",
            kind="preferred",
            text="Reading drawings",
            folded="reading drawings",
        )
    )
    db_session.flush()
    db_session.expire(claim.concept)
    english, swedish = "Reading drawings", claim.concept.label("sv")
    learner = as_user(app, w.learner)
    learner.get("/lang/en")
    page = learner.get("/validation/new").get_data(as_text=True)
    assert english in page and swedish not in page


def test_a_chair_asking_the_api_for_the_next_case_is_told_it_is_not_theirs(
    app: Flask, w: VWorld
) -> None:
    """Only assessors take cases: a chair gets 403, not an empty queue (204)."""
    chair = as_user(app, w.chair)
    headers = {"X-CSRFToken": csrf_token(chair, "/account")}
    response = chair.post("/api/v1/validation/queue/take-next", headers=headers)
    assert response.status_code == 403 and response.mimetype == "application/problem+json"


def test_the_queue_offers_to_take_only_cases_that_can_be_taken(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    """A certified or withdrawn case shows no 'take' button (it only led to a 409) and no
    growing days in the queue."""
    learner = as_user(app, w.learner)
    made = post_form(
        learner, "/validation/new", {"council_id": w.council.id, "claim_ids": [str(w.claim_ids[0])]}
    )
    case_id = int(re.search(r"/cases/(\d+)", made.headers["Location"]).group(1))
    assert act(learner, case_id, "submit").status_code == 302
    number = db_session.get(ValidationCase, case_id).number
    assessor = as_user(app, w.assessor)
    assert take(number) in assessor.get("/validation/queue").text
    assert act(learner, case_id, "withdraw").status_code == 302
    queue = assessor.get("/validation/queue").text
    assert take(number) not in queue
    (item,) = [
        i for i in assessor.get("/api/v1/validation/queue").json["items"] if i["id"] == case_id
    ]
    assert item["eligible"] is False and item["days_waiting"] is None


def test_a_declared_jav_is_in_the_audit_log(
    app: Flask, db_session: Session, w: VWorld, create_user: Callable[..., Any]
) -> None:
    """Who may judge a person's case is a decision: the administrator finds it in the log."""
    with app.test_request_context():
        case = services.create_case(db_session, w.learner, w.council.id, w.claim_ids[:1])
        services.transition(db_session, w.learner, case, Action.SUBMIT)
    assessor = as_user(app, w.assessor)
    declared = post_form(
        assessor,
        f"/validation/cases/{case.id}/conflict",
        {},
        token_from=f"/validation/cases/{case.id}",
    )
    assert declared.status_code == 302
    admin = as_user(app, create_user("admin"))
    log = admin.get(
        "/admin/audit", query_string={"person": w.assessor.email, "action": "validation.conflict"}
    ).text
    assert "validation.conflict.declared" in log


def _assess_first(app: Flask, w: VWorld, case: ValidationCase) -> None:
    assessor = as_user(app, w.assessor)
    data = {"method": "interview", "decision": "verified", "verified_level": "2", "rationale": "ok"}
    saved = post_form(
        assessor,
        f"/validation/cases/{case.id}/claims/{case.claims[0].id}",
        data,
        token_from=f"/validation/cases/{case.id}",
    )
    assert saved.status_code == 302


def _declare_jav(app: Flask, w: VWorld, case_id: int) -> str:
    """Press the jäv button as ``w.assessor``; return the page the redirect shows."""
    assessor = as_user(app, w.assessor)
    response = post_form(
        assessor,
        f"/validation/cases/{case_id}/conflict",
        {},
        token_from=f"/validation/cases/{case_id}",
    )
    assert response.status_code == 302
    return assessor.get(response.headers["Location"]).text


def test_an_assessor_declaring_jav_hands_the_case_back(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    """A jävig assessor neither keeps nor decides the case: it goes back to the queue."""
    case = _taken(app, db_session, w)
    _assess_first(app, w, case)
    page = _declare_jav(app, w, case.id)
    assert f"Ärende {case.number} är tillbaka i valideringsrådets kö" in page
    assert f"/validation/cases/{case.id}" not in page  # out of his queue too

    assessor = as_user(app, w.assessor)
    headers = {"X-CSRFToken": csrf_token(assessor, "/account")}
    assert assessor.get(f"/validation/cases/{case.id}").status_code == 404
    concluded = assessor.post(
        f"/api/v1/validation/cases/{case.id}/transitions",
        json={"action": "conclude"},
        headers=headers,
    )
    assert concluded.status_code == 404
    assessed = assessor.put(
        f"/api/v1/validation/cases/{case.id}/claims/{case.claims[1].id}/assessment",
        json={"method": "interview", "decision": "not_verified", "rationale": "nej"},
        headers=headers,
    )
    assert assessed.status_code == 404

    other = as_user(app, w.assessor2)
    assert take(case.number) in other.get("/validation/queue").text
    taken = other.get(f"/api/v1/validation/cases/{case.id}").get_json()
    assert taken["state"] == "submitted" and taken["assessor_id"] is None
    # What the jävig assessor had decided does not stand for the next one.
    assert all(c["decision"] is None for c in taken["claims"])


def test_jav_while_waiting_for_the_learner_sends_the_answer_to_the_queue(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    case = _taken(app, db_session, w)
    assessor = as_user(app, w.assessor)
    assert act(assessor, case.id, "request_evidence", "Skicka ett intyg").status_code == 302
    page = _declare_jav(app, w, case.id)
    assert f"Ärende {case.number} går till valideringsrådets kö när deltagaren svarar" in page
    learner = as_user(app, w.learner)
    assert "Skicka ett intyg" in learner.get(f"/validation/cases/{case.id}").text
    assert act(learner, case.id, "resubmit").status_code == 302
    other = as_user(app, w.assessor2)
    assert take(case.number) in other.get("/validation/queue").text
    assert take(case.number) not in assessor.get("/validation/queue").text


def test_an_assessor_found_javig_while_holding_a_case_cannot_decide_it(
    app: Flask, db_session: Session, w: VWorld, create_org: Any
) -> None:
    """Jäv found after he took the case (he works where the learner works) stops him too."""
    from eportfolio.accounts.models import Membership, Role

    case = _taken(app, db_session, w)
    employer = create_org("employer", name="Osby Verkstad")
    db_session.add(
        Membership(user_id=w.assessor.id, organisation_id=employer.id, role=Role.EMPLOYER)
    )
    db_session.flush()
    assessor = as_user(app, w.assessor)
    concluded = assessor.post(
        f"/api/v1/validation/cases/{case.id}/transitions",
        json={"action": "conclude"},
        headers={"X-CSRFToken": csrf_token(assessor, "/account")},
    )
    assert concluded.status_code == 404
    db_session.refresh(case)
    assert case.state is State.IN_ASSESSMENT


def _assessor_membership(db_session: Session, w: VWorld) -> int:
    from sqlalchemy import select

    from eportfolio.accounts.models import Membership

    return db_session.scalar(
        select(Membership.id).where(
            Membership.user_id == w.assessor.id, Membership.organisation_id == w.council.id
        )
    )


def test_removing_an_assessor_whose_case_waits_for_the_learner(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    """The case cannot come back to him from the learner: removal lets it go to the queue."""
    case = _taken(app, db_session, w)
    assert (
        act(as_user(app, w.assessor), case.id, "request_evidence", "Ett intyg").status_code == 302
    )
    coordinator = as_user(app, w.coordinator)
    edit = f"/validation/councils/{w.council.id}"
    removed = post_form(
        coordinator,
        f"{edit}/members/{_assessor_membership(db_session, w)}/remove",
        {},
        token_from=edit,
    )
    assert removed.status_code == 302
    assert w.assessor.email not in coordinator.get(edit).text
    learner = as_user(app, w.learner)
    assert act(learner, case.id, "resubmit").status_code == 302
    assert take(case.number) in as_user(app, w.assessor2).get("/validation/queue").text


def test_an_assessor_with_a_case_in_assessment_stays_and_the_page_says_why(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    case = _taken(app, db_session, w)
    coordinator = as_user(app, w.coordinator)
    edit = f"/validation/councils/{w.council.id}"
    membership_id = _assessor_membership(db_session, w)
    refused = post_form(coordinator, f"{edit}/members/{membership_id}/remove", {}, token_from=edit)
    assert refused.status_code == 409
    page = refused.text
    # The council's page, with the reason beside the member and linked from the summary.
    assert 'value="Valideringsrådet Svets"' in page and 'id="members"' in page
    assert f"bedömer ärenden i det här rådet ({case.number})" in page
    assert (
        f'href="#member-{membership_id}"' in page and f'id="member-{membership_id}-error"' in page
    )
    assert w.assessor.email in coordinator.get(edit).text


def test_a_council_name_of_only_spaces_is_refused(app: Flask, w: VWorld) -> None:
    coordinator = as_user(app, w.coordinator)
    blank = post_form(coordinator, "/validation/councils/new", {"name": "   "})
    assert blank.status_code == 422
    assert "Skriv rådets namn" in blank.text and 'id="name-error"' in blank.text
    assert post_form(coordinator, "/validation/councils/new", {"name": " x "}).status_code == 422
    listed = coordinator.get("/validation/councils").text
    assert "Valideringsrådet Svets" in listed and '"></a>' not in listed


def test_a_too_long_rationale_is_called_too_long(
    app: Flask, db_session: Session, w: VWorld
) -> None:
    case = _taken(app, db_session, w)
    claim = case.claims[0]
    assessor = as_user(app, w.assessor)
    data = {"method": "interview", "decision": "not_verified", "rationale": "x" * 4001}
    response = post_form(
        assessor,
        f"/validation/cases/{case.id}/claims/{claim.id}",
        data,
        token_from=f"/validation/cases/{case.id}",
    )
    assert response.status_code == 422
    form = response.text.split(f'id="claim-{claim.id}"')[1].split("</form>")[0]
    assert "Skriv högst 4 000 tecken." in form
    assert "Skriv motiveringen till beslutet." not in form
    empty = post_form(
        assessor,
        f"/validation/cases/{case.id}/claims/{claim.id}",
        {**data, "rationale": ""},
        token_from=f"/validation/cases/{case.id}",
    )
    assert "Skriv motiveringen till beslutet." in empty.text


def test_a_case_goes_back_to_the_queue_when_its_assessor_becomes_javig_unsaid(
    app: Flask, db_session: Session, w: VWorld, create_org: Any, create_user: Callable[..., Any]
) -> None:
    """The learner starts a job where the assessor works after he took the case. He was no
    longer the case assessor, yet the case stayed his: nobody could take it and it never moved.
    It now goes back to the queue as if he had declared jäv, and the learner is told nothing."""
    from eportfolio.accounts.models import Membership, Role

    employer = create_org("employer", name="Hässleholms Plåt AB")
    db_session.add(
        Membership(user_id=w.assessor.id, organisation_id=employer.id, role=Role.EMPLOYER)
    )
    db_session.flush()
    db_session.refresh(w.assessor)
    case = _taken(app, db_session, w)
    _assess_first(app, w, case)

    learner = as_user(app, w.learner)
    job = {"occupation_text": "Svetsare", "employer_name": "hässleholms plåt ab ", "ongoing": "on"}
    saved = post_form(learner, "/portfolio/experience/new", {**job, "start": "2025-06"})
    assert saved.status_code == 302
    for page in (learner.get(saved.headers["Location"]).text, learner.get("/notifications").text):
        assert "jäv" not in page.lower() and w.assessor.display_name not in page
    mine = learner.get(f"/validation/cases/{case.id}").text
    assert '<strong class="tag">Inskickat</strong>' in mine
    assert "jäv" not in mine.lower() and w.assessor.display_name not in mine

    assessor = as_user(app, w.assessor)
    assert assessor.get(f"/validation/cases/{case.id}").status_code == 404
    assert f"/validation/cases/{case.id}" not in assessor.get("/validation/queue").text

    other = as_user(app, w.assessor2)
    assert take(case.number) in other.get("/validation/queue").text
    handed = other.get(f"/api/v1/validation/cases/{case.id}").get_json()
    assert handed["state"] == "submitted" and handed["assessor_id"] is None
    assert all(c["decision"] is None for c in handed["claims"])  # his judgement is gone

    admin = as_user(app, create_user("admin"))
    log = admin.get("/admin/audit", query_string={"action": "validation.case.release"}).text
    assert "conflict_detected" in log


def test_people_see_a_case_by_its_diarienummer_and_links_keep_the_id(
    app: Flask, db_session: Session, w: VWorld, create_org: Any
) -> None:
    """A draft has no number; a sent case is VR<council>-<year>-<nnnn> on every page, mail and
    API answer, counted per council, while its address stays /validation/cases/<id>."""
    from eportfolio.validation.registration import year_of

    year = year_of(dt.datetime.now(dt.UTC))
    mailed_before = len(outbox_messages(app.config["MAIL_OUTBOX_DIR"]))
    other = create_org("council", name="Valideringsrådet Vård")
    learner = as_user(app, w.learner)
    headers = {"X-CSRFToken": csrf_token(learner, "/account")}
    made = post_form(
        learner, "/validation/new", {"council_id": w.council.id, "claim_ids": [str(w.claim_ids[0])]}
    )
    case_id = int(re.search(r"/cases/(\d+)", made.headers["Location"]).group(1))
    draft = learner.get(f"/validation/cases/{case_id}").text
    assert "<h1>Utkast till valideringsärende</h1>" in draft and "VR" not in draft
    assert "Utkast från " in learner.get("/validation").text
    assert learner.get(f"/api/v1/validation/cases/{case_id}").json["number"] is None

    elsewhere = learner.post(
        "/api/v1/validation/cases",
        json={"council_id": other.id, "claim_ids": w.claim_ids[1:2], "submit": True},
        headers=headers,
    ).json
    assert elsewhere["number"] == f"VR{other.id}-{year}-0001"
    assert act(learner, case_id, "submit").status_code == 302
    number = f"VR{w.council.id}-{year}-0001"  # the other council's case does not count here
    assert (
        f"<h1>Valideringsärende {number}</h1>" in learner.get(f"/validation/cases/{case_id}").text
    )
    mine = learner.get("/validation").text
    link = f'href="/validation/cases/{case_id}">Ärende <span class="nowrap">{number}</span></a>'
    assert link in mine
    assert learner.get(f"/api/v1/validation/cases/{case_id}").json["id"] == case_id

    assessor = as_user(app, w.assessor)
    queue = assessor.get("/validation/queue").text
    assert link in queue
    assert take(number) in queue
    (item,) = assessor.get("/api/v1/validation/queue").json["items"]
    assert (item["id"], item["number"]) == (case_id, number)
    mails = outbox_messages(app.config["MAIL_OUTBOX_DIR"])[mailed_before:]
    (mail,) = [m for m in mails if m["To"] == w.assessor.email]
    assert number in mail["Subject"] and number in mail.get_content()
    assert "/validation/queue" in mail.get_content()
