"""Evidence as a learner, a guide and an outsider sees it: upload, download, claims, links."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.audit.models import AuditEvent
from eportfolio.portfolios.models import Evidence, EvidenceStatus
from eportfolio.portfolios.services import portfolio_for
from eportfolio.privacy.models import AccessLogEntry
from tests.conftest import csrf_token, login
from tests.evidence_samples import JPEG, make_claim, pdf, png


def _upload(client: FlaskClient, data: bytes, name: str, query: str = "", **form: Any) -> Any:
    token = csrf_token(client, f"/portfolio/evidence{query}")
    return client.post(
        f"/portfolio/evidence/files{query}",
        data={"csrf_token": token, "file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )


def _stored(app: Flask, ev: Evidence) -> Path:
    return Path(app.config["UPLOAD_DIR"]) / str(ev.stored_name)


@pytest.mark.parametrize(
    ("name", "data", "content_type", "kept_name"),
    [
        (
            "Intyg svetsning Hässleholm.pdf",
            pdf(),
            "application/pdf",
            "Intyg svetsning Hässleholm.pdf",
        ),
        ("Foto från jobbet.JPG", JPEG, "image/jpeg", "Foto från jobbet.JPG"),
        ("ritning<1>.png", png(), "image/png", "ritning_1_.png"),
    ],
)
def test_a_good_file_is_stored_under_a_random_name_with_its_hash(
    app: Flask,
    client: FlaskClient,
    create_user: Callable[..., Any],
    db_session: Session,
    name: str,
    data: bytes,
    content_type: str,
    kept_name: str,
) -> None:
    learner = create_user("learner")
    login(client, learner)
    response = _upload(client, data, name, title="Mitt underlag")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    ev = db_session.scalars(select(Evidence)).one()
    assert ev.original_name == kept_name and ev.content_type == content_type
    assert ev.sha256 == hashlib.sha256(data).hexdigest() and ev.size == len(data)
    assert ev.stored_name and kept_name not in ev.stored_name
    stored = _stored(app, ev)
    assert stored.read_bytes() == data
    assert "static" not in str(stored)
    page = client.get("/portfolio/evidence").get_data(as_text=True)
    assert "Mitt underlag" in page


def test_a_download_is_an_attachment_the_browser_will_not_sniff(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    login(client, create_user("learner"))
    _upload(client, pdf(), "Betyg åäö.pdf")
    ev = db_session.scalars(select(Evidence)).one()
    response = client.get(f"/portfolio/evidence/{ev.id}/file")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''Betyg%20%C3%A5%C3%A4%C3%B6.pdf" in response.headers["Content-Disposition"]
    )
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert (
        response.data
        == (Path(client.application.config["UPLOAD_DIR"]) / ev.stored_name).read_bytes()
    )


def test_nobody_else_can_reach_a_file_by_guessing_its_id(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    owner = create_user("learner")
    login(client, owner)
    _upload(client, pdf(), "cv.pdf")
    ev = db_session.scalars(select(Evidence)).one()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get(f"/portfolio/evidence/{ev.id}/file").status_code == 302  # anonymous
    for role in ("learner", "guide"):
        login(client, create_user(role))
        for path in (
            f"/portfolio/evidence/{ev.id}/file",
            f"/portfolio/evidence/{ev.id}/file?learner={owner.id}",
            f"/portfolio/evidence?learner={owner.id}",
            f"/api/v1/me/portfolio/evidence/{ev.id}/file",
        ):
            assert client.get(path).status_code == 404, (role, path)
        client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    for role in ("employer", "assessor", "coordinator"):
        login(client, create_user(role))
        assert client.get(f"/portfolio/evidence/{ev.id}/file?learner={owner.id}").status_code == 403
        client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def test_evidence_documents_a_claim_and_its_removal_undoes_that(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    learner = create_user("learner")
    portfolio = portfolio_for(db_session, learner)
    claim = make_claim(db_session, portfolio, "svetsning")
    validated = make_claim(db_session, portfolio, "truckkörning", status=EvidenceStatus.VALIDATED)
    login(client, learner)
    assert _upload(client, pdf(), "intyg.pdf", claim_id=str(claim.id)).status_code == 302
    db_session.expire_all()
    assert claim.status is EvidenceStatus.DOCUMENTED
    ev = db_session.scalars(select(Evidence)).one()
    token = csrf_token(client, "/portfolio/evidence")
    client.post(
        f"/portfolio/evidence/{ev.id}/claims", data={"csrf_token": token, "claim_id": validated.id}
    )
    link = client.post(
        "/portfolio/evidence/links",
        data={"csrf_token": token, "url": "https://example.se/arbete", "link_claim_id": claim.id},
    )
    assert link.status_code == 302
    db_session.expire_all()
    assert validated.status is EvidenceStatus.VALIDATED  # validation owns that status
    client.post(f"/portfolio/evidence/{ev.id}/claims/{claim.id}/remove", data={"csrf_token": token})
    db_session.expire_all()
    assert claim.status is EvidenceStatus.DOCUMENTED  # the link still backs it
    link_ev = db_session.scalars(select(Evidence).where(Evidence.kind == "link")).one()
    client.post(f"/portfolio/evidence/{link_ev.id}/delete", data={"csrf_token": token})
    client.post(f"/portfolio/evidence/{ev.id}/delete", data={"csrf_token": token})
    db_session.expire_all()
    assert claim.status is EvidenceStatus.SELF_DECLARED
    assert validated.status is EvidenceStatus.VALIDATED
    assert db_session.scalars(select(Evidence)).all() == []


def test_deleting_evidence_removes_its_file(
    app: Flask, client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    login(client, create_user("learner"))
    _upload(client, png(), "bild.png")
    ev = db_session.scalars(select(Evidence)).one()
    stored = _stored(app, ev)
    assert stored.exists()
    token = csrf_token(client, "/portfolio/evidence")
    assert (
        client.post(f"/portfolio/evidence/{ev.id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    assert not stored.exists()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.se/fil.pdf",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "https://bank.se@evil.example/",
        "https://",
        "example.se",
        "https://exa mple.se",
        "https://example.se:99999/",
        "http://localhost/",
        "",
    ],
)
def test_only_plain_web_links_are_accepted(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session, url: str
) -> None:
    login(client, create_user("learner"))
    token = csrf_token(client, "/portfolio/evidence")
    response = client.post(
        "/portfolio/evidence/links", data={"csrf_token": token, "url": url, "link_title": "x"}
    )
    assert response.status_code == 422
    assert 'id="url-error"' in response.get_data(as_text=True)
    assert db_session.scalars(select(Evidence)).all() == []


def test_a_failed_database_write_leaves_no_file(
    app: Flask, create_user: Callable[..., Any], db_session: Session, monkeypatch: Any
) -> None:
    from sqlalchemy.exc import OperationalError
    from werkzeug.datastructures import FileStorage

    from eportfolio.errors import DomainError
    from eportfolio.evidence import services

    learner = create_user("learner")
    portfolio = portfolio_for(db_session, learner)
    upload_dir = Path(app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    before = set(upload_dir.iterdir())

    def broken_flush(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("disk full"))

    with app.test_request_context():
        monkeypatch.setattr(db_session, "flush", broken_flush)
        with pytest.raises(OperationalError):
            services.add_file(
                db_session, learner, portfolio, FileStorage(io.BytesIO(pdf()), "cv.pdf")
            )
        monkeypatch.undo()
        assert set(upload_dir.iterdir()) == before
        # A refusal after the file was written (unknown claim) keeps nothing either.
        with pytest.raises(DomainError):
            services.add_file(
                db_session,
                learner,
                portfolio,
                FileStorage(io.BytesIO(pdf()), "cv.pdf"),
                claim_id=999_999,
            )
        assert set(upload_dir.iterdir()) == before


def test_a_request_that_fails_after_the_upload_keeps_no_file(
    app: Flask,
    client: FlaskClient,
    create_user: Callable[..., Any],
    db_session: Session,
    monkeypatch: Any,
) -> None:
    from eportfolio.evidence import views

    login(client, create_user("learner"))
    upload_dir = Path(app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    before = set(upload_dir.iterdir())

    def crash(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("after the upload")

    monkeypatch.setattr(views, "flash", crash)
    response = _upload(client, pdf(), "cv.pdf")
    assert response.status_code == 500
    assert set(upload_dir.iterdir()) == before
    assert db_session.scalars(select(Evidence)).all() == []


def test_a_guide_with_access_works_on_the_learners_evidence_on_their_behalf(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    from eportfolio.privacy import services as privacy

    learner = create_user("learner")
    guide = create_user("guide")
    centre = guide.organisations()[0]
    grant = privacy.grant_guide(db_session, learner, guide.id, centre.id)
    login(client, guide)
    query = f"?learner={learner.id}"
    page = client.get(f"/portfolio/evidence{query}")
    assert page.status_code == 200 and learner.display_name in page.get_data(as_text=True)
    assert _upload(client, pdf(), "intyg.pdf", query).status_code == 302
    ev = db_session.scalars(select(Evidence)).one()
    assert ev.portfolio.user_id == learner.id and ev.uploaded_by_id == guide.id
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "evidence.uploaded")
    ).one()
    assert event.actor_id == guide.id and event.on_behalf_of_id == learner.id
    assert client.get(f"/portfolio/evidence/{ev.id}/file{query}").status_code == 200
    seen = db_session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.learner_id == learner.id)
    ).all()
    assert {e.what for e in seen} >= {"evidence", "evidence_file"}
    assert all(e.viewer_role == "guide" and e.viewer_organisation_id == centre.id for e in seen)
    privacy.revoke_guide(db_session, learner, grant.id)
    assert client.get(f"/portfolio/evidence{query}").status_code == 404
    assert client.get(f"/portfolio/evidence/{ev.id}/file{query}").status_code == 404
    assert _upload(client, pdf(), "mer.pdf", query).status_code == 404
    assert client.get("/portfolio/evidence").status_code == 302  # to the guide's learner list


def test_the_api_mirrors_the_pages(
    client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    learner = create_user("learner")
    claim = make_claim(db_session, portfolio_for(db_session, learner))
    login(client, learner)
    headers = {"X-CSRFToken": csrf_token(client, "/account")}
    up = client.post(
        "/api/v1/me/portfolio/evidence",
        data={"file": (io.BytesIO(JPEG), "foto.jpg"), "title": "Foto", "claim_id": str(claim.id)},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert up.status_code == 201, up.json
    assert (
        up.json["content_type"] == "image/jpeg" and up.json["claims"][0]["status"] == "documented"
    )
    link = client.post(
        "/api/v1/me/portfolio/evidence/links",
        json={"url": "https://example.se/x", "title": "Artikel"},
        headers=headers,
    )
    assert link.status_code == 201
    bad = client.post(
        "/api/v1/me/portfolio/evidence/links", json={"url": "javascript:alert(1)"}, headers=headers
    )
    assert bad.status_code == 422 and "url" in bad.json["errors"]
    attach = client.post(
        f"/api/v1/me/portfolio/evidence/{link.json['id']}/claims",
        json={"claim_id": claim.id},
        headers=headers,
    )
    assert attach.status_code == 200 and attach.json["claims"][0]["id"] == claim.id
    listed = client.get("/api/v1/me/portfolio/evidence").json
    assert [e["title"] for e in listed] == ["Foto", "Artikel"]
    got = client.get(f"/api/v1/me/portfolio/evidence/{up.json['id']}/file")
    assert got.data == JPEG and got.headers["Content-Disposition"].startswith("attachment")
    detach = client.delete(
        f"/api/v1/me/portfolio/evidence/{link.json['id']}/claims/{claim.id}", headers=headers
    )
    assert detach.status_code == 204
    assert (
        client.delete(f"/api/v1/me/portfolio/evidence/{up.json['id']}", headers=headers).status_code
        == 204
    )
    db_session.expire_all()
    assert claim.status is EvidenceStatus.SELF_DECLARED
    spec = client.get("/api/v1/openapi.json").json["paths"]
    assert (
        "multipart/form-data"
        in spec["/api/v1/me/portfolio/evidence"]["post"]["requestBody"]["content"]
    )


def test_removing_evidence_asks_first_and_can_be_called_off(
    app: Flask, client: FlaskClient, create_user: Callable[..., Any], db_session: Session
) -> None:
    """'Remove' leads to a question, without JavaScript; only 'Yes, remove it' deletes."""
    learner = create_user("learner")
    claim = make_claim(db_session, portfolio_for(db_session, learner), "svetsning")
    login(client, learner)
    _upload(client, png(), "bild.png", title="Foto av svets", claim_id=str(claim.id))
    listing = client.get("/portfolio/evidence").text
    remove = re.search(r'<a href="(/portfolio/evidence/\d+/delete)"[^>]*>Ta bort', listing)
    assert remove, "Remove is a link to a question, not a form that deletes"
    question = client.get(remove.group(1))
    assert question.status_code == 200
    assert "Ta bort ”Foto av svets”?" in question.text and "bild.png" in question.text
    assert "svetsning" in question.text  # the skill it backs is named
    keep = re.search(r'<a href="([^"]+)"[^>]*>Nej, behåll', question.text).group(1)
    assert "Foto av svets" in client.get(keep).text  # calling it off keeps the evidence
    token = re.search(r'name="csrf_token" value="([^"]+)"', question.text).group(1)
    done = client.post(remove.group(1), data={"csrf_token": token}, follow_redirects=True)
    assert "Foto av svets" not in done.text.split('id="upload-heading"')[0].split("</h1>", 1)[1]
    assert db_session.scalars(select(Evidence)).all() == []
