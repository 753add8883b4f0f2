"""Input and output schemas for evidence, shared by the web forms and the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, pre_load, validate, validates

from eportfolio.db import ID_MAX
from eportfolio.schemas import N_, BaseSchema, UtcDateTime

_TITLE = validate.Length(max=200, error=N_("Write at most 200 characters."))


def _clean(value: str) -> str:
    return "".join(ch for ch in value if ch >= " " and ch != "\x7f").strip()


class _Trimmed(BaseSchema):
    @pre_load
    def _strip(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            return data
        # An empty optional field in a form means "not given"; control characters (NUL above
        # all, which PostgreSQL refuses) never belong in a title or an address.
        return {k: (_clean(v) or None if isinstance(v, str) else v) for k, v in data.items()}


class _ClaimRef(_Trimmed):
    claim_id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=False,
        validate=validate.Range(min=1, max=ID_MAX, error=N_("Choose one of your own skills.")),
        metadata={"description": "A skill claim of the same portfolio to back at once."},
    )


class UploadSchema(_ClaimRef):
    title = fields.String(
        load_default=None,
        allow_none=True,
        validate=_TITLE,
        metadata={"description": "What the file shows; the file name when left out."},
    )
    file = Upload(
        load_default=None,
        metadata={"description": "PDF, JPEG or PNG, at most 10 MB; 200 MB per person in all."},
    )


class LinkSchema(_ClaimRef):
    title = fields.String(load_default=None, allow_none=True, validate=_TITLE)
    url = fields.String(
        required=True,
        metadata={"description": "An http or https address."},
    )

    @validates("url")
    def _check_url(self, value: str, **_: Any) -> None:
        check_url(value)


def check_url(value: str) -> None:
    """Accept only plain http(s) web addresses people can open safely."""
    bad = N_("Enter a web address that starts with https:// or http://, like https://example.se.")
    if not value or len(value) > 2000 or any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise ValidationError(bad)
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ValidationError(bad) from exc
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host.strip("."):
        raise ValidationError(bad)
    if parts.username is not None or parts.password is not None:
        # https://bank.se@evil.example hides the real host from the reader.
        raise ValidationError(N_("The address must not contain a user name or password."))


class AttachSchema(BaseSchema):
    claim_id = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=1, max=ID_MAX, error=N_("Choose one of your own skills.")),
    )


class LearnerQuerySchema(BaseSchema):
    learner = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=ID_MAX),
        metadata={"description": "Act for this learner (guides with the learner's access)."},
    )


class ClaimBriefSchema(BaseSchema):
    id = fields.Integer()
    text_as_typed = fields.String()
    status = fields.String()


class EvidenceSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "file or link"})
    title = fields.String()
    original_name = fields.String(allow_none=True)
    content_type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    created_at = UtcDateTime()
    claims = fields.List(fields.Nested(ClaimBriefSchema))
