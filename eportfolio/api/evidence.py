"""API: the logged-in learner's evidence files and links."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_login import current_user

from eportfolio.api.openapi import Blueprint
from eportfolio.db import db
from eportfolio.evidence import services
from eportfolio.evidence.schemas import AttachSchema, EvidenceSchema, LinkSchema, UploadSchema
from eportfolio.evidence.views import file_response
from eportfolio.permissions import Permission, requires
from eportfolio.portfolios.models import Evidence, Portfolio

blp = Blueprint("api_evidence", __name__, description="Evidence files and links of a portfolio")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]
FILE_DOC = {
    "description": "The file as an attachment, in the type its content proved.",
    "content": {
        t: {"schema": {"type": "string", "format": "binary"}}
        for t in ("application/pdf", "image/jpeg", "image/png")
    },
}
EDIT = requires(Permission.PORTFOLIO_EDIT)


def _own(permission: str) -> Portfolio:
    # A guide holds no portfolio of their own: "not found" (404) on every route here.
    return services.resolve_portfolio(db.session, current_user, None, permission)


@blp.route("/me/portfolio/evidence")
class EvidenceList(MethodView):
    access_rule = EDIT

    @blp.response(200, EvidenceSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=SECURITY)
    def get(self) -> list[Evidence]:
        """List the files and links of the learner's portfolio."""
        portfolio = _own(Permission.PORTFOLIO_VIEW)
        return services.list_evidence(db.session, current_user, portfolio)

    @blp.arguments(UploadSchema, location="form", content_type="multipart/form-data")
    @blp.response(201, EvidenceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any]) -> Evidence:
        """Upload a PDF, JPEG or PNG (multipart field `file`); its content decides its type."""
        portfolio = _own(Permission.PORTFOLIO_EDIT)
        return services.add_file(
            db.session,
            current_user,
            portfolio,
            request.files.get("file"),
            data.get("title"),
            data.get("claim_id"),
        )


@blp.route("/me/portfolio/evidence/links")
class EvidenceLinks(MethodView):
    access_rule = EDIT

    @blp.arguments(LinkSchema)
    @blp.response(201, EvidenceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any]) -> Evidence:
        """Add an http or https link as evidence."""
        return services.add_link(db.session, current_user, _own(Permission.PORTFOLIO_EDIT), data)


@blp.route("/me/portfolio/evidence/<int:evidence_id>")
class EvidenceItem(MethodView):
    access_rule = EDIT

    @blp.response(200, EvidenceSchema)
    @blp.doc(security=SECURITY)
    def get(self, evidence_id: int) -> Evidence:
        """Return one piece of evidence."""
        return services.get_evidence(db.session, _own(Permission.PORTFOLIO_VIEW), evidence_id)

    @blp.response(204)
    @blp.doc(security=SECURITY)
    def delete(self, evidence_id: int) -> None:
        """Remove evidence and its file; claims left without evidence are self-declared again."""
        portfolio = _own(Permission.PORTFOLIO_EDIT)
        services.delete_evidence(db.session, current_user, portfolio, evidence_id)


@blp.route("/me/portfolio/evidence/<int:evidence_id>/file")
class EvidenceFile(MethodView):
    access_rule = EDIT

    @blp.doc(security=SECURITY, responses={"200": FILE_DOC})
    def get(self, evidence_id: int) -> Response:
        """Download the file, always as an attachment."""
        portfolio = _own(Permission.PORTFOLIO_VIEW)
        ev, fh = services.open_file(db.session, current_user, portfolio, evidence_id)
        return file_response(ev, fh)


@blp.route("/me/portfolio/evidence/<int:evidence_id>/claims")
class EvidenceClaims(MethodView):
    access_rule = EDIT

    @blp.arguments(AttachSchema)
    @blp.response(200, EvidenceSchema)
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any], evidence_id: int) -> Evidence:
        """Let the evidence back a skill claim; a self-declared claim becomes documented."""
        portfolio = _own(Permission.PORTFOLIO_EDIT)
        services.attach(db.session, current_user, portfolio, evidence_id, data["claim_id"])
        return services.get_evidence(db.session, portfolio, evidence_id)


@blp.route("/me/portfolio/evidence/<int:evidence_id>/claims/<int:claim_id>")
class EvidenceClaimItem(MethodView):
    access_rule = EDIT

    @blp.response(204)
    @blp.doc(security=SECURITY)
    def delete(self, evidence_id: int, claim_id: int) -> None:
        """Stop the evidence backing a claim."""
        portfolio = _own(Permission.PORTFOLIO_EDIT)
        services.detach(db.session, current_user, portfolio, evidence_id, claim_id)
