"""API: the learner's own portfolio, section by section (same schemas and rules as the forms)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from marshmallow import Schema, fields

from eportfolio.api.openapi import Blueprint
from eportfolio.db import db
from eportfolio.permissions import Permission, requires
from eportfolio.portfolios import services
from eportfolio.portfolios.schemas import (
    ClaimSchema,
    ClaimUpdateSchema,
    EducationSchema,
    ExperienceSchema,
    LanguageSchema,
    Month,
    ProfileSchema,
)
from eportfolio.schemas import BaseSchema

blp = Blueprint("api_portfolio", __name__, description="The learner's own meritportfölj")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]
RULE = requires(Permission.PORTFOLIO_EDIT)


class ClaimOutSchema(BaseSchema):
    id = fields.Integer()
    text = fields.String(attribute="text_as_typed")
    concept_id = fields.Integer()
    concept_uri = fields.Function(lambda c: c.concept.uri)
    concept_label = fields.Function(lambda c: c.concept.label("sv"))
    level = fields.Integer()
    years = fields.Integer(allow_none=True)
    learned_in = fields.Function(lambda c: c.learned_in.value if c.learned_in else None)
    status = fields.Function(
        lambda c: c.status.value,
        metadata={"description": "self_declared, documented, validated or certified"},
    )
    verified_level = fields.Integer(allow_none=True)
    experience_ids = fields.Function(lambda c: [e.id for e in c.experiences])
    evidence_ids = fields.Function(lambda c: [e.id for e in c.evidence])


class ExperienceOutSchema(ExperienceSchema):
    start = Month()
    end = Month(allow_none=True)


class EducationOutSchema(EducationSchema):
    kind = fields.Function(lambda e: e.kind.value)
    start = Month(allow_none=True)
    end = Month(allow_none=True)


class PortfolioOutSchema(BaseSchema):
    pseudonym = fields.String()
    headline = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    municipality_code = fields.String(allow_none=True)
    work_municipalities = fields.List(fields.String())
    driving_licences = fields.List(fields.String())
    has_work_permit = fields.Boolean(allow_none=True)
    available_from = fields.Date(allow_none=True)
    target_occupations = fields.Function(lambda p: [t.concept.uri for t in p.targets])
    experiences = fields.List(fields.Nested(ExperienceOutSchema))
    educations = fields.List(fields.Nested(EducationOutSchema))
    claims = fields.List(fields.Nested(ClaimOutSchema))
    languages = fields.List(fields.Nested(LanguageSchema))


def _portfolio() -> Any:
    return services.portfolio_to_edit(db.session, current_user)


@blp.route("/me/portfolio")
class PortfolioView(MethodView):
    access_rule = RULE

    @blp.response(200, PortfolioOutSchema)
    @blp.doc(security=SECURITY)
    def get(self) -> Any:
        """Return the whole portfolio."""
        return _portfolio()

    @blp.arguments(ProfileSchema)
    @blp.response(200, PortfolioOutSchema)
    @blp.doc(security=SECURITY)
    def put(self, data: dict[str, Any]) -> Any:
        """Replace the profile part (headline, summary, kommuner, licences, targets...)."""
        portfolio = _portfolio()
        services.update_profile(db.session, current_user, portfolio, data)
        return portfolio


def _section(
    name: str,
    attribute: str,
    in_schema: type[Schema],
    out_schema: type[Schema],
    save: Any,
    section: str,
    update_schema: type[Schema] | None = None,
) -> None:
    """Register list and item endpoints for one portfolio section."""

    class Collection(MethodView):
        access_rule = RULE

        @blp.response(200, out_schema(many=True))
        @blp.doc(security=SECURITY)
        def get(self) -> Any:
            return getattr(_portfolio(), attribute)

        @blp.arguments(in_schema)
        @blp.response(201, out_schema)
        @blp.doc(security=SECURITY)
        def post(self, data: dict[str, Any]) -> Any:
            return save(db.session, current_user, _portfolio(), data)

    class Item(MethodView):
        access_rule = RULE

        @blp.response(200, out_schema)
        @blp.doc(security=SECURITY)
        def get(self, item_id: int) -> Any:
            return services._owned(getattr(_portfolio(), attribute), item_id)

        @blp.arguments(update_schema or in_schema)
        @blp.response(200, out_schema)
        @blp.doc(security=SECURITY)
        def put(self, data: dict[str, Any], item_id: int) -> Any:
            return save(db.session, current_user, _portfolio(), data, item_id)

        @blp.response(204)
        @blp.doc(security=SECURITY)
        def delete(self, item_id: int) -> None:
            services.delete_item(db.session, current_user, _portfolio(), section, item_id)

    Collection.__name__ = f"{name.title()}List"
    Item.__name__ = f"{name.title()}Item"
    blp.route(f"/me/portfolio/{name}")(Collection)
    blp.route(f"/me/portfolio/{name}/<int:item_id>")(Item)


_section(
    "experiences",
    "experiences",
    ExperienceSchema,
    ExperienceOutSchema,
    services.save_experience,
    "experience",
)
_section(
    "educations",
    "educations",
    EducationSchema,
    EducationOutSchema,
    services.save_education,
    "education",
)
_section(
    "languages", "languages", LanguageSchema, LanguageSchema, services.save_language, "language"
)
_section(
    "claims",
    "claims",
    ClaimSchema,
    ClaimOutSchema,
    services.save_claim,
    "claim",
    update_schema=ClaimUpdateSchema,
)
