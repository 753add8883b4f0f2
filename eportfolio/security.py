"""Request guards: route access rules, CSRF, authentication by cookie or token, headers."""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.exceptions import (
    Forbidden,
    RequestEntityTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)

from eportfolio.accounts import services as accounts
from eportfolio.accounts.models import User
from eportfolio.db import db, parse_id
from eportfolio.extensions import csrf, login_manager
from eportfolio.permissions import can, rule_for

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(".")
    uid = parse_id(user_id)
    if uid is None or not epoch.isascii() or not epoch.isdigit():
        return None
    user = db.session.get(User, uid)
    # A bumped epoch (password change) ends every older session.
    if user is None or not user.is_active or user.session_epoch != int(epoch):
        return None
    return user


def _authenticate_bearer() -> None:
    """On the API, a bearer token decides who is calling, whatever cookie also came along."""
    header = request.headers.get("Authorization")
    if header is None or not is_api_request():
        return
    scheme, _, secret = header.strip().partition(" ")
    # The scheme name is case-insensitive (RFC 9110 §11.1): "bearer" is as good as "Bearer".
    bearer = scheme.lower() == "bearer"
    user = accounts.user_for_token(db.session, secret.strip()) if bearer else None
    if user is None:
        raise Unauthorized()
    g._login_user = user  # flask-login's per-request slot: this request only, no cookie set
    g.token_auth = True


@login_manager.unauthorized_handler
def _unauthorised() -> Response:
    if is_api_request():
        raise Unauthorized()
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))  # type: ignore[return-value]


API_BODY_TYPES = {"application/json", "multipart/form-data"}


def _check_api_content_type() -> None:
    # A body the API cannot read is a 415 with a clear message, not a confusing 422.
    if not is_api_request() or request.method not in ("POST", "PUT", "PATCH"):
        return
    has_body = (request.content_length or 0) > 0 or request.mimetype
    if has_body and request.mimetype not in API_BODY_TYPES:
        raise UnsupportedMediaType()


def _expire_idle_session() -> None:
    """End a cookie session idle for longer than the session lifetime, whatever the cookie says.

    The cookie's own expiry only asks the browser to forget it; a copied cookie would live on.
    """
    if g.get("token_auth") or not current_user.is_authenticated:
        return
    now = int(time.time())
    seen = session.get("seen")
    limit = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if isinstance(seen, int) and now - seen > limit:
        logout_user()
        session.clear()
        return
    session["seen"] = now


def check_route_access() -> Response | None:
    """Enforce the route's declared rule before its view runs; no rule means no entry."""
    if request.endpoint is None:
        return None  # 404/405 handled by Flask
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()  # refuse before any work, whoever is asking
    view = current_app.view_functions.get(request.endpoint)
    rule = rule_for(view, request.endpoint)
    if rule is None:
        raise Forbidden()
    # Authenticate first (a bearer token counts only on the API), then protect cookie sessions.
    _authenticate_bearer()
    _expire_idle_session()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    # Forged requests ride on cookies: token calls and anonymous API calls carry none to abuse.
    cookie_session = not g.get("token_auth") and not (is_api_request() and user is None)
    if request.method not in ("GET", "HEAD", "OPTIONS") and cookie_session:
        csrf.protect()
    _check_api_content_type()
    if rule.kind == "public":
        return None
    if user is None:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    if rule.kind == "permission" and not can(user, rule.permission or ""):
        raise Forbidden()
    return None


def set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if current_user and getattr(current_user, "is_authenticated", False):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_security(app: Flask) -> None:
    app.before_request(check_route_access)
    app.after_request(set_security_headers)
