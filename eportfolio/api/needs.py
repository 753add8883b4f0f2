"""API: employers' needs and pseudonymous matches; the learner's recommendations and requests."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields, validate

from eportfolio.api.openapi import Blueprint
from eportfolio.db import db
from eportfolio.employers import services
from eportfolio.employers.recommendations import recommend
from eportfolio.employers.schemas import ContactSchema, NeedSchema
from eportfolio.permissions import Permission, requires
from eportfolio.portfolios.services import portfolio_for
from eportfolio.schemas import N_, BaseSchema, UtcDateTime

blp = Blueprint("api_needs", __name__, description="Competence needs, matching and contact")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]
NEEDS = requires(Permission.NEED_MANAGE)
LEARNER = requires(Permission.CONTACT_ANSWER)


class NeedOutSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    occupation = fields.Function(lambda n: n.occupation.uri if n.occupation else None)
    municipality_code = fields.String(allow_none=True)
    start_date = fields.Date(allow_none=True)
    text = fields.String(allow_none=True)
    open = fields.Boolean(
        attribute="is_open", metadata={"description": "Closed needs reach no one"}
    )
    languages = fields.Function(
        lambda n: [{"language": lang.language, "min_cefr": lang.min_cefr} for lang in n.languages]
    )
    skills = fields.Function(
        lambda n: [
            {"concept": s.concept.uri, "text": s.text, "must": s.must, "min_level": s.min_level}
            for s in n.skills
        ]
    )


class TermSchema(BaseSchema):
    skill = fields.String(metadata={"description": "Concept URI of the need skill"})
    must = fields.Boolean()
    status = fields.String(metadata={"description": "exact, related or missing"})
    via = fields.String(allow_none=True, metadata={"description": "The candidate's skill used"})
    link = fields.String(allow_none=True)
    level = fields.Integer(allow_none=True)
    evidence = fields.Function(
        lambda t: (
            None
            if t.evidence is None
            else ["self_declared", "documented", "validated", "certified"][int(t.evidence)]
        )
    )
    points = fields.Float()
    max_points = fields.Float()


class MatchSchema(BaseSchema):
    candidate = fields.String(metadata={"description": "Pseudonym, never a name"})
    score = fields.Float()
    municipality_code = fields.String(allow_none=True)
    skills = fields.List(fields.Nested(TermSchema))


class ExplanationSchema(MatchSchema):
    contributions = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        metadata={"description": "Every part of the score; the values sum to score"},
    )


class MatchQuerySchema(BaseSchema):
    limit = fields.Integer(
        load_default=20,
        validate=validate.Range(1, 100, error=N_("Choose a limit between 1 and 100.")),
    )


class AnswerSchema(BaseSchema):
    answer = fields.String(
        required=True,
        validate=validate.OneOf(["accept", "decline"], error=N_("Answer accept or decline.")),
    )


class ContactOutSchema(BaseSchema):
    id = fields.Integer()
    need_title = fields.Function(lambda r: r.need.title)
    employer = fields.Function(lambda r: r.need.organisation.name)
    message = fields.String(allow_none=True)
    state = fields.String()
    created_at = UtcDateTime()


def _match(candidate: services.Candidate) -> dict[str, Any]:
    return {
        "candidate": candidate.portfolio.pseudonym,
        "score": round(candidate.score, 2),
        "municipality_code": candidate.portfolio.municipality_code,
        "skills": candidate.explanation.skills,
    }


@blp.route("/needs")
class Needs(MethodView):
    access_rule = NEEDS

    @blp.response(200, NeedOutSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self) -> Any:
        """List your organisation's needs."""
        return services.needs_of(db.session, current_user)

    @blp.arguments(NeedSchema)
    @blp.response(201, NeedOutSchema)
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any]) -> Any:
        """Describe a need: skills (must or nice, lowest level), occupation, languages, place."""
        return services.save_need(db.session, current_user, data)


@blp.route("/needs/<int:need_id>/matches")
class NeedMatches(MethodView):
    access_rule = NEEDS

    @blp.arguments(MatchQuerySchema, location="query")
    @blp.response(200, MatchSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any], need_id: int) -> Any:
        """Rank pseudonymous, consenting candidates (at most 100)."""
        need = services.need_for(db.session, current_user, need_id)
        pages = (args["limit"] + services.PAGE - 1) // services.PAGE
        found = [
            c
            for page in range(1, pages + 1)
            for c in services.candidates(db.session, current_user, need, page)
        ]
        return [_match(c) for c in found[: args["limit"]]]


