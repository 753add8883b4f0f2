"""Login, logout, password change and reset, invitations, account page with API tokens.

Self-registration is in ``registration_views``, on the same blueprint.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from eportfolio.accounts import services
from eportfolio.accounts.schemas import (
    InviteAcceptSchema,
    LoginSchema,
    PasswordChangeSchema,
    PasswordForgotSchema,
    PasswordResetSchema,
    ProfileSchema,
    TokenCreateSchema,
)
from eportfolio.db import db
from eportfolio.errors import DomainError
from eportfolio.extensions import limiter
from eportfolio.mail import send_mail
from eportfolio.permissions import AUTHENTICATED, PUBLIC, access
from eportfolio.schemas import load
from eportfolio.web.views import safe_next

bp = Blueprint("accounts", __name__)
Page = str | tuple[str, int] | Response


def form_page(template: str, form: dict[str, Any], errors: dict[str, Any], **ctx: Any) -> Page:
    # 422 on invalid input also makes the request's transaction roll back.
    return render_template(template, form=form, errors=errors, **ctx), 422 if errors else 200


def start_session(user: Any) -> None:
    lang = session.get("lang")
    session.clear()  # a fresh session on login: nothing from before survives
    if lang:
        session["lang"] = lang
    session.permanent = True
    login_user(user)


def with_language(response: Response, lang: str) -> Response:
    response.set_cookie(
        "lang",
        lang,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response


WELCOME = _l("Welcome! Your account has been created.")


def welcome(user: Any, message: Any) -> Response:
    """Log a new account in and greet it, in its own language, on the start page."""
    start_session(user)
    with force_locale(user.preferred_language):  # the language the next page is in
        flash(str(message), "success")
    return with_language(redirect(url_for("web.index")), user.preferred_language)


def _login_email() -> str:
    return "acct:" + request.form.get("email", "").strip().casefold()[:254]


def _login_failed(response: Response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_login_email,
    deduct_when=_login_failed,
)
def login() -> Page:
    """Log in with e-mail address and password."""
    form: dict[str, Any] = {}
    if request.method == "POST":
        form = {"email": request.form.get("email", "")}
        try:
            data = load(LoginSchema(), request.form.to_dict())
        except DomainError as exc:
            return form_page("accounts/login.html", form, exc.errors)
        user = services.authenticate(db.session, data["email"], data["password"])
        if user is None:
            errors = {"email": [_("The e-mail address or password is wrong.")]}
            g.keep_on_refusal = (
                True  # the failed attempt's audit event stays, though the answer is 4xx
            )
            return form_page("accounts/login.html", form, errors)
        start_session(user)
        target = safe_next(request.args.get("next"), url_for("web.index"))
        return with_language(redirect(target), user.preferred_language)
    return form_page("accounts/login.html", form, {})


@bp.post("/logout")
@access(PUBLIC)
def logout() -> Response:
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("web.index"))  # type: ignore[return-value]


@bp.route("/account", methods=["GET", "POST"])
@access(AUTHENTICATED)
def account() -> Page:
    """Show and update the person's name and language, and their API tokens."""
    # The language shown is the one the page is in: after the language switch the saved
    # choice may lag behind, and saving the form must not switch the interface back.
    form: dict[str, Any] = {
        "display_name": current_user.display_name,
        "preferred_language": str(get_locale()),
    }
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            services.update_profile(db.session, current_user, load(ProfileSchema(), form))
        except DomainError as exc:
            return _account_page(form, exc.errors)
        with force_locale(current_user.preferred_language):
            flash(_("Your details have been saved."), "success")
        return with_language(redirect(url_for("accounts.account")), current_user.preferred_language)
    return _account_page(form, {})


def _account_page(form: dict[str, Any], errors: dict[str, Any], **ctx: Any) -> Page:
    tokens = services.list_api_tokens(db.session, current_user)
    once = secrets.token_urlsafe(12)  # this form's one token (see create_token)
    session["token_forms"] = [*session.get("token_forms", [])[-4:], once]
    return form_page("accounts/account.html", form, errors, tokens=tokens, once=once, **ctx)


