"""Training modules and overview filters, as typed in forms or sent to the API."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, pre_load, validate

from eportfolio.db import ID_MAX
from eportfolio.schemas import N_, BaseSchema, stripped


class ModuleSchema(BaseSchema):
    name = fields.String(
        required=True, validate=validate.Length(1, 200, error=N_("Write 1 to 200 characters."))
    )
    organisation_id = fields.Integer(
        required=True,
        error_messages={"invalid": N_("Choose a lärcentrum from the list.")},
        validate=validate.Range(1, ID_MAX, error=N_("Choose a lärcentrum from the list.")),
    )
    description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=5000)
    )
    skills = fields.List(
        fields.String(validate=validate.Length(1, 200)),
        load_default=list,
        metadata={"description": "Skills taught, in words or as taxonomy concept ids"},
    )
    start_date = fields.Date(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": N_("Write the date as YYYY-MM-DD.")},
    )
    length = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    url = fields.Url(
        load_default=None,
        allow_none=True,
        schemes={"https", "http"},
        error_messages={"invalid": N_("Write a web address that starts with https://.")},
    )

    @pre_load
    def _blank_to_none(self, data: Any, **_kw: Any) -> Any:
        if not hasattr(data, "items"):
            return data
        # Stripped first: a name of only spaces is no name, in the form and the API alike.
        out = {k: (None if stripped(v) == "" else stripped(v)) for k, v in dict(data).items()}
        if isinstance(out.get("skills"), str):  # the form's text area: one skill a line
            out["skills"] = [s.strip() for s in out["skills"].splitlines() if s.strip()]
        return out


class OverviewQuery(BaseSchema):
    kommun = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4))
    group = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4))


class ThroughputQuery(BaseSchema):
    year = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(
            r"^[0-9]{4}\Z", error=N_("Write the year with four digits, like 2026.")
        ),
    )
