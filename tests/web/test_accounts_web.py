"""Registration, login, logout, password change and reset through the real forms."""

from __future__ import annotations

import datetime as dt
import re
import socket
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Organisation, OrgStatus, PendingRegistration, User
from eportfolio.audit import services as audit
from eportfolio.audit.models import AuditEvent
from eportfolio.db import utcnow
from eportfolio.mail import outbox_messages
from tests.conftest import DEMO_PASSWORD, csrf_token, login, mails_to, post_form, register

GOOD = "tallkotte-regnrock-fiol-7"


def test_learner_registers_and_lands_on_their_start_page(
    client: FlaskClient, db_session: Session
) -> None:
    """The account is made when the mailed link is opened and its button pressed."""
    link = register(
        client,
        {
            "display_name": "Amal Yusuf",
            "email": " Amal.Yusuf@Example.se ",
            "password": GOOD,
            "preferred_language": "en",
        },
    )
    assert db_session.scalar(select(User).where(User.email == "amal.yusuf@example.se")) is None
    mail = mails_to(client, "amal.yusuf@example.se")[-1]
    assert "within 24 hours" in mail.get_content()  # in the language chosen on the form
    # Opening the link shows what will be made; a mail scanner that opens it makes nothing.
    confirm = client.get(link)
    assert confirm.status_code == 200 and "Amal Yusuf" in confirm.text
    assert client.get(link).status_code == 200
    assert db_session.scalar(select(User).where(User.email == "amal.yusuf@example.se")) is None
    made = post_form(client, link, {})
    assert made.status_code == 302 and made.headers["Location"] == "/"
    user = db_session.scalar(select(User).where(User.email == "amal.yusuf@example.se"))
    assert (
        user is not None and user.password_hash != GOOD and user.password_hash.startswith("$argon2")
    )
    assert [r.value for r in user.roles] == ["learner"]
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == str(user.id))
    ).all()
    assert "account.created" in actions
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Amal Yusuf" in page  # the chosen language is used right away
    assert "Your meritportfölj" in page
    assert db_session.scalar(select(func.count()).select_from(PendingRegistration)) == 0


