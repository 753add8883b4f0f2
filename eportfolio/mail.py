"""Outgoing mail: SMTP when configured, otherwise a local outbox folder a developer can read."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from eportfolio.errors import MailUnavailable


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message now."""
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{uuid.uuid4()}@meritportfolj>"
    msg.set_content(body)
    if cfg["MAIL_SERVER"]:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(msg)
        return
    outbox = Path(cfg["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{msg['Message-ID'].strip('<>').split('@')[0]}.eml"
    (outbox / name).write_bytes(msg.as_bytes())


def deliver(to: str, subject: str, body: str) -> None:
    """Send a message the request exists to send (a confirmation link, an invitation).

    When the mail server is down the person is told so with a 503 and the request's changes
    are rolled back, instead of a 500, or a page saying "check your e-mail" for a mail that
    never left.
    """
    try:
        send_mail(to, subject, body)
    except OSError as exc:  # smtplib's errors are OSErrors too
        current_app.logger.warning("mail could not be sent", exc_info=True)
        raise MailUnavailable(
            _l(
                "We could not send the e-mail just now, so nothing has been saved. "
                "Try again in a few minutes."
            )
        ) from exc


def outbox_messages(outbox_dir: str) -> list[EmailMessage]:
    """Return the messages in a development outbox, oldest first."""
    from email import policy
    from email.parser import BytesParser

    paths = sorted(Path(outbox_dir).glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in paths]  # type: ignore[misc]
