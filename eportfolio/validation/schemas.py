"""Input and output schemas for validation: one layer for the HTML forms and the JSON API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_load, validate

from eportfolio.schemas import N_, BaseSchema, Id, UtcDateTime, stripped
from eportfolio.validation.services import METHODS
from eportfolio.validation.states import Action, State

_text = fields.String


class CaseCreateSchema(BaseSchema):
    council_id = Id(required=True)
    claim_ids = fields.List(Id(), load_default=list)
    occupation_id = Id(load_default=None, allow_none=True)
    submit = fields.Boolean(load_default=False, metadata={"description": "Submit at once"})


class TransitionSchema(BaseSchema):
    action = fields.String(
        required=True,
        validate=validate.OneOf([a.value for a in Action], error=N_("Choose an action.")),
    )
    reason = _text(load_default="", validate=validate.Length(max=4000))


class ClaimAssessmentSchema(BaseSchema):
    method = fields.String(
        required=True,
        validate=validate.OneOf(METHODS, error=N_("Choose how you assessed the skill.")),
    )
    decision = fields.String(
        required=True,
        validate=validate.OneOf(
            ("verified", "not_verified"), error=N_("Choose verified or not verified.")
        ),
    )
    verified_level = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(1, 4, error=N_("Choose a level from 1 to 4.")),
    )
    rationale = _text(
        required=True,
        # The form leaves out an empty field, so "required" is what an empty box gets.
        error_messages={"required": N_("Write the reason for the decision.")},
        validate=[
            validate.Length(min=1, error=N_("Write the reason for the decision.")),
            validate.Length(max=4000, error=N_("Write at most 4,000 characters.")),
        ],
    )


class QueueFilterSchema(BaseSchema):
    state = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([s.value for s in State] + [""], error=N_("Choose a state.")),
    )
    occupation_id = Id(load_default=None, allow_none=True)
    municipality = fields.String(load_default=None, allow_none=True)


class CouncilSchema(BaseSchema):
    name = _text(
        required=True,
        validate=validate.Length(
            min=2, max=200, error=N_("Write the council's name, 2 to 200 characters.")
        ),
    )
    branch = _text(load_default="", validate=validate.Length(max=120))
    occupation_ids = fields.List(Id(), load_default=list)
    municipality_codes = fields.List(fields.String(), load_default=list)

    @pre_load
    def _strip(self, data: Any, **_: Any) -> Any:
        # The length rule is about the name people see: "  " is no name.
        if not isinstance(data, dict):
            return data
        return {k: stripped(v) if k in ("name", "branch") else v for k, v in data.items()}


class MemberSchema(BaseSchema):
    email = fields.Email(required=True)
    role = fields.String(
        required=True,
        validate=validate.OneOf(("assessor", "chair"), error=N_("Choose assessor or chair.")),
    )


class RevokeSchema(BaseSchema):
    reason = _text(
        required=True,
        validate=[
            validate.Length(min=1, error=N_("Write why the credential is revoked.")),
            validate.Length(max=2000, error=N_("Write at most 2,000 characters.")),
        ],
    )


# --- output (API) -------------------------------------------------------------------------


class CaseClaimOut(Schema):
    id = fields.Integer()
    concept_id = fields.Integer()
    label = fields.String(attribute="text_as_typed")
    level = fields.Integer(allow_none=True)
    evidence = fields.List(fields.Dict())
    method = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    verified_level = fields.Integer(allow_none=True)
    rationale = fields.String(allow_none=True)


NUMBER = {"description": "Diarienummer, as people name the case; null while a draft"}


class CaseOut(Schema):
    id = fields.Integer()
    number = fields.String(allow_none=True, metadata=NUMBER)
    state = fields.String()
    council_id = fields.Integer()
    occupation_concept_id = fields.Integer(allow_none=True)
    assessor_id = fields.Integer(allow_none=True)
    request_message = fields.String(allow_none=True)
    submitted_at = UtcDateTime(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    claims = fields.List(fields.Nested(CaseClaimOut))
    allowed_actions = fields.List(fields.String())


class QueueItemOut(Schema):
    id = fields.Integer(attribute="case.id")
    number = fields.String(attribute="case.number", allow_none=True, metadata=NUMBER)
    state = fields.String(attribute="case.state")
    council_id = fields.Integer(attribute="case.council_id")
    occupation_concept_id = fields.Integer(attribute="case.occupation_concept_id", allow_none=True)
    submitted_at = UtcDateTime(attribute="case.submitted_at", allow_none=True)
    days_waiting = fields.Integer(
        allow_none=True, metadata={"description": "Days since it was sent; null once closed"}
    )
    eligible = fields.Boolean(metadata={"description": "The caller may take the case now"})


class QueueOut(Schema):
    items = fields.List(fields.Nested(QueueItemOut))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
