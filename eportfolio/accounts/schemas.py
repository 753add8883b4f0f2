"""Input and output schemas for accounts, shared by forms and the API."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields, post_load, pre_load, validate, validates

from eportfolio.schemas import N_, BaseSchema, UtcDateTime

ORG_NUMBER = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    """Return whether a digit string passes the Luhn (mod 10) check used by Swedish numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def normalise_org_number(value: str) -> str:
    """Return NNNNNN-NNNN or raise ValidationError with a clear message."""
    match = ORG_NUMBER.match(value.replace(" ", ""))
    if not match:
        raise ValidationError(N_("Write the organisationsnummer as ten digits, like 556016-0680."))
    digits = match.group(1) + match.group(2)
    if not luhn_ok(digits):
        raise ValidationError(N_("The organisationsnummer is not valid: check the last digit."))
    return f"{match.group(1)}-{match.group(2)}"


class _Trimmed(BaseSchema):
    @pre_load
    def _strip(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict):
            return {
                k: (v.strip() if isinstance(v, str) and "password" not in k else v)
                for k, v in data.items()
            }
        return data


def _password_rules(value: str) -> None:
    # Checked here too, so a person sees every problem with the form at once.
    from eportfolio.accounts.passwords import check_password_policy
    from eportfolio.errors import ValidationFailed

    try:
        check_password_policy(value)
    except ValidationFailed as exc:
        raise ValidationError([str(m) for m in exc.errors["password"]]) from exc


class RegisterSchema(_Trimmed):
    display_name = fields.String(
        required=True, validate=validate.Length(1, 120, error=N_("Write 1 to 120 characters."))
    )
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=_password_rules)
    preferred_language = fields.String(
        load_default="sv", validate=validate.OneOf(["sv", "en"], error=N_("Choose a language."))
    )

    @post_load
    def _fold(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["email"] = data["email"].casefold()
        return data


class EmployerRegisterSchema(RegisterSchema):
    organisation_name = fields.String(
        required=True, validate=validate.Length(2, 200, error=N_("Write 2 to 200 characters."))
    )
    org_number = fields.String(required=True)

    @validates("org_number")
    def _check(self, value: str, **_: Any) -> None:
        normalise_org_number(value)

    @post_load
    def _norm(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["org_number"] = normalise_org_number(data["org_number"])
        return data


class DecisionSchema(BaseSchema):
    """A coordinator's decision on a registered employer: approve or reject, nothing else."""

    decision = fields.String(
        required=True,
        validate=validate.OneOf(["approve", "reject"], error=N_("Choose Approve or Reject.")),
        error_messages={"required": N_("Choose Approve or Reject.")},
    )


class LoginSchema(_Trimmed):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(1, 256))


class PasswordChangeSchema(BaseSchema):
    current_password = fields.String(required=True, validate=validate.Length(1, 256))
    new_password = fields.String(required=True, validate=_password_rules)


class PasswordForgotSchema(_Trimmed):
    email = fields.Email(required=True)


class PasswordResetSchema(BaseSchema):
    new_password = fields.String(required=True, validate=_password_rules)


class ProfileSchema(_Trimmed):
    display_name = fields.String(
        required=True, validate=validate.Length(1, 120, error=N_("Write 1 to 120 characters."))
    )
    preferred_language = fields.String(
        required=True, validate=validate.OneOf(["sv", "en"], error=N_("Choose a language."))
    )


class TokenCreateSchema(_Trimmed):
    name = fields.String(
        required=True,
        validate=validate.Length(1, 100, error=N_("Give the token a name of 1 to 100 characters.")),
        metadata={"description": "What the token is for, so it can be recognised later."},
    )


class TokenSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    prefix = fields.String(metadata={"description": "First characters of the token."})
    created_at = UtcDateTime()
    last_used_at = UtcDateTime(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "The secret; shown only in this answer."})


class MembershipSchema(BaseSchema):
    role = fields.String()
    organisation_id = fields.Integer(allow_none=True)
    organisation_name = fields.String(allow_none=True)


class MeSchema(BaseSchema):
    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    preferred_language = fields.String()
    roles = fields.List(fields.String())
    memberships = fields.List(fields.Nested(MembershipSchema))


class InviteAcceptSchema(_Trimmed):
    """The invited colleague's own details; the address is the one invited."""

    display_name = fields.String(
        required=True, validate=validate.Length(1, 120, error=N_("Write 1 to 120 characters."))
    )
    password = fields.String(required=True, load_only=True, validate=_password_rules)
    preferred_language = fields.String(
        load_default="sv", validate=validate.OneOf(["sv", "en"], error=N_("Choose a language."))
    )


class InviteSchema(_Trimmed):
    email = fields.Email(required=True, validate=validate.Length(max=254))
