"""Shared marshmallow base: translated messages, unknown fields ignored (e.g. csrf_token)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from eportfolio.db import ID_MAX
from eportfolio.errors import ValidationFailed


def N_(message: str) -> str:
    """Mark a message for the catalogue; it is translated when shown (see ``load``)."""
    return message


fields.Field.default_error_messages = {
    **fields.Field.default_error_messages,
    "required": N_("This field is required."),
    "null": N_("This field is required."),
    "validator_failed": N_("The value is not valid."),
}
fields.String.default_error_messages = {
    **fields.String.default_error_messages,
    "invalid": N_("Enter text."),
}
fields.Email.default_error_messages = {
    **fields.Email.default_error_messages,
    "invalid": N_("Enter an e-mail address like name@example.se."),
}
fields.Integer.default_error_messages = {
    **fields.Integer.default_error_messages,
    "invalid": N_("Enter a whole number."),
}


class Id(fields.Integer):
    """The id of a stored row: a whole number from 1 within the INTEGER column range.

    A larger number exists nowhere, and PostgreSQL would refuse it in a query with an error
    instead of finding nothing, so it is a validation message here.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=validate.Range(1, ID_MAX, error=N_("There is no such item.")), **kwargs
        )


class BaseSchema(Schema):
    """Base for every input schema; one validation layer for HTML forms and the JSON API."""

    class Meta:
        unknown = EXCLUDE


def load(schema: Schema, data: Any) -> dict[str, Any]:
    """Validate ``data`` with ``schema`` or raise ValidationFailed with per-field messages."""
    if not isinstance(data, dict):
        raise ValidationFailed({"_schema": [gettext("Send a JSON object.")]})
    try:
        result: dict[str, Any] = schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ValidationFailed({k: _translated(v) for k, v in messages.items()}) from exc
    return result


def _translated(messages: Any) -> list[Any]:
    # marshmallow wants plain strings, so schemas hold English msgids translated here.
    if isinstance(messages, dict):  # nested schema or list field: flatten to readable text
        return [gettext(str(m)) for v in messages.values() for m in _as_list(v)]
    return [gettext(str(m)) for m in _as_list(messages)]


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [m for v in value.values() for m in _as_list(v)]
    return list(value) if isinstance(value, list) else [value]


def stripped(value: Any) -> Any:
    """Trim surrounding whitespace people paste into forms."""
    return value.strip() if isinstance(value, str) else value
