"""Schemas for every portfolio section: one validation layer for the forms and the API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from eportfolio.portfolios.models import CEFR, DRIVING_LICENCES
from eportfolio.schemas import N_, BaseSchema, Id

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class Month(fields.Field):
    """A month written YYYY-MM (what <input type=month> sends), stored as its first day."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": N_("Write the month as YYYY-MM, for example 2024-03."),
        "year": N_("Write a year from 1900 to 2100."),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        match = _MONTH.match(str(value).strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise self.make_error("invalid")
        if not 1900 <= int(match.group(1)) <= 2100:
            raise self.make_error("year")
        return dt.date(int(match.group(1)), int(match.group(2)), 1)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else f"{value.year:04d}-{value.month:02d}"


class _Form(BaseSchema):
    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        # Forms send "" for empty fields and several values for checkboxes.
        if not isinstance(data, dict):
            return data
        return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}


class ProfileSchema(_Form):
    headline = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=160, error=N_("Write at most 160 characters.")),
    )
    summary = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=4000, error=N_("Write at most 4,000 characters.")),
    )
    municipality_code = fields.String(allow_none=True, load_default=None)
    work_municipalities = fields.List(fields.String(), load_default=list)
    driving_licences = fields.List(
        fields.String(
            validate=validate.OneOf(
                DRIVING_LICENCES, error=N_("Choose driving licences from the list.")
            )
        ),
        load_default=list,
    )
    has_work_permit = fields.Boolean(
        allow_none=True,
        load_default=None,
        truthy={"yes", True, "true"},
        falsy={"no", False, "false"},
    )
    available_from = fields.Date(
        allow_none=True,
        load_default=None,
        error_messages={"invalid": N_("Write the date as YYYY-MM-DD.")},
    )
    target_occupations = fields.List(
        fields.String(validate=validate.Length(max=200)), load_default=list
    )


class ExperienceSchema(_Form):
    id = fields.Integer(dump_only=True)
    employer_name = fields.String(
        required=True, validate=validate.Length(1, 200, error=N_("Write 1 to 200 characters."))
    )
    occupation_text = fields.String(
        required=True, validate=validate.Length(1, 200, error=N_("Write 1 to 200 characters."))
    )
    occupation_concept_id = Id(allow_none=True, load_default=None)
    start = Month(required=True)
    end = Month(allow_none=True, load_default=None)
    ongoing = fields.Boolean(
        load_default=False, truthy={"on", "yes", "true", True}, falsy={"off", "no", "false", False}
    )
    extent_percent = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, 100, error=N_("Write a share between 1 and 100 per cent.")),
    )
    description = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=4000, error=N_("Write at most 4,000 characters.")),
    )

    @validates_schema
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("start"), data.get("end")
        if data.get("ongoing") and end:
            raise ValidationError({"end": [N_("Leave the end empty when the job is ongoing.")]})
        if not data.get("ongoing") and start and not end:
            raise ValidationError({"end": [N_("Write when it ended, or tick that it is ongoing.")]})
        if start and end and end < start:
            raise ValidationError({"end": [N_("The end cannot be before the start.")]})
        if start and start > dt.date.today():
            raise ValidationError({"start": [N_("The start cannot be in the future.")]})


class EducationSchema(_Form):
    id = fields.Integer(dump_only=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            ["formal", "non_formal", "workplace"], error=N_("Choose a kind of education.")
        ),
    )
    institution = fields.String(
        required=True, validate=validate.Length(1, 200, error=N_("Write 1 to 200 characters."))
    )
    programme = fields.String(
        required=True, validate=validate.Length(1, 200, error=N_("Write 1 to 200 characters."))
    )
    sun_level = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Regexp(r"^\d{1,3}$", error=N_("A SUN level code has 1 to 3 digits.")),
    )
    sun_field = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Regexp(
            r"^\d{1,3}[a-z]?$", error=N_("A SUN field code has 1 to 3 digits.")
        ),
    )
    seqf_level = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, 8, error=N_("Choose a level from 1 to 8.")),
    )
    start = Month(allow_none=True, load_default=None)
    end = Month(allow_none=True, load_default=None)
    completed = fields.Boolean(
        load_default=False, truthy={"on", "yes", "true", True}, falsy={"off", "no", "false", False}
    )

    @validates_schema
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError({"end": [N_("The end cannot be before the start.")]})


class ClaimSchema(_Form):
    id = fields.Integer(dump_only=True)
    text = fields.String(
        required=True,
        validate=validate.Length(1, 200, error=N_("Write 1 to 200 characters.")),
        metadata={
            "description": "The skill as the person writes it; resolved to a taxonomy concept"
        },
    )
    concept_id = Id(
        allow_none=True,
        load_default=None,
        metadata={"description": "The chosen concept, when the person picked a suggestion"},
    )
    level = fields.Integer(
        required=True, validate=validate.Range(1, 4, error=N_("Choose a level from 1 to 4."))
    )
    years = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(0, 60, error=N_("Write a number of years from 0 to 60.")),
    )
    learned_in = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(
            ["formal", "non_formal", "informal"], error=N_("Choose where you learned it.")
        ),
    )
    experience_ids = fields.List(Id(), load_default=list)


class ClaimUpdateSchema(ClaimSchema):
    text = fields.String(allow_none=True, load_default=None)


class LanguageSchema(_Form):
    id = fields.Integer(dump_only=True)
    language = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z]{2,3}$", error=N_("Choose a language from the list.")),
    )
    mother_tongue = fields.Boolean(
        load_default=False, truthy={"on", "yes", "true", True}, falsy={"off", "no", "false", False}
    )
    listening = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(CEFR, error=N_("Choose a level from A1 to C2.")),
    )
    reading = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(CEFR, error=N_("Choose a level from A1 to C2.")),
    )
    speaking = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(CEFR, error=N_("Choose a level from A1 to C2.")),
    )
    writing = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(CEFR, error=N_("Choose a level from A1 to C2.")),
    )

    @validates_schema
    def _levels(self, data: dict[str, Any], **_: Any) -> None:
        levels = [data.get(k) for k in ("listening", "reading", "speaking", "writing")]
        if not data.get("mother_tongue") and not any(levels):
            raise ValidationError(
                {
                    "listening": [
                        N_("Give at least one level, or tick that it is your mother tongue.")
                    ]
                }
            )


class CvTextSchema(BaseSchema):
    text = fields.String(
        required=True,
        validate=validate.Length(1, 20_000, error=N_("Paste 1 to 20,000 characters.")),
    )
