"""API: validation cases, the review queue and decisions."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from eportfolio.api.openapi import Blueprint
from eportfolio.db import db
from eportfolio.permissions import AUTHENTICATED, Permission, requires
from eportfolio.validation import queue, services
from eportfolio.validation.models import ValidationCase
from eportfolio.validation.schemas import (
    CaseCreateSchema,
    CaseOut,
    ClaimAssessmentSchema,
    QueueFilterSchema,
    QueueOut,
    TransitionSchema,
)
from eportfolio.validation.states import Action

blp = Blueprint("api_validation", __name__, description="Validation cases, queue and decisions")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


def _out(case: ValidationCase) -> dict[str, Any]:
    return {
        **{k: getattr(case, k) for k in CaseOut().fields if hasattr(case, k)},
        "state": case.state.value,
        "allowed_actions": [
            a.value for a in services.allowed_actions(db.session, current_user, case)
        ],
    }


@blp.route("/validation/cases")
class Cases(MethodView):
    access_rule = requires(Permission.CASE_CREATE)

    @blp.response(200, CaseOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self) -> list[dict[str, Any]]:
        """List the learner's own cases."""
        return [_out(c) for c in services.my_cases(db.session, current_user)]

    @blp.arguments(CaseCreateSchema)
    @blp.response(201, CaseOut)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Start a case (a draft; with submit=true it is submitted at once)."""
        case = services.create_case(
            db.session, current_user, data["council_id"], data["claim_ids"], data["occupation_id"]
        )
        if data.get("submit"):
            services.transition(db.session, current_user, case, Action.SUBMIT)
        return _out(case)


@blp.route("/validation/cases/<int:case_id>")
class CaseItem(MethodView):
    access_rule = AUTHENTICATED

    @blp.response(200, CaseOut)
    @blp.doc(security=SECURITY)
    def get(self, case_id: int) -> dict[str, Any]:
        """Return a case the caller takes part in."""
        return _out(services.case_for(db.session, current_user, case_id))


@blp.route("/validation/cases/<int:case_id>/transitions")
class Transitions(MethodView):
    access_rule = AUTHENTICATED

    @blp.arguments(TransitionSchema)
    @blp.response(200, CaseOut)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any], case_id: int) -> dict[str, Any]:
        """Move the case by an action the state machine allows the caller (409 otherwise)."""
        case = services.case_for(db.session, current_user, case_id)
        services.transition(db.session, current_user, case, data["action"], data["reason"])
        return _out(case)


@blp.route("/validation/cases/<int:case_id>/claims/<int:claim_id>/assessment")
class Assessment(MethodView):
    access_rule = requires(Permission.ASSESSOR_HOME)

    @blp.arguments(ClaimAssessmentSchema)
    @blp.response(200, CaseOut)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=SECURITY)
    def put(self, data: dict[str, Any], case_id: int, claim_id: int) -> dict[str, Any]:
        """Record method, decision, verified level and rationale for one claim."""
        case = services.case_for(db.session, current_user, case_id)
        services.assess_claim(db.session, current_user, case, claim_id, data)
        return _out(case)


@blp.route("/validation/queue")
class Queue(MethodView):
    access_rule = requires(Permission.ASSESSOR_HOME)

    @blp.arguments(QueueFilterSchema, location="query")
    @blp.response(200, QueueOut)
    @blp.doc(security=SECURITY)
    def get(self, filters: dict[str, Any]) -> dict[str, Any]:
        """The cases of the caller's councils, oldest first, with counts per state."""
        items = queue.queue(db.session, current_user, filters)
        return {"items": items, "counts": queue.counts(items)}


@blp.route("/validation/queue/take-next")
class TakeNext(MethodView):
    # Only assessors take cases (a chair approves them): others get 403, not "nothing to take".
    access_rule = requires(Permission.CASE_TAKE)

    @blp.response(200, CaseOut)
    @blp.alt_response(204, description="No case to take")
    @blp.doc(security=SECURITY)
    def post(self) -> Any:
        """Take the oldest case the caller may assess."""
        case = queue.take_next(db.session, current_user)
        if case is None:
            return "", 204
        return _out(case)