@bp.post("/account/tokens")
@access(AUTHENTICATED)
def create_token() -> Page:
    """Create a personal API token and show its secret once."""
    form = {
        "display_name": current_user.display_name,
        "preferred_language": str(get_locale()),
    }
    try:
        data = load(TokenCreateSchema(), {"name": request.form.get("token_name", "")})
    except DomainError as exc:
        return _account_page(
            form,
            {"token_" + k: v for k, v in exc.errors.items()},
            token_form=request.form.to_dict(),
        )
    # The secret is shown once, on this POST's page: reloading that page posts again. A form is
    # good for one token, so a repost lists the token made instead of making a second one.
    once = request.form.get("once", "")
    pending = session.get("token_forms", [])
    if once and once not in pending:
        flash(_("That token has already been made; it is in the list."), "info")
        return redirect(url_for("accounts.account"))
    session["token_forms"] = [f for f in pending if f != once]
    token, secret = services.create_api_token(db.session, current_user, data["name"])
    return _account_page(form, {}, new_token=secret, new_token_name=token.name)


@bp.post("/account/tokens/<int:token_id>/revoke")
@access(AUTHENTICATED)
def revoke_token(token_id: int) -> Response:
    services.revoke_api_token(db.session, current_user, token_id)
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("accounts.account"))  # type: ignore[return-value]


@bp.route("/account/password", methods=["GET", "POST"])
@access(AUTHENTICATED)
def change_password() -> Page:
    if request.method == "POST":
        try:
            data = load(PasswordChangeSchema(), request.form.to_dict())
            services.change_password(
                db.session, current_user, data["current_password"], data["new_password"]
            )
        except DomainError as exc:
            return form_page("accounts/password_change.html", {}, exc.errors)
        login_user(current_user._get_current_object())  # keep this session on the new epoch
        flash(_("Your password has been changed. Other sessions have been logged out."), "success")
        return redirect(url_for("accounts.account"))
    return form_page("accounts/password_change.html", {}, {})


@bp.route("/password/forgot", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password() -> Page:
    """Send a reset link; the answer is the same whether the address is known or not."""
    form: dict[str, Any] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            data = load(PasswordForgotSchema(), form)
        except DomainError as exc:
            return form_page("accounts/password_forgot.html", form, exc.errors)
        started = services.start_password_reset(db.session, data["email"])
        if started:
            user, secret = started
            link = url_for("accounts.reset_password", token=secret, _external=True)
            try:
                send_mail(
                    user.email,
                    _("Reset your Meritportfölj password"),
                    render_template("accounts/email_reset.txt", user=user, link=link),
                )
            except OSError:
                # No mail goes to an address without an account, so a "could not send"
                # answer would tell who has one: the same page, and the person asks again.
                current_app.logger.warning("password reset mail failed", exc_info=True)
        return render_template("accounts/password_forgot_sent.html", email=data["email"])
    return form_page("accounts/password_forgot.html", form, {})


@bp.route("/register/invite/<token>", methods=["GET", "POST"])
@access(PUBLIC)
def accept_invite(token: str) -> Page:
    """A colleague invited by an employer creates an account in that organisation."""
    invite = services.live_invite(db.session, token)
    form: dict[str, Any] = {"preferred_language": str(get_locale())}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            user = services.accept_invite(db.session, token, load(InviteAcceptSchema(), form))
        except DomainError as exc:
            return form_page("accounts/invite_accept.html", form, exc.errors, invite=invite)
        return welcome(user, WELCOME)
    return form_page("accounts/invite_accept.html", form, {}, invite=invite)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access(PUBLIC)
def reset_password(token: str) -> Page:
    services.check_reset_token(db.session, token)
    if request.method == "POST":
        try:
            data = load(PasswordResetSchema(), request.form.to_dict())
            services.finish_password_reset(db.session, token, data["new_password"])
        except DomainError as exc:
            return form_page("accounts/password_reset.html", {}, exc.errors, token=token)
        flash(_("Your password has been changed. Log in with the new password."), "success")
        return redirect(url_for("accounts.login"))
    return form_page("accounts/password_reset.html", {}, {}, token=token)


# The other pages on this blueprint.
from eportfolio.accounts import registration_views  # noqa: E402,F401
