"""Start pages, language switch and health check."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, jsonify, redirect, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text

from eportfolio.db import db
from eportfolio.permissions import PUBLIC, Permission, access, can
from eportfolio.taxonomy_store.language import lang_part
from eportfolio.web.start import start_actions

bp = Blueprint("web", __name__)


@bp.get("/")
@access(PUBLIC)
def index() -> str:
    """Show the landing page, or what a logged-in person can do next."""
    if current_user.is_authenticated:
        return render_template("web/start.html", sections=start_actions(current_user))
    return render_template("web/landing.html")


def safe_next(target: str | None, default: str = "/") -> str:
    """Return a same-site path to go back to, never another site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if any(ord(c) < 32 or ord(c) == 127 for c in target):  # a header cannot hold a line break
        return default
    return target


@bp.get("/lang/<code>")
@access(PUBLIC)
def switch_language(code: str) -> Response:
    """Switch the interface language and go back (a plain link: works without JavaScript)."""
    response = redirect(safe_next(request.args.get("next")))
    if code in ("sv", "en"):
        response.set_cookie(
            "lang",
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )
    return response


@bp.get("/healthz")
@access(PUBLIC)
def healthz() -> tuple[Response, int]:
    """Report whether the database answers (for load balancers and monitoring)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not healthy"; details stay in the log
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


# Skåne Nordost's clock: times are stored in UTC and shown as people there read a clock.
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a stored (UTC) moment in Swedish time; naive values are UTC, as SQLite returns them."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(LOCAL_ZONE).strftime(fmt)


def init_templates(app: Flask) -> None:
    app.jinja_env.filters["zip"] = lambda left, right: list(zip(left, right, strict=False))
    app.jinja_env.filters["local"] = local_time
    app.jinja_env.filters["lang_part"] = lang_part

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "current_locale": str(get_locale()),
            "lang": str(get_locale()),  # for concept.label(lang): a view may pass its own
            "can": can,
            "Permission": Permission,
            "other_locale": "en" if str(get_locale()) == "sv" else "sv",
        }
