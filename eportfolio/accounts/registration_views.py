"""Learners and employers register themselves; the account is made when the mailed link is opened.

Both forms answer the same whether or not the address already has an account: only the mail
differs, and only the address's owner reads it (see ``accounts.registration``).
"""

from __future__ import annotations

from flask import Response, current_app, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from eportfolio.accounts import registration
from eportfolio.accounts.models import Role
from eportfolio.accounts.schemas import EmployerRegisterSchema, RegisterSchema
from eportfolio.accounts.views import WELCOME, Page, bp, form_page, welcome
from eportfolio.db import db
from eportfolio.errors import DomainError
from eportfolio.extensions import limiter
from eportfolio.mail import deliver
from eportfolio.permissions import PUBLIC, access
from eportfolio.schemas import load

HOURS = registration.LIFETIME_HOURS
EMPLOYER_WELCOME = _l("Your organisation is registered and waits for a coordinator's approval.")


def _mailed(response: Response) -> bool:
    return response.status_code == 200  # "check your e-mail"; a form with mistakes is a 422


def _typed_email() -> str:
    return "register:" + request.form.get("email", "").strip().casefold()[:254]


# Every registration that passes the form's checks mails the address typed: the two forms share
# one limit per client and one per address mailed, so neither becomes a way to mail in bulk.
_per_client = limiter.shared_limit(
    lambda: current_app.config["REGISTER_LIMIT_PER_ADDRESS"],
    scope="register",
    methods=["POST"],
    deduct_when=_mailed,
)
_per_email = limiter.shared_limit(
    lambda: current_app.config["REGISTER_LIMIT_PER_EMAIL"],
    scope="register-email",
    methods=["POST"],
    key_func=_typed_email,
    deduct_when=_mailed,
)


@bp.route("/register", methods=["GET", "POST"])
@access(PUBLIC)
@_per_client
@_per_email
def register() -> Page:
    """Let a learner ask for an account, made once the address is confirmed."""
    return _register("accounts/register.html", RegisterSchema(), Role.LEARNER)


@bp.route("/register/employer", methods=["GET", "POST"])
@access(PUBLIC)
@_per_client
@_per_email
def register_employer() -> Page:
    """Let an employer register an organisation: confirmed by mail, then by a coordinator."""
    return _register("accounts/register_employer.html", EmployerRegisterSchema(), Role.EMPLOYER)


def _register(template: str, schema: Schema, role: Role) -> Page:
    if request.method == "GET":
        return form_page(template, {"preferred_language": str(get_locale())}, {})
    form = request.form.to_dict()
    try:
        started = registration.start_registration(db.session, load(schema, form), role)
    except DomainError as exc:
        return form_page(template, form, exc.errors)
    _mail(started, role)
    # The same page whatever the address: it never says whether an account exists.
    return render_template("accounts/register_sent.html", email=started.email, hours=HOURS)


def _mail(started: registration.Started, role: Role) -> None:
    """Mail the link that makes the account or, to an address that has one, how to log in."""
    # Nothing typed in the form goes into the mail: the address is not yet known to be the
    # typist's, and the service must not carry a stranger's words to it.
    if started.holder is not None:
        with force_locale(started.holder.preferred_language):
            body = render_template(
                "accounts/email_register_has_account.txt",
                employer=role is Role.EMPLOYER,
                login=url_for("accounts.login", _external=True),
                forgot=url_for("accounts.forgot_password", _external=True),
            )
            deliver(started.email, _("Someone tried to register with your e-mail address"), body)
        return
    assert started.pending is not None and started.secret is not None
    link = url_for("accounts.confirm_registration", token=started.secret, _external=True)
    with force_locale(started.pending.preferred_language):
        body = render_template(
            "accounts/email_register_confirm.txt",
            employer=role is Role.EMPLOYER,
            link=link,
            hours=HOURS,
        )
        deliver(started.email, _("Confirm your e-mail address for Meritportfölj"), body)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@access(PUBLIC)
def confirm_registration(token: str) -> Page:
    """Create the account of a registration whose mailed link was opened, on a button's press.

    Opening the link only shows the button: mail scanners that open every link must neither
    create the account nor use the link up.
    """
    pending = registration.live_registration(db.session, token)
    if request.method == "POST":
        message = EMPLOYER_WELCOME if pending.role is Role.EMPLOYER else WELCOME
        user = registration.confirm_registration(db.session, token)
        return welcome(user, message)
    return form_page("accounts/register_confirm.html", {}, {}, pending=pending)
