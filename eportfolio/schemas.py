"""Shared marshmallow base: translated messages; unknown names refused in API bodies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, ClassVar

from flask_babel import format_number, gettext
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from eportfolio.db import ID_MAX
from eportfolio.errors import ValidationFailed


def N_(message: str) -> str:
    """Mark a message for the catalogue; it is translated when shown (see ``load``)."""
    return message


# marshmallow's own messages, replaced by msgids of ours (translated in ``load``).
for _field, _key, _message in [
    (fields.Field, "required", N_("This field is required.")),
    (fields.Field, "null", N_("This field is required.")),
    (fields.Field, "validator_failed", N_("The value is not valid.")),
    (fields.String, "invalid", N_("Enter text.")),
    (fields.Email, "invalid", N_("Enter an e-mail address like name@example.se.")),
    (fields.Integer, "invalid", N_("Enter a whole number.")),
    (fields.Boolean, "invalid", N_("Answer yes or no.")),
    (fields.Float, "invalid", N_("Enter a number.")),
    (fields.Date, "invalid", N_("Write the date as YYYY-MM-DD.")),
    (fields.List, "invalid", N_("Send a list.")),
    (fields.Nested, "type", N_("Send an object.")),
]:
    _field.default_error_messages = {**_field.default_error_messages, _key: _message}
# Validators' own fallbacks, for a schema that gives no message of its own.
validate.Regexp.default_message = N_("The value is not written in the expected form.")
# Messages of webargs (the API's request parser) that reach people as they are; listed here
# so the catalogues hold them.
LIBRARY_MESSAGES = [N_("Invalid JSON body.")]
# Length checks without a message of their own: marshmallow fills in the numbers before the
# text reaches us, so ``_one`` recognises these and translates them with the numbers.
validate.Length.message_min = "Write at least {min} characters."
validate.Length.message_max = "Write at most {max} characters."
validate.Length.message_all = "Write {min} to {max} characters."
validate.Length.message_equal = "Write exactly {equal} characters."
_FILLED_IN = [
    (
        re.compile(r"^Write at least (?P<min>\d+) characters\.$"),
        N_("Write at least %(min)s characters."),
    ),
    (
        re.compile(r"^Write at most (?P<max>\d+) characters\.$"),
        N_("Write at most %(max)s characters."),
    ),
    (
        re.compile(r"^Write (?P<min>\d+) to (?P<max>\d+) characters\.$"),
        N_("Write %(min)s to %(max)s characters."),
    ),
    (
        re.compile(r"^Write exactly (?P<equal>\d+) characters\.$"),
        N_("Write exactly %(equal)s characters."),
    ),
]


class Id(fields.Integer):
    """The id of a stored row: a whole number from 1 within the INTEGER column range.

    A larger number exists nowhere, and PostgreSQL would refuse it in a query with an error
    instead of finding nothing, so it is a validation message here.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=validate.Range(1, ID_MAX, error=N_("There is no such item.")), **kwargs
        )


class UtcDateTime(fields.DateTime):
    """A stored moment, written in RFC 3339 in UTC with its offset: ``…T08:30:00+00:00``.

    Every stored time is UTC, but SQLite gives it back without a time zone and PostgreSQL in
    the session's, so the same moment would be written one way fresh from the model and
    another once read back. Use it for every date-time an answer holds.
    """

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, dt.datetime):
            value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
            value = value.astimezone(dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


UNKNOWN = N_("There is no field by this name; check its spelling.")


class BaseSchema(Schema):
    """Base for every input schema; one validation layer for HTML forms and the JSON API."""

    class Meta:
        # An API client's misspelt member ("must_have" for "must") would otherwise be
        # dropped without a word and the rest saved. HTML forms carry ``csrf_token`` and
        # buttons besides their fields, so ``load`` ignores unknown names at a form's top.
        unknown = RAISE

    # "type": the body is not an object at all (a JSON list or number sent to the API).
    error_messages: ClassVar[dict[str, str]] = {
        "unknown": UNKNOWN,
        "type": N_("Send a JSON object."),
    }


def load(schema: Schema, data: Any, unknown: str = EXCLUDE) -> dict[str, Any]:
    """Validate ``data`` with ``schema`` or raise ValidationFailed with per-field messages.

    Names no field knows are ignored at the top (a form's ``csrf_token``); pass ``RAISE``
    for a JSON body.
    """
    if not isinstance(data, dict):
        raise ValidationFailed({"_schema": [gettext("Send a JSON object.")]})
    try:
        result: dict[str, Any] = schema.load(data, unknown=unknown)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ValidationFailed({k: _translated(v) for k, v in messages.items()}) from exc
    return result


def _translated(messages: Any) -> list[Any]:
    # marshmallow wants plain strings, so schemas hold English msgids translated here.
    # A nested schema or list field gives a dict: flattened to readable text.
    return [_one(m) for m in _as_list(messages)]


def translated(messages: Any) -> list[Any]:
    """Return validation messages (a list, or a nested dict of them) as translated text."""
    return _translated(messages)


def _one(message: Any) -> str:
    text = str(message)
    found = gettext(text)
    if found != text:
        return found
    said = translated_by_pattern(text, _FILLED_IN, lambda v: format_number(int(v)))
    return found if said is None else said


Patterns = list[tuple[re.Pattern[str], str]]


def translated_by_pattern(
    text: str, patterns: Patterns, value: Callable[[str], Any] = str
) -> str | None:
    """Translate a message a library wrote with values filled in: the first pattern matching
    the whole text gives the msgid, and its named groups (through ``value``) the values."""
    for pattern, msgid in patterns:
        hit = pattern.fullmatch(text)
        if hit:
            return gettext(msgid, **{k: value(v) for k, v in hit.groupdict().items()})
    return None


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in _named(k, _as_list(v))]
    return list(value) if isinstance(value, list) else [value]


def _named(name: Any, messages: list[Any]) -> list[Any]:
    # Flattened, "no such field" would not say which; the misspelt name goes in front.
    if not isinstance(name, str):
        return messages
    return [f"{name}: {_one(m)}" if m == UNKNOWN else m for m in messages]


def stripped(value: Any) -> Any:
    """Trim surrounding whitespace people paste into forms."""
    return value.strip() if isinstance(value, str) else value
