"""API: the logged-in person's consents, guides, access log and data export."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eportfolio.api.openapi import Blueprint
from eportfolio.db import db
from eportfolio.errors import ValidationFailed
from eportfolio.permissions import Permission, requires
from eportfolio.privacy import services
from eportfolio.privacy.models import ConsentKind, GuideGrant
from eportfolio.privacy.schemas import (
    AccessLogEntrySchema,
    ConsentDecisionSchema,
    ConsentRecordSchema,
    ConsentsSchema,
    GuideGrantOutSchema,
    GuideGrantSchema,
    GuidesSchema,
)
from eportfolio.privacy.views import export_response

blp = Blueprint("api_privacy", __name__, description="Consents, guides, access log, export")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


def _consents() -> dict[str, Any]:
    user = current_user
    return {
        "matching_visible": services.matching_visible(db.session, user.id),
        "matching": services.current_consent(db.session, user, ConsentKind.MATCHING),
        "share_identity": [
            {"employer_id": org.id, "employer_name": org.name, "granted": granted}
            for org, granted in services.identity_consents(db.session, user)
        ],
        "history": services.consent_history(db.session, user),
    }


@blp.route("/me/consents")
class Consents(MethodView):
    access_rule = requires(Permission.CONSENT_MANAGE)

    @blp.response(200, ConsentsSchema)
    @blp.doc(security=SECURITY)
    def get(self) -> dict[str, Any]:
        """Return the consents in force and every decision made, newest first."""
        return _consents()

    @blp.arguments(ConsentDecisionSchema)
    @blp.response(201, ConsentRecordSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any]) -> Any:
        """Give or withdraw a consent; withdrawing matching takes effect at once."""
        user = current_user
        if data["kind"] == "matching":
            if data["granted"]:
                return services.give_matching_consent(db.session, user)
            return services.withdraw_matching_consent(db.session, user)
        if data["employer_id"] is None:
            raise ValidationFailed({"employer_id": [_l("Choose an employer.")]})
        if data["granted"]:
            # Identity is shared only in answer to an employer's contact request.
            raise ValidationFailed(
                {"granted": [_l("You share your identity by answering a contact request.")]}
            )
        return services.withdraw_identity(db.session, user, data["employer_id"])


def _grant(g: GuideGrant) -> dict[str, Any]:
    return {
        "id": g.id,
        "guide_id": g.guide_id,
        "guide_name": g.guide.display_name,
        "organisation_id": g.organisation_id,
        "organisation_name": g.organisation.name,
        "granted_at": g.granted_at,
        "revoked_at": g.revoked_at,
    }


@blp.route("/me/guides")
class Guides(MethodView):
    access_rule = requires(Permission.GUIDE_GRANT_MANAGE)

    @blp.response(200, GuidesSchema)
    @blp.doc(security=SECURITY)
    def get(self) -> dict[str, Any]:
        """List the guides given access (live and ended) and the guides one can choose."""
        return {
            "grants": [_grant(g) for g in services.grants_of(db.session, current_user)],
            "available": [
                {
                    "guide_id": u.id,
                    "guide_name": u.display_name,
                    "organisation_id": org.id,
                    "organisation_name": org.name,
                }
                for org, people in services.available_guides(db.session)
                for u in people
            ],
        }

    @blp.arguments(GuideGrantSchema)
    @blp.response(201, GuideGrantOutSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Give a guide at a lärcentrum access to help edit the portfolio."""
        grant = services.grant_guide(
            db.session, current_user, data["guide_id"], data["organisation_id"]
        )
        return _grant(grant)


@blp.route("/me/guides/<int:grant_id>")
class GuideItem(MethodView):
    access_rule = requires(Permission.GUIDE_GRANT_MANAGE)

    @blp.response(204)
    @blp.doc(security=SECURITY)
    def delete(self, grant_id: int) -> None:
        """End a guide's access at once."""
        services.revoke_guide(db.session, current_user, grant_id)


@blp.route("/me/access-log")
class AccessLog(MethodView):
    access_rule = requires(Permission.ACCESS_LOG_VIEW)

    @blp.response(200, AccessLogEntrySchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self) -> list[dict[str, Any]]:
        """Who looked at the portfolio: role and organisation, never a person's identity."""
        return [
            {
                "at": e.at,
                "viewer_role": e.viewer_role,
                "viewer_organisation": e.viewer_organisation.name
                if e.viewer_organisation
                else None,
                "what": e.what,
            }
            for e in services.access_log(db.session, current_user)
        ]


@blp.route("/me/export")
class Export(MethodView):
    access_rule = requires(Permission.DATA_EXPORT)

    @blp.doc(
        security=SECURITY,
        responses={
            "200": {
                "description": "A zip with meritportfolj.json and every uploaded file.",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    def get(self) -> Response:
        """Download everything the service holds about the person as one zip."""
        return export_response(current_user)
