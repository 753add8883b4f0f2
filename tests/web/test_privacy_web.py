"""Consents, guide access and the access log, as the learner and the guide use them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.audit.models import AuditEvent
from eportfolio.portfolios.services import portfolio_for
from eportfolio.privacy import services as privacy
from eportfolio.privacy.models import ConsentKind, ConsentRecord
from tests.conftest import csrf_token, login


def _post(client: FlaskClient, path: str, **data: Any) -> Any:
    return client.post(path, data={"csrf_token": csrf_token(client, "/account"), **data})


def test_consent_is_one_click_each_way_with_a_visible_history(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    learner = create_user("learner")
    login(client, learner)
    assert privacy.matching_visible(db_session, learner.id) is False  # opt-in, never assumed
    page = client.get("/privacy/consents").get_data(as_text=True)
    assert "Ge samtycke" in page
    assert _post(client, "/privacy/consents/matching", decision="give").status_code == 302
    assert privacy.matching_visible(db_session, learner.id) is True
    page = client.get("/privacy/consents").get_data(as_text=True)
    assert "Återkalla samtycke" in page
    assert _post(client, "/privacy/consents/matching", decision="withdraw").status_code == 302
    assert privacy.matching_visible(db_session, learner.id) is False  # at once
    _post(client, "/privacy/consents/matching", decision="withdraw")  # a second click: no noise
    history = privacy.consent_history(db_session, learner)
    assert [r.granted for r in history] == [False, True]
    assert all(r.text_version == privacy.TEXT_VERSIONS[ConsentKind.MATCHING] for r in history)
    page = client.get("/privacy/consents").get_data(as_text=True)
    assert page.count("Återkallat") == 1 and page.count("Givet") == 1
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("consent.%"))
    ).all()
    assert actions == ["consent.given", "consent.withdrawn"]


def test_the_matching_index_hears_a_withdrawal_at_once_and_a_grant_on_commit(
    client: FlaskClient, create_user: Callable[..., Any], monkeypatch: Any
) -> None:
    heard: list[tuple[int, bool]] = []
    monkeypatch.setattr(privacy, "_visibility_listeners", [lambda u, v: heard.append((u, v))])
    learner = create_user("learner")
    login(client, learner)
    _post(client, "/privacy/consents/matching", decision="give")
    _post(client, "/privacy/consents/matching", decision="withdraw")
    assert heard == [(learner.id, True), (learner.id, False)]


def test_identity_sharing_is_per_employer_and_withdrawn_with_one_click(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    learner = create_user("learner")
    first, second = create_user("employer"), create_user("employer")
    org_a, org_b = first.organisations()[0], second.organisations()[0]
    privacy.grant_identity(db_session, learner, org_a)
    privacy.grant_identity(db_session, learner, org_b)
    assert privacy.identity_shared(db_session, learner.id, org_a.id)
    login(client, learner)
    page = client.get("/privacy/consents").get_data(as_text=True)
    assert org_a.name in page and org_b.name in page
    assert _post(client, f"/privacy/consents/identity/{org_a.id}/withdraw").status_code == 302
    assert not privacy.identity_shared(db_session, learner.id, org_a.id)
    assert privacy.identity_shared(db_session, learner.id, org_b.id)
    record = privacy.current_consent(db_session, learner, ConsentKind.SHARE_IDENTITY, org_a)
    assert record is not None and record.granted is False
    # Not an employer, or never decided: nothing to withdraw.
    assert _post(client, "/privacy/consents/identity/999999/withdraw").status_code == 404
    learner_org = create_user("guide").organisations()[0]  # a lärcentrum, not an employer
    assert _post(client, f"/privacy/consents/identity/{learner_org.id}/withdraw").status_code == 404


def test_an_erased_or_inactive_learner_is_never_visible(
    create_user: Callable[..., Any], db_session: Session
) -> None:
    learner = create_user("learner")
    privacy.give_matching_consent(db_session, learner)
    assert privacy.matching_visible(db_session, learner.id)
    learner.is_active = False
    assert not privacy.matching_visible(db_session, learner.id)
    assert not privacy.matching_visible(db_session, 10**9)


def test_a_learner_gives_and_ends_a_guides_access(
    client: FlaskClient, create_user: Callable[..., Any], create_org: Any, db_session: Session
) -> None:
    learner = create_user("learner")
    guide = create_user("guide", display_name="Karin Vägledare")
    centre = guide.organisations()[0]
    closed = create_org("learning_centre", status="rejected", name="Stängt lärcentrum")
    create_user("guide", organisation=closed, display_name="Gunnar Stängd")
    login(client, learner)
    page = client.get("/privacy/guides").get_data(as_text=True)
    assert "Karin Vägledare" in page and "Gunnar Stängd" not in page
    response = _post(client, "/privacy/guides", guide=f"{centre.id}:{guide.id}")
    assert response.status_code == 302
    grant = privacy.live_grant(db_session, learner.id, guide)
    assert grant is not None
    portfolio = portfolio_for(db_session, learner)
    from eportfolio.permissions import Permission, can

    assert can(guide, Permission.PORTFOLIO_EDIT, portfolio)
    offered = client.get("/privacy/guides").get_data(as_text=True)
    assert f'value="{centre.id}:{guide.id}"' not in offered  # has access: not offered again
    again = _post(client, "/privacy/guides", guide=f"{centre.id}:{guide.id}")
    assert again.status_code == 422
    assert _post(client, f"/privacy/guides/{grant.id}/revoke").status_code == 302
    assert not can(guide, Permission.PORTFOLIO_EDIT, portfolio)
    page = client.get("/privacy/guides").get_data(as_text=True)
    assert "Avslutade åtkomster" in page


@pytest.mark.parametrize(
    "choice", ["", "x", "1", ":", "0:0", "abc:def", "99999:99999", "1:999999999999999999999"]
)
def test_a_bad_guide_choice_is_a_clear_error(
    client: FlaskClient, create_user: Callable[..., Any], choice: str
) -> None:
    create_user("guide")
    login(client, create_user("learner"))
    response = _post(client, "/privacy/guides", guide=choice)
    assert response.status_code == 422
    assert 'id="guide-error"' in response.get_data(as_text=True)


def test_a_learner_cannot_be_made_a_guide_and_a_guide_cannot_be_picked_for_another_centre(
    client: FlaskClient, create_user: Callable[..., Any], create_org: Any
) -> None:
    learner, other = create_user("learner"), create_user("learner")
    guide = create_user("guide")
    elsewhere = create_org("learning_centre")
    login(client, learner)
    assert _post(client, "/privacy/guides", guide=f"{elsewhere.id}:{guide.id}").status_code == 422
    centre = guide.organisations()[0]
    assert _post(client, "/privacy/guides", guide=f"{centre.id}:{other.id}").status_code == 422


def test_a_guide_sees_the_learners_who_gave_access_and_loses_them_with_the_centre(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    learner = create_user("learner", display_name="Amira Haddad")
    create_user("learner", display_name="Johan Nilsson")
    guide = create_user("guide")
    centre = guide.organisations()[0]
    privacy.grant_guide(db_session, learner, guide.id, centre.id)
    login(client, guide)
    page = client.get("/guide/learners").get_data(as_text=True)
    assert "Amira Haddad" in page and "Johan Nilsson" not in page
    assert f"/portfolio?learner={learner.id}" in page
    assert 'href="/training">Utbildningar</a>' in page  # where the courses to suggest are
    from eportfolio.accounts.models import OrgStatus

    centre.status = OrgStatus.REJECTED  # the lärcentrum is closed: its grants stop working
    db_session.flush()
    assert privacy.live_grant(db_session, learner.id, guide) is None
    page = client.get("/guide/learners").get_data(as_text=True)
    assert "Amira Haddad" not in page


def test_the_access_log_shows_role_and_organisation_never_who(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    learner = create_user("learner")
    guide = create_user("guide", display_name="Hemliga Vägledaren")
    employer = create_user("employer", display_name="Hemliga Arbetsgivaren")
    privacy.log_access(db_session, learner.id, guide, "portfolio")
    privacy.log_access(db_session, learner.id, employer, "candidate_card")
    privacy.log_access(db_session, learner.id, learner, "portfolio")  # one's own look: not logged
    login(client, learner)
    page = client.get("/privacy/access-log").get_data(as_text=True)
    assert "Vägledare" in page and guide.organisations()[0].name in page
    assert employer.organisations()[0].name in page
    assert "Hemliga" not in page and guide.email not in page
    api = client.get("/api/v1/me/access-log").json
    assert len(api) == 2 and all("viewer_id" not in e for e in api)
    assert {e["viewer_role"] for e in api} == {"guide", "employer"}


def test_the_api_mirrors_consents_and_guides(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    learner = create_user("learner")
    guide = create_user("guide")
    employer_org = create_user("employer").organisations()[0]
    login(client, learner)
    headers = {"X-CSRFToken": csrf_token(client, "/account")}
    given = client.post(
        "/api/v1/me/consents", json={"kind": "matching", "granted": True}, headers=headers
    )
    assert given.status_code == 201 and given.json["granted"] is True
    assert client.get("/api/v1/me/consents").json["matching_visible"] is True
    refused = client.post(
        "/api/v1/me/consents",
        json={"kind": "share_identity", "granted": True, "employer_id": employer_org.id},
        headers=headers,
    )
    assert refused.status_code == 422  # identity is shared by answering a contact request
    privacy.grant_identity(db_session, learner, employer_org)
    withdrawn = client.post(
        "/api/v1/me/consents",
        json={"kind": "share_identity", "granted": False, "employer_id": employer_org.id},
        headers=headers,
    )
    assert withdrawn.status_code == 201
    state = client.get("/api/v1/me/consents").json
    assert state["share_identity"] == [
        {"employer_id": employer_org.id, "employer_name": employer_org.name, "granted": False}
    ]
    assert len(state["history"]) == 3
    options = client.get("/api/v1/me/guides").json["available"]
    choice = next(o for o in options if o["guide_id"] == guide.id)
    made = client.post(
        "/api/v1/me/guides",
        json={"guide_id": guide.id, "organisation_id": choice["organisation_id"]},
        headers=headers,
    )
    assert made.status_code == 201 and made.json["revoked_at"] is None
    assert client.delete(f"/api/v1/me/guides/{made.json['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/me/guides").json["grants"][0]["revoked_at"] is not None
    records = db_session.scalars(select(ConsentRecord)).all()
    assert all(r.actor_id == learner.id for r in records)


def test_guides_cannot_decide_for_the_learner(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    learner = create_user("learner")
    guide = create_user("guide")
    privacy.grant_guide(db_session, learner, guide.id, guide.organisations()[0].id)
    login(client, guide)
    for path in ("/privacy/consents", "/privacy/guides", "/privacy/access-log"):
        assert client.get(path).status_code == 403
        assert client.get(f"{path}?learner={learner.id}").status_code == 403
    assert _post(client, "/privacy/consents/matching", decision="give").status_code == 403


def test_export_and_deletion_through_the_pages_and_the_api(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    import io
    import json
    import zipfile

    from eportfolio.accounts.models import User
    from tests.conftest import DEMO_PASSWORD

    learner = create_user("learner", display_name="Sara Export")
    learner_id = learner.id
    login(client, learner)
    page = _post(client, "/privacy/export")
    assert page.status_code == 200 and page.mimetype == "application/zip"
    assert page.headers["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(page.data)) as archive:
        data = json.loads(archive.read("meritportfolj.json"))
    page.close()  # a server closes the response, and with it the spooled zip
    assert data["tables"]["users"][0]["display_name"] == "Sara Export"
    api = client.get("/api/v1/me/export")
    assert api.status_code == 200 and api.mimetype == "application/zip"
    api.close()
    wrong = _post(client, "/privacy/delete-account", password="inte mitt lösenord")
    assert wrong.status_code == 422 and 'id="password-error"' in wrong.get_data(as_text=True)
    done = _post(client, "/privacy/delete-account", password=DEMO_PASSWORD)
    assert done.status_code == 302
    db_session.expire_all()
    assert db_session.get(User, learner_id) is None
    assert client.get("/account").status_code == 302  # logged out
    assert client.get("/api/v1/me").status_code == 401
