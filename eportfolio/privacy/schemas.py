"""Input and output schemas for consents, guide access, the access log and erasure."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, pre_load, validate

from eportfolio.db import ID_MAX
from eportfolio.schemas import N_, BaseSchema, UtcDateTime

_ID = validate.Range(min=1, max=ID_MAX, error=N_("Choose from the list."))


class MatchingDecisionSchema(BaseSchema):
    decision = fields.String(
        required=True,
        validate=validate.OneOf(["give", "withdraw"], error=N_("Choose to give or withdraw.")),
    )


class ConsentDecisionSchema(BaseSchema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["matching", "share_identity"], error=N_("Choose a consent.")),
        metadata={"description": "matching, or share_identity with one employer"},
    )
    granted = fields.Boolean(required=True, metadata={"description": "true gives, false withdraws"})
    employer_id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=False,
        validate=_ID,
        metadata={"description": "The employer organisation, for share_identity."},
    )


class GuideGrantSchema(BaseSchema):
    """One guide at one lärcentrum; the web form sends both as 'organisation:guide'."""

    guide_id = fields.Integer(required=True, strict=False, validate=_ID)
    organisation_id = fields.Integer(required=True, strict=False, validate=_ID)

    @pre_load
    def _split(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("guide"), str):
            org, _sep, guide = data["guide"].partition(":")
            data = {**data, "organisation_id": org or None, "guide_id": guide or None}
        return data


class EraseSchema(BaseSchema):
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(1, 256, error=N_("Write your password.")),
    )


class ConsentRecordSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    employer_id = fields.Integer(allow_none=True)
    granted = fields.Boolean()
    text_version = fields.String()
    created_at = UtcDateTime()


class IdentityConsentSchema(BaseSchema):
    employer_id = fields.Integer()
    employer_name = fields.String()
    granted = fields.Boolean()


class ConsentsSchema(BaseSchema):
    matching_visible = fields.Boolean()
    matching = fields.Nested(ConsentRecordSchema, allow_none=True)
    share_identity = fields.List(fields.Nested(IdentityConsentSchema))
    history = fields.List(fields.Nested(ConsentRecordSchema))


class GuideGrantOutSchema(BaseSchema):
    id = fields.Integer()
    guide_id = fields.Integer()
    guide_name = fields.String()
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    granted_at = UtcDateTime()
    revoked_at = UtcDateTime(allow_none=True)


class GuideOptionSchema(BaseSchema):
    guide_id = fields.Integer()
    guide_name = fields.String()
    organisation_id = fields.Integer()
    organisation_name = fields.String()


class GuidesSchema(BaseSchema):
    grants = fields.List(fields.Nested(GuideGrantOutSchema))
    available = fields.List(fields.Nested(GuideOptionSchema))


class AccessLogEntrySchema(BaseSchema):
    at = UtcDateTime()
    viewer_role = fields.String(metadata={"description": "Never who, only in which role."})
    viewer_organisation = fields.String(allow_none=True)
    what = fields.String()
