"""API: the holder's credentials, revocation by the chair, and public verification."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields, validate

from eportfolio import credentials as core
from eportfolio.api.openapi import Blueprint
from eportfolio.credentials import services
from eportfolio.credentials.models import IssuedCredential
from eportfolio.db import db
from eportfolio.errors import TooLarge
from eportfolio.permissions import PUBLIC, Permission, requires
from eportfolio.schemas import BaseSchema, UtcDateTime
from eportfolio.validation.schemas import RevokeSchema

blp = Blueprint("api_credentials", __name__, description="Credentials and their verification")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


class CredentialOut(Schema):
    uuid = fields.String()
    kind = fields.String()
    title = fields.String(allow_none=True)
    case_id = fields.Integer(allow_none=True)
    issued_at = UtcDateTime()
    revoked_at = UtcDateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True)
    verify_url = fields.String()


class CredentialDocument(Schema):
    credential = fields.Dict()
    jwt = fields.String()
    verify = fields.String()


class VerifyIn(BaseSchema):
    credential = fields.String(
        required=True,
        validate=validate.Length(min=1),
        metadata={
            "description": "The VC-JWT, or the JSON download holding it. A credential is a few "
            f"kB: one longer than {services.MAX_CREDENTIAL:,} characters is refused with 413.",
            "maxLength": services.MAX_CREDENTIAL,
        },
    )


class VerifyOut(Schema):
    state = fields.String(
        metadata={
            "description": "valid, revoked, signature_invalid, unknown_issuer, expired, "
            "altered (a JSON download whose readable part differs from its signed jwt), …"
        }
    )
    issuer = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    skills = fields.List(fields.Dict())
    revoked_at = UtcDateTime(allow_none=True)


def _out(issued: IssuedCredential) -> dict[str, Any]:
    return {
        "uuid": issued.uuid,
        "kind": issued.kind,
        "title": issued.title,
        "case_id": issued.case_id,
        "issued_at": issued.issued_at,
        "revoked_at": issued.revoked_at,
        "revoked_reason": issued.revoked_reason,
        "verify_url": core.credential_url(services.base_url(), issued.uuid),
    }


@blp.route("/credentials")
class Credentials(MethodView):
    access_rule = requires(Permission.CREDENTIAL_HOLD)

    @blp.response(200, CredentialOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self) -> list[dict[str, Any]]:
        """List the caller's credentials."""
        return [_out(c) for c in services.credentials_of_learner(db.session, current_user)]


@blp.route("/credentials/<credential_uuid>")
class CredentialItem(MethodView):
    access_rule = requires(Permission.CREDENTIAL_HOLD)

    @blp.response(200, CredentialDocument)
    @blp.doc(security=SECURITY)
    def get(self, credential_uuid: str) -> dict[str, Any]:
        """Return one of the caller's credentials: the data and the signed VC-JWT."""
        issued = services.owned_credential(db.session, current_user, credential_uuid)
        return services.download_document(issued)


@blp.route("/credentials/<credential_uuid>/revoke")
class Revoke(MethodView):
    access_rule = requires(Permission.CREDENTIAL_REVOKE)

    @blp.arguments(RevokeSchema)
    @blp.response(200, CredentialOut)
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any], credential_uuid: str) -> dict[str, Any]:
        """Revoke a credential of the caller's council; the status list changes at once."""
        return _out(services.revoke(db.session, current_user, credential_uuid, data["reason"]))


@blp.route("/verify")
class Verify(MethodView):
    access_rule = PUBLIC

    @blp.arguments(VerifyIn)
    @blp.response(200, VerifyOut)
    @blp.alt_response(413, response=HTTPStatus(413).name)
    @blp.doc(
        description=f"A credential is a few kB: one longer than {services.MAX_CREDENTIAL:,} "
        "characters is answered with 413, whose detail names the limit (as the page does for "
        "a file over 1 MB), and is not checked."
    )
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Verify a credential (VC-JWT, or the JSON download holding it); no login needed."""
        if len(data["credential"]) > services.MAX_CREDENTIAL:
            raise TooLarge(
                _l(
                    "The credential is larger than %(limit)s MB. A credential is much smaller: "
                    "check that you sent the right file or text.",
                    limit=services.MAX_CREDENTIAL_MB,
                ),
                field="credential",
            )
        result = services.verify_token(db.session, data["credential"])
        answer: dict[str, Any] = {
            "state": result.state,
            "issuer": result.issuer_id,
            "skills": [],
            "revoked_at": result.revoked_at,
        }
        if result.credential is not None:
            try:
                summary = core.summarise(result.credential)
            except (KeyError, TypeError, ValueError):
                return answer
            answer["title"] = summary.title
            answer["skills"] = [
                {"label": s.label, "level": s.level, "concept": s.concept_uri}
                for s in summary.skills
            ]
        return answer