def test_registration_errors_keep_what_was_typed_and_save_nothing(
    client: FlaskClient, db_session: Session
) -> None:
    response = post_form(
        client, "/register", {"display_name": "Amal", "email": "amal@example", "password": "kort"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Det finns ett problem" in html  # the error summary, in Swedish by default
    assert 'href="#email"' in html and 'href="#password"' in html
    assert 'value="Amal"' in html and 'value="amal@example"' in html
    assert 'value="kort"' not in html  # passwords are never echoed back
    assert db_session.scalar(select(User).where(User.display_name == "Amal")) is None
    assert db_session.scalar(select(func.count()).select_from(PendingRegistration)) == 0
    assert mails_to(client, "amal@example") == []


def test_a_password_built_from_ones_own_name_is_refused_at_once(client: FlaskClient) -> None:
    """The checks that need the name and address run on the form, before any mail."""
    form = {"display_name": "Amira Haddad", "email": "amira@example.se", "password": "amirahaddad1"}
    response = post_form(client, "/register", form)
    assert response.status_code == 422 and 'href="#password"' in response.text
    assert 'value="Amira Haddad"' in response.text and 'value="amira@example.se"' in response.text
    assert mails_to(client, "amira@example.se") == []


def _sent_page(response: Any, address: str) -> str:
    """The answer to a registration, with the address typed and the form's token left out."""
    page = response.get_data(as_text=True).replace(address, "ADDRESS")
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def test_the_form_answers_the_same_whether_or_not_the_address_has_an_account(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    """Nobody can use the form to find out who has an account; the holder is told by mail."""
    holder = create_user(email="karin@example.se")
    hash_before = holder.password_hash
    answers = []
    for address in ("KARIN@example.se", "karin.ny@example.se"):
        sent = post_form(
            client, "/register", {"display_name": "K", "email": address, "password": GOOD}
        )
        answers.append((sent.status_code, _sent_page(sent, address.casefold())))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and "Kolla din e-post" in answers[0][1]
    assert "Det finns redan ett konto" not in answers[0][1]
    told = mails_to(client, "karin@example.se")[-1]
    assert told["Subject"] == "Någon försökte registrera sig med din e-postadress"
    text = told.get_content()
    assert "/register/confirm/" not in text  # no way to a second account for the address
    assert "http://localhost/login" in text and "http://localhost/password/forgot" in text
    assert "/register/confirm/" in mails_to(client, "karin.ny@example.se")[-1].get_content()
    # No account is changed and none is added; nothing waits for the address that has one.
    db_session.expire_all()
    holders = db_session.scalars(select(User).where(User.email == "karin@example.se")).all()
    assert holders == [holder] and holder.password_hash == hash_before
    waiting = db_session.scalars(select(PendingRegistration.email)).all()
    assert waiting == ["karin.ny@example.se"]


def test_a_registration_waiting_for_its_link_lets_no_one_log_in(
    client: FlaskClient, db_session: Session
) -> None:
    form = {"display_name": "Hana", "email": "hana@example.se", "password": GOOD}
    link = register(client, form)
    refused = post_form(client, "/login", {"email": "hana@example.se", "password": GOOD})
    assert refused.status_code == 422
    assert "E-postadressen eller lösenordet är fel" in refused.text
    assert post_form(client, link, {}).status_code == 302
    other = FlaskClient(client.application, use_cookies=True)
    assert (
        post_form(other, "/login", {"email": "hana@example.se", "password": GOOD}).status_code
        == 302
    )


def test_a_used_or_expired_link_is_refused_with_a_way_to_register_again(
    client: FlaskClient, db_session: Session
) -> None:
    used = register(client, {"display_name": "Ali", "email": "ali@example.se", "password": GOOD})
    assert post_form(client, used, {}).status_code == 302
    expired = register(
        FlaskClient(client.application, use_cookies=True),
        {"display_name": "Bo", "email": "bo@example.se", "password": GOOD},
    )
    pending = db_session.scalar(
        select(PendingRegistration).where(PendingRegistration.email == "bo@example.se")
    )
    pending.expires_at = utcnow() - dt.timedelta(minutes=1)
    db_session.commit()  # the test's outer transaction still rolls back
    stranger = FlaskClient(client.application, use_cookies=True)
    for link in (used, expired):
        for response in (stranger.get(link), post_form(stranger, link, {}, token_from="/login")):
            assert response.status_code == 404
            assert "Länken fungerar inte längre" in response.text
            assert 'href="/register"' in response.text and 'href="/login"' in response.text
    assert db_session.scalar(select(User).where(User.email == "bo@example.se")) is None
    assert stranger.get("/account").status_code == 302  # not logged in by a refused link
    # A later registration clears registrations left to expire: nothing typed is kept longer.
    register(stranger, {"display_name": "Cy", "email": "cy@example.se", "password": GOOD})
    db_session.expire_all()
    assert db_session.scalars(select(PendingRegistration.email)).all() == ["cy@example.se"]


def test_registering_again_replaces_the_earlier_link(
    client: FlaskClient, db_session: Session
) -> None:
    form = {"display_name": "Dana", "email": "dana@example.se", "password": GOOD}
    first = register(client, form)
    second = register(client, form | {"display_name": "Dana Berg", "email": "DANA@example.se"})
    text = mails_to(client, "dana@example.se")[-1].get_content()
    assert "bara länken i det senaste meddelandet" in text  # the mail says the newest one works
    stranger = FlaskClient(client.application, use_cookies=True)
    assert stranger.get(first).status_code == 404
    assert "Dana Berg" in stranger.get(second).text
    assert db_session.scalar(select(func.count()).select_from(PendingRegistration)) == 1
    assert post_form(client, second, {}).status_code == 302
    user = db_session.scalar(select(User).where(User.email == "dana@example.se"))
    assert user is not None and user.display_name == "Dana Berg"


def test_the_mail_carries_nothing_typed_in_the_form(client: FlaskClient) -> None:
    """The address is not yet known to be the typist's: a stranger's words must not reach it."""
    register(
        client,
        {
            "display_name": "Köp billigt på spam.example",
            "email": "eva@example.se",
            "password": GOOD,
        },
    )
    mail = mails_to(client, "eva@example.se")[-1]
    assert "spam.example" not in mail.get_content() and "spam.example" not in mail["Subject"]


def test_registration_is_rate_limited_per_client_and_per_address_mailed(
    app: Flask, client: FlaskClient
) -> None:
    token = csrf_token(client, "/register")

    def send(address: str, password: str = GOOD) -> int:
        form = {"display_name": "X", "email": address, "password": password, "csrf_token": token}
        return client.post("/register", data=form).status_code

    per_email = int(app.config["REGISTER_LIMIT_PER_EMAIL"].split()[0])
    assert [send("same@example.se", "kort") for _ in range(per_email + 1)] == [422] * (
        per_email + 1
    )  # a form with mistakes mails nobody and is not counted
    codes = [send("same@example.se") for _ in range(per_email + 1)]
    assert codes == [200] * per_email + [429]
    assert len(mails_to(client, "same@example.se")) == per_email
    per_client = int(app.config["REGISTER_LIMIT_PER_ADDRESS"].split()[0])
    codes = [send(f"person{i}@example.se") for i in range(per_client - per_email + 1)]
    assert codes[-1] == 429 and 429 not in codes[:-1]
    # The employer form shares the limit: it is no way around it.
    employer = {
        "organisation_name": "Runt AB",
        "org_number": "5560160680",
        "display_name": "R",
        "email": "runt@example.se",
        "password": GOOD,
        "csrf_token": token,
    }
    assert client.post("/register/employer", data=employer).status_code == 429


def test_employer_registration_waits_for_a_coordinator(
    client: FlaskClient, db_session: Session, create_user: Any
) -> None:
    form = {
        "organisation_name": "Osby Snickeri AB",
        "org_number": "5560160680",
        "display_name": "Per",
        "email": "per@osbysnickeri.se",
        "password": GOOD,
    }
    link = register(client, form, "/register/employer")
    # Nothing, the organisation neither, exists until the address is confirmed.
    assert (
        db_session.scalar(select(Organisation).where(Organisation.name == "Osby Snickeri AB"))
        is None
    )
    confirm = client.get(link).text
    assert "Osby Snickeri AB" in confirm and "556016-0680" in confirm
    response = post_form(client, link, {})
    assert response.status_code == 302
    org = db_session.scalar(select(Organisation).where(Organisation.name == "Osby Snickeri AB"))
    assert org is not None and org.status is OrgStatus.PENDING and org.org_number == "556016-0680"
    start = client.get("/").get_data(as_text=True)
    assert "Väntar på godkännande" in start and "Hitta kandidater" not in start
    assert client.get("/admin/organisations").status_code == 403

    coordinator = create_user("coordinator")
    other = FlaskClient(client.application, use_cookies=True)
    login(other, coordinator)
    assert "Osby Snickeri AB" in other.get("/admin/organisations").get_data(as_text=True)
    decided = post_form(
        other,
        f"/admin/organisations/{org.id}/decision",
        {"decision": "approve"},
        token_from="/admin/organisations",
    )
    assert decided.status_code == 302
    assert "Hitta kandidater" in client.get("/").get_data(as_text=True)
    # The e-mail the waiting page promised, and the same note in the service.
    mails = outbox_messages(client.application.config["MAIL_OUTBOX_DIR"])
    approved = [m for m in mails if m["To"] == "per@osbysnickeri.se"]
    assert approved and "Osby Snickeri AB" in approved[-1]["Subject"]
    assert "http://localhost/" in approved[-1].get_content()  # a link a mail reader can open
    assert "Osby Snickeri AB är godkänd" in client.get("/notifications").text
    # The coordinator sees who registered it, and can change the decision: a false employer
    # loses access at once; a second click on the same decision changes nothing.
    listing = other.get("/admin/organisations").text.split('id="decided-heading"')[1]
    assert "Osby Snickeri AB" in listing and "per@osbysnickeri.se" in listing
    again = post_form(
        other,
        f"/admin/organisations/{org.id}/decision",
        {"decision": "approve"},
        token_from="/admin/organisations",
    )
    assert again.status_code == 302
    rejected = post_form(
        other,
        f"/admin/organisations/{org.id}/decision",
        {"decision": "reject"},
        token_from="/admin/organisations",
    )
    assert rejected.status_code == 302
    assert (
        client.get("/needs").status_code == 403 and "Hitta kandidater" not in client.get("/").text
    )


def test_employer_registration_with_an_address_that_has_an_account_makes_nothing(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    learner = create_user(email="lena@example.se")
    form = {
        "organisation_name": "Lenas Bygg AB",
        "org_number": "5560160680",
        "display_name": "Lena",
        "password": GOOD,
    }
    answers = []
    for address in (learner.email, "lena.ny@example.se"):
        sent = post_form(client, "/register/employer", form | {"email": address})
        answers.append((sent.status_code, _sent_page(sent, address)))
    assert answers[0] == answers[1] and answers[0][0] == 200
    told = mails_to(client, learner.email)[-1].get_content()
    assert "/register/confirm/" not in told and "koppla ditt konto" in told
    assert (
        db_session.scalar(select(Organisation).where(Organisation.name == "Lenas Bygg AB")) is None
    )
    assert [r.value for r in learner.roles] == ["learner"]


def test_an_organisation_is_registered_once_even_by_two_waiting_registrations(
    client: FlaskClient, db_session: Session
) -> None:
    """Organisation numbers are public: a taken one is told at once, and again on confirming."""
    form = {
        "organisation_name": "Hörby El AB",
        "org_number": "556016-0680",
        "display_name": "Ola",
        "password": GOOD,
    }
    first = register(client, form | {"email": "ola@horbyel.se"}, "/register/employer")
    other = FlaskClient(client.application, use_cookies=True)
    second = register(other, form | {"email": "eva@horbyel.se"}, "/register/employer")
    assert post_form(client, first, {}).status_code == 302
    refused = post_form(other, second, {})
    assert refused.status_code == 409 and "redan registrerad" in refused.text
    assert db_session.scalar(select(User).where(User.email == "eva@horbyel.se")) is None
    again = post_form(other, "/register/employer", form | {"email": "eva@horbyel.se"})
    assert again.status_code == 422 and 'href="#org_number"' in again.text


def test_employer_with_invalid_org_number_gets_a_clear_message(client: FlaskClient) -> None:
    response = post_form(
        client,
        "/register/employer",
        {
            "organisation_name": "Fel AB",
            "org_number": "556016-0681",
            "display_name": "P",
            "email": "p@fel.se",
            "password": GOOD,
        },
    )
    assert response.status_code == 422
    assert "kontrollera den sista siffran" in response.get_data(as_text=True)


def test_login_sets_a_fresh_session_and_logout_ends_it(
    client: FlaskClient, create_user: Any
) -> None:
    user = create_user()
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    login(client, user)
    with client.session_transaction() as sess:
        assert "planted" not in sess and sess.permanent
    assert client.get("/account").status_code == 200
    response = post_form(client, "/logout", {}, token_from="/account")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(
    client: FlaskClient, create_user: Any
) -> None:
    user = create_user()
    for email in (user.email, "nobody@example.se"):
        response = post_form(client, "/login", {"email": email, "password": "wrong-password-x"})
        assert response.status_code == 422
        assert "E-postadressen eller lösenordet är fel" in response.get_data(as_text=True)


def test_failed_logins_are_audited(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    user = create_user()
    post_form(client, "/login", {"email": user.email, "password": "wrong-password-x"})
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == str(user.id))
    ).all()
    assert "login.failed" in actions
    assert audit.verify(db_session).ok


def test_login_is_rate_limited_per_account(client: FlaskClient, create_user: Any) -> None:
    user = create_user()
    token = csrf_token(client)
    codes = [
        client.post(
            "/login",
            data={"email": user.email, "password": "wrong-password-x", "csrf_token": token},
        ).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [422] * 5 and codes[5] == 429
    response = client.post(
        "/login", data={"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429  # even the right password waits
    assert "För många försök" in response.get_data(as_text=True)


def test_login_is_rate_limited_per_client_address(app: Flask, client: FlaskClient) -> None:
    token = csrf_token(client)
    limit = int(app.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
    codes = [
        client.post(
            "/login", data={"email": f"guess{i}@example.se", "password": "x", "csrf_token": token}
        ).status_code
        for i in range(limit + 1)
    ]
    assert codes[-1] == 429 and 429 not in codes[:-1]


def test_password_change_logs_out_other_sessions(client: FlaskClient, create_user: Any) -> None:
    user = create_user()
    login(client, user)
    elsewhere = FlaskClient(client.application, use_cookies=True)
    login(elsewhere, user)
    response = post_form(
        client, "/account/password", {"current_password": DEMO_PASSWORD, "new_password": GOOD}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302  # the other session is over


def test_password_change_needs_the_current_password(client: FlaskClient, create_user: Any) -> None:
    login(client, create_user())
    response = post_form(
        client, "/account/password", {"current_password": "not-it-at-all", "new_password": GOOD}
    )
    assert response.status_code == 422
    assert "Det nuvarande lösenordet är fel" in response.get_data(as_text=True)


def test_password_reset_by_emailed_link_works_once(
    app: Flask, client: FlaskClient, create_user: Any
) -> None:
    user = create_user()
    response = post_form(client, "/password/forgot", {"email": user.email})
    assert response.status_code == 200
    message = outbox_messages(app.config["MAIL_OUTBOX_DIR"])[-1]
    assert message["To"] == user.email
    link = re.search(r"http://localhost(/password/reset/\S+)", message.get_content())
    assert link, message.get_content()
    path = link.group(1)
    assert post_form(client, path, {"new_password": GOOD}).status_code == 302
    assert client.get(path).status_code == 404  # used once, gone
    login(client, user, password=GOOD)


def test_reset_answer_does_not_reveal_whether_an_account_exists(
    client: FlaskClient, create_user: Any
) -> None:
    user = create_user()
    known = post_form(client, "/password/forgot", {"email": user.email}).get_data(as_text=True)
    unknown = post_form(client, "/password/forgot", {"email": "nobody@example.se"}).get_data(
        as_text=True
    )
    assert known.replace(user.email, "X") == unknown.replace("nobody@example.se", "X")


def test_forms_without_csrf_token_are_refused(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    response = client.post(
        "/register", data={"display_name": "X", "email": "x@example.se", "password": GOOD}
    )
    assert response.status_code == 400
    assert "Formuläret var för gammalt" in response.get_data(as_text=True)
    assert db_session.scalar(select(User).where(User.email == "x@example.se")) is None


def test_language_switch_works_without_javascript(client: FlaskClient) -> None:
    assert "Logga in" in client.get("/login").get_data(as_text=True)
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en"' in html and "Forgot your password?" in html
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"
    # A line break in the address would split the Location header: it was a 500.
    broken = client.get("/lang/sv", query_string={"next": "/a\rb"})
    assert broken.status_code == 302 and broken.headers["Location"] == "/"


def test_the_language_chosen_with_the_switch_stays_on_registering_and_saving(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    """English chosen with the switch is what the forms offer, so saving keeps it."""
    client.get("/lang/en")
    empty = client.get("/register").get_data(as_text=True)
    assert '<option value="en" selected>' in empty
    form = {"display_name": "Ann", "email": "ann@example.se", "password": GOOD}
    link = register(client, form | {"preferred_language": "en"})
    made = post_form(client, link, {})
    assert made.status_code == 302
    start = client.get(made.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en"' in start and "Welcome! Your account has been created." in start
    other = FlaskClient(client.application, use_cookies=True)
    user = create_user()  # saved language: Swedish
    login(other, user)
    other.get("/lang/en")
    page = other.get("/account").get_data(as_text=True)
    assert '<option value="en" selected>' in page
    saved = post_form(other, "/account", {"display_name": "Nytt namn", "preferred_language": "en"})
    assert '<html lang="en"' in other.get(saved.headers["Location"]).get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, user.id).preferred_language == "en"


def test_reloading_the_page_that_shows_a_new_token_makes_no_second_token(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    from eportfolio.accounts.models import ApiToken

    user = create_user()
    login(client, user)
    account = client.get("/account").get_data(as_text=True)
    once = re.search(r'name="once" value="([^"]+)"', account).group(1)
    form = {"token_name": "Skript", "once": once}
    first = post_form(client, "/account/tokens", form, token_from="/account")
    assert first.status_code == 200 and 'id="new-token"' in first.text
    again = post_form(client, "/account/tokens", form, token_from="/account")  # the reload
    assert again.status_code == 302
    assert "redan skapats" in client.get(again.headers["Location"]).text
    count = db_session.query(ApiToken).filter(ApiToken.user_id == user.id).count()
    assert count == 1


def test_account_page_creates_shows_once_and_revokes_tokens(
    client: FlaskClient, create_user: Any
) -> None:
    login(client, create_user())
    page = post_form(
        client, "/account/tokens", {"token_name": "Mitt skript"}, token_from="/account"
    ).get_data(as_text=True)
    secret = re.search(r'<code class="token" id="new-token">(mp_[^<]+)</code>', page).group(1)
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    listing = client.get("/account").get_data(as_text=True)
    assert "Mitt skript" in listing and secret not in listing
    token_id = re.search(r"/account/tokens/(\d+)/revoke", listing).group(1)
    post_form(client, f"/account/tokens/{token_id}/revoke", {}, token_from="/account")
    # A revoked token is refused even when the caller also has a logged-in cookie.
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )
    assert client.get("/api/v1/me").status_code == 200


def test_an_idle_session_ends_after_thirty_minutes(client: FlaskClient, create_user: Any) -> None:
    import time

    login(client, create_user())
    assert client.get("/account").status_code == 200
    with client.session_transaction() as sess:
        sess["seen"] = int(time.time()) - 31 * 60  # as if the person left 31 minutes ago
    assert client.get("/account").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_operators_create_accounts_from_the_command_line(app: Flask, db_session: Session) -> None:
    runner = app.test_cli_runner()
    ok = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Ny.Samordnare@Kristianstad.se",
            "--role",
            "coordinator",
            "--name",
            "Ny Samordnare",
            "--password",
            GOOD,
        ]
    )
    assert ok.exit_code == 0, ok.output
    user = db_session.scalar(select(User).where(User.email == "ny.samordnare@kristianstad.se"))
    assert user is not None and [r.value for r in user.roles] == ["coordinator"]
    weak = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.se",
            "--role",
            "admin",
            "--password",
            "password123",
        ]
    )
    assert weak.exit_code != 0 and "password" in weak.output
    no_org = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "y@example.se",
            "--role",
            "assessor",
            "--password",
            GOOD,
        ]
    )
    assert no_org.exit_code != 0


def test_every_entry_on_the_start_pages_leads_somewhere(
    client: FlaskClient, create_user: Any
) -> None:
    """Start-page entries that look like actions are links ('Beskriv vad du kan' was not)."""
    for role in ("learner", "coordinator", "employer", "guide", "admin"):
        other = FlaskClient(client.application, use_cookies=True)
        login(other, create_user(role))
        page = other.get("/").text
        titles = re.findall(r'class="action-title"[^>]*>([^<]+)<', page)
        bare = re.findall(r'<(?:span|p|strong) class="action-title">([^<]+)<', page)
        assert titles and not bare, (role, bare)


def test_an_employer_invites_a_colleague_who_then_works_for_the_same_organisation(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    """A second recruiter gets an account of their own in the organisation, by invitation."""
    employer = create_user("employer")
    org = employer.organisations()[0]
    login(client, employer)
    taken = post_form(client, "/colleagues", {"email": employer.email})
    assert taken.status_code == 422 and 'id="email-error"' in taken.text
    sent = post_form(client, "/colleagues", {"email": "Kollega@Example.se"})
    assert sent.status_code == 302
    assert "kollega@example.se" in client.get("/colleagues").text  # waiting invitation
    mail = outbox_messages(client.application.config["MAIL_OUTBOX_DIR"])[-1]
    assert mail["To"] == "kollega@example.se"
    link = re.search(r"https?://\S+/register/invite/\S+", mail.get_content()).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    colleague = FlaskClient(client.application, use_cookies=True)
    page = colleague.get(f"/{path}").text
    assert org.name in page and "kollega@example.se" in page
    made = post_form(colleague, f"/{path}", {"display_name": "Kim Kollega", "password": GOOD})
    assert made.status_code == 302
    assert colleague.get("/needs").status_code == 200  # works for the organisation at once
    user = db_session.scalar(select(User).where(User.email == "kollega@example.se"))
    assert user is not None and [o.id for o in user.organisations()] == [org.id]
    # The link works once.
    assert FlaskClient(client.application, use_cookies=True).get(f"/{path}").status_code == 404


def test_only_employers_are_decided_and_only_by_approve_or_reject(
    client: FlaskClient, create_user: Any, create_org: Any, db_session: Session
) -> None:
    """A valideringsråd is not rejected out of the service, and no decision means no change."""
    council = create_org("council", name="Valideringsråd Svets Nordost")
    employer = create_org("employer", status="pending", name="Bromölla Plåt AB")
    login(client, create_user("coordinator"))
    refused = post_form(
        client,
        f"/admin/organisations/{council.id}/decision",
        {"decision": "reject"},
        token_from="/admin/organisations",
    )
    assert refused.status_code == 409
    assert "Bara arbetsgivare godkänns eller avslås" in refused.text
    assert "Valideringsråd Svets Nordost" in client.get("/validation/councils").text
    for decision in ({}, {"decision": ""}, {"decision": "maybe"}):
        unclear = post_form(
            client,
            f"/admin/organisations/{employer.id}/decision",
            decision,
            token_from="/admin/organisations",
        )
        assert unclear.status_code == 422 and "Välj Godkänn eller Avslå." in unclear.text
    db_session.refresh(employer)
    db_session.refresh(council)
    assert employer.status is OrgStatus.PENDING and council.status is OrgStatus.ACTIVE
    assert "Bromölla Plåt AB" in client.get("/admin/organisations").text.split("decided")[0]


def test_inviting_an_address_with_an_account_answers_as_for_any_other(
    client: FlaskClient, create_user: Any
) -> None:
    """The invitation form does not tell an employer whether a private person has an account."""
    learner = create_user("learner", email="amira@example.se")
    login(client, create_user("employer"))
    answers = []
    for address in ("amira@example.se", "nobody@example.se"):
        sent = post_form(client, "/colleagues", {"email": address}, follow_redirects=True)
        page = sent.text.replace(address, "ADDRESS")
        answers.append((sent.status_code, re.sub(r'name="csrf_token" value="[^"]+"', "", page)))
    assert answers[0][0] == answers[1][0] == 200
    assert "Inbjudan har skickats till ADDRESS" in answers[0][1]
    assert "Det finns redan ett konto" not in answers[0][1]
    # The page lists both addresses as waiting, the same way.
    page = client.get("/colleagues").text
    assert "amira@example.se" in page and "nobody@example.se" in page
    mails = {m["To"]: m.get_content() for m in outbox_messages(_outbox(client))[-2:]}
    assert "/register/invite/" in mails["nobody@example.se"]
    told = mails[learner.email]
    assert "/register/invite/" not in told  # no second account for the same address
    assert "hör redan till ett konto" in told
    assert "/login" in told and "/password/forgot" in told


def _outbox(client: FlaskClient) -> str:
    return str(client.application.config["MAIL_OUTBOX_DIR"])


def test_inviting_an_address_again_renews_one_invitation_which_can_be_withdrawn(
    client: FlaskClient, create_user: Any
) -> None:
    """Repeated invitations (whatever the case) are one, and a mistyped one can be taken back."""
    login(client, create_user("employer"))
    for address in ("ny.kollega@goinge.se", "ny.kollega@goinge.se", "NY.KOLLEGA@goinge.se"):
        assert post_form(client, "/colleagues", {"email": address}).status_code == 302
    page = client.get("/colleagues").text
    assert page.count("<li>ny.kollega@goinge.se ") == 1  # one waiting invitation
    links = [
        re.search(r"https?://\S+/register/invite/\S+", m.get_content()).group(0)
        for m in outbox_messages(_outbox(client))[-3:]
    ]
    stranger = FlaskClient(client.application, use_cookies=True)
    paths = ["/" + link.split("://", 1)[1].split("/", 1)[1] for link in links]
    assert [stranger.get(p).status_code for p in paths] == [404, 404, 200]  # the newest works
    withdraw = re.search(r'action="(/colleagues/invites/\d+/withdraw)"', page).group(1)
    done = post_form(client, withdraw, {}, token_from="/colleagues", follow_redirects=True)
    assert "Inbjudan till ny.kollega@goinge.se är återkallad" in done.text
    assert "<li>ny.kollega@goinge.se " not in done.text
    assert stranger.get(paths[-1]).status_code == 404  # the link no longer works


def test_an_employer_cannot_mail_invitations_in_bulk(client: FlaskClient, create_user: Any) -> None:
    from eportfolio.employers.colleague_views import INVITES_PER_HOUR

    login(client, create_user("employer"))
    outbox = client.application.config["MAIL_OUTBOX_DIR"]
    before = len(outbox_messages(outbox))
    token = csrf_token(client, "/colleagues")
    codes = [
        client.post(
            "/colleagues", data={"email": f"person{i}@example.se", "csrf_token": token}
        ).status_code
        for i in range(INVITES_PER_HOUR + 1)
    ]
    assert codes[:-1] == [302] * INVITES_PER_HOUR and codes[-1] == 429
    # The refused one mailed nobody.
    assert len(outbox_messages(outbox)) - before == INVITES_PER_HOUR


@pytest.fixture
def mail_server_down(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the app at an SMTP port on this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)


@pytest.mark.usefixtures("mail_server_down")
def test_when_mail_cannot_be_sent_the_person_is_told_and_nothing_waits(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    """A registration or invitation whose mail did not leave says so (and not "check your
    e-mail"), alike for every address, and leaves nothing behind to block a retry."""
    create_user(email="karin@example.se")
    for address in ("karin@example.se", "karin.ny@example.se"):
        sent = post_form(
            client, "/register", {"display_name": "K", "email": address, "password": GOOD}
        )
        assert sent.status_code == 503
        assert "Vi kunde inte skicka e-postmeddelandet just nu" in sent.text
        assert "Kolla din e-post" not in sent.text
    assert db_session.scalars(select(PendingRegistration)).all() == []
    login(client, create_user("employer"))
    invited = post_form(client, "/colleagues", {"email": "ny.kollega@goinge.se"})
    assert invited.status_code == 503 and "Försök igen om några minuter" in invited.text
    assert "ny.kollega@goinge.se" not in client.get("/colleagues").text


@pytest.mark.usefixtures("mail_server_down")
def test_a_reset_mail_that_cannot_be_sent_still_reveals_no_account(
    client: FlaskClient, create_user: Any
) -> None:
    user = create_user()
    known = post_form(client, "/password/forgot", {"email": user.email})
    unknown = post_form(client, "/password/forgot", {"email": "nobody@example.se"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(user.email, "X") == unknown.text.replace("nobody@example.se", "X")
