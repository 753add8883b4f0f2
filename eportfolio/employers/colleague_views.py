"""An employer's colleagues: their accounts and invitations to accounts of their own."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eportfolio.db import db
from eportfolio.employers.views import NEEDS, Page, bp
from eportfolio.errors import DomainError
from eportfolio.extensions import limiter
from eportfolio.permissions import access
from eportfolio.schemas import load

# Each invitation sends a mail to an address the employer types: a limit keeps the form
# from becoming a way to mail strangers in bulk.
INVITES_PER_HOUR = 20


@bp.route("/colleagues", methods=["GET", "POST"])
@access(NEEDS)
@limiter.limit(
    f"{INVITES_PER_HOUR} per hour",
    methods=["POST"],
    key_func=lambda: f"invite:{current_user.get_id()}",
)
def colleagues() -> Page:
    """The organisation's accounts, and invitations for colleagues to accounts of their own."""
    from eportfolio.accounts import services as accounts
    from eportfolio.accounts.schemas import InviteSchema

    form: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            data = load(InviteSchema(), form)
            invite, secret = accounts.invite_colleague(db.session, current_user, data["email"])
        except DomainError as exc:
            errors = exc.errors
        else:
            _mail_invite(invite, secret)
            # The same words whether or not the address has an account: no one is given away.
            flash(_("The invitation has been sent to %(email)s.", email=invite.email), "success")
            return redirect(url_for("employers.colleagues"))
    people, waiting = accounts.colleagues(db.session, current_user)
    page = render_template(
        "employers/colleagues.html", people=people, waiting=waiting, form=form, errors=errors
    )
    return (page, 422) if errors else page


@bp.post("/colleagues/invites/<int:invite_id>/withdraw")
@access(NEEDS)
def withdraw_invite(invite_id: int) -> Response:
    """Take back an invitation, so a link sent to a mistyped address stops working."""
    from eportfolio.accounts import services as accounts

    invite = accounts.withdraw_invite(db.session, current_user, invite_id)
    flash(
        _(
            "The invitation to %(email)s is withdrawn: its link no longer works.",
            email=invite.email,
        ),
        "success",
    )
    return redirect(url_for("employers.colleagues"))  # type: ignore[return-value]


def _mail_invite(invite: Any, secret: str | None) -> None:
    """Mail the link to a new account, or, to an address that has one, how to log in."""
    from eportfolio.mail import deliver

    if secret is None:
        body = render_template(
            "accounts/email_invite_has_account.txt",
            invite=invite,
            inviter=current_user,
            login=url_for("accounts.login", _external=True),
            forgot=url_for("accounts.forgot_password", _external=True),
        )
        deliver(invite.email, _("An invitation to Meritportfölj"), body)
        return
    link = url_for("accounts.accept_invite", token=secret, _external=True)
    body = render_template(
        "accounts/email_invite.txt", invite=invite, inviter=current_user, link=link
    )
    deliver(invite.email, _("You are invited to Meritportfölj"), body)