@blp.route("/needs/<int:need_id>/matches/<candidate>/explanation")
class MatchExplanation(MethodView):
    access_rule = NEEDS

    @blp.response(200, ExplanationSchema)
    @blp.doc(security=SECURITY)
    def get(self, need_id: int, candidate: str) -> Any:
        """Explain one candidate's score term by term."""
        need = services.need_for(db.session, current_user, need_id)
        found = services.candidate(db.session, current_user, need, candidate)
        return {**_match(found), "contributions": found.explanation.contributions()}


@blp.route("/needs/<int:need_id>/matches/<candidate>/contact")
class MatchContact(MethodView):
    access_rule = NEEDS

    @blp.arguments(ContactSchema)
    @blp.response(201, ContactOutSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any], need_id: int, candidate: str) -> Any:
        """Ask a candidate for contact; they decide whether to reveal who they are."""
        need = services.need_for(db.session, current_user, need_id)
        return services.request_contact(
            db.session, current_user, need, candidate, data.get("message")
        )


@blp.route("/me/recommendations")
class Recommendations(MethodView):
    access_rule = LEARNER

    @blp.response(200)
    @blp.doc(security=SECURITY)
    def get(self) -> Any:
        """Occupations, open needs and bristyrken that fit, each with the skills worth adding."""
        found = recommend(db.session, portfolio_for(db.session, current_user))

        def target(s: Any) -> Any:
            return (
                {"need_id": s.target.id, "title": s.target.title}
                if s.kind == "needs"
                else {"concept": s.target.uri, "label": s.target.label("sv")}
            )

        return {
            key: [
                {
                    **target(s),
                    "score": s.score,
                    "fit": s.fit,
                    "shortage": s.shortage,
                    "gaps": [
                        {"concept": c.uri, "label": c.label("sv"), "gain": g, "kind": kind}
                        for c, g, kind in s.gaps
                    ],
                }
                for s in items
            ]
            for key, items in found.items()
        }


@blp.route("/me/contact-requests")
class MyContactRequests(MethodView):
    access_rule = LEARNER

    @blp.response(200, ContactOutSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self) -> Any:
        """Employers who asked to get in touch."""
        return services.requests_for_learner(db.session, current_user)


@blp.route("/me/contact-requests/<int:request_id>")
class MyContactRequest(MethodView):
    access_rule = LEARNER

    @blp.arguments(AnswerSchema)
    @blp.response(200, ContactOutSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any], request_id: int) -> Any:
        """Accept (share name and e-mail with that employer) or decline."""
        return services.answer_request(
            db.session, current_user, request_id, data["answer"] == "accept"
        )


class SentRequestSchema(BaseSchema):
    id = fields.Integer()
    candidate = fields.String(metadata={"description": "The pseudonym asked"})
    message = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "pending, accepted or declined"})
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    name = fields.String(
        allow_none=True, metadata={"description": "Only once the candidate has accepted"}
    )
    email = fields.String(allow_none=True)


@blp.route("/needs/<int:need_id>/contact-requests")
class NeedContactRequests(MethodView):
    access_rule = NEEDS

    @blp.response(200, SentRequestSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, need_id: int) -> Any:
        """Your requests for this need and their answers; name and e-mail once accepted."""
        need = services.need_for(db.session, current_user, need_id)
        out = []
        for request in services.requests_for_need(db.session, need):
            person = services.revealed_identity(db.session, request)
            out.append(
                {
                    "id": request.id,
                    "candidate": request.portfolio.pseudonym,
                    "message": request.message,
                    "state": request.state,
                    "created_at": request.created_at,
                    "decided_at": request.decided_at,
                    "name": person.display_name if person else None,
                    "email": person.email if person else None,
                }
            )
        return out


@blp.route("/needs/<int:need_id>/close")
class CloseNeed(MethodView):
    access_rule = NEEDS

    @blp.response(200, NeedOutSchema)
    @blp.doc(security=SECURITY)
    def post(self, need_id: int) -> Any:
        """Close a need: learners stop seeing it and it takes no new contact requests."""
        return services.set_open(db.session, current_user, need_id, False)


@blp.route("/needs/<int:need_id>/reopen")
class ReopenNeed(MethodView):
    access_rule = NEEDS

    @blp.response(200, NeedOutSchema)
    @blp.doc(security=SECURITY)
    def post(self, need_id: int) -> Any:
        """Open a closed need again."""
        return services.set_open(db.session, current_user, need_id, True)
