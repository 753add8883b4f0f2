"""The person's notifications page."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_login import current_user

from eportfolio.db import db
from eportfolio.notifications import services
from eportfolio.permissions import AUTHENTICATED, access

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("")
@access(AUTHENTICATED)
def index() -> str:
    notes = services.for_user(db.session, current_user)
    return render_template("notifications/index.html", notes=notes, text_of=services.text_of)


@bp.post("/read")
@access(AUTHENTICATED)
def mark_read() -> Response:
    services.mark_read(db.session, current_user)
    return redirect(url_for("notifications.index"))  # type: ignore[return-value]
