"""API: the regional figures (suppressed aggregates) and the training catalogue."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import RAISE, Schema, fields

from eportfolio.api.openapi import Blueprint
from eportfolio.db import db
from eportfolio.errors import DomainError
from eportfolio.permissions import Permission, require, requires
from eportfolio.regional import modules as catalogue
from eportfolio.regional import report, services
from eportfolio.regional.models import TrainingModule
from eportfolio.regional.schemas import ModuleSchema, OverviewQuery, ThroughputQuery
from eportfolio.schemas import Id, UtcDateTime, load

blp = Blueprint(
    "api_regional", __name__, description="Regional supply and demand, gaps, validation, training"
)
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]
COUNT = {"allow_none": True, "metadata": {"description": "null: fewer than 5 people (hidden)"}}


class SupplyRowSchema(Schema):
    ssyk4 = fields.String()
    label = fields.String()
    shortage = fields.String(allow_none=True)
    needs = fields.Integer()
    ads = fields.Integer()
    ads_skane = fields.Integer()
    targeting = fields.Integer(**COUNT)
    qualified = fields.Integer(**COUNT)
    validated = fields.Integer(**COUNT)


class OverviewSchema(Schema):
    area = fields.String()
    group = fields.String(allow_none=True)
    threshold = fields.Float()
    near = fields.Float()
    computed_at = UtcDateTime()
    up_to_date = fields.Boolean()
    ads_period = fields.String(allow_none=True)
    rows = fields.List(fields.Nested(SupplyRowSchema))


class ModuleRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    centre = fields.String()


class GapRowSchema(Schema):
    skill = fields.String(metadata={"description": "Concept URI"})
    skill_label = fields.String()
    ssyk4 = fields.String()
    group_label = fields.String()
    lifted = fields.Integer(**COUNT)
    modules = fields.List(fields.Nested(ModuleRefSchema))


class GapsSchema(Schema):
    area = fields.String()
    group = fields.String(allow_none=True)
    rows = fields.List(fields.Nested(GapRowSchema))


class ThroughputRowSchema(Schema):
    key = fields.String()
    label = fields.String()
    total = fields.Integer(**COUNT)
    submitted = fields.Integer(**COUNT)
    in_assessment = fields.Integer(**COUNT)
    awaiting_learner = fields.Integer(**COUNT)
    reassessment_requested = fields.Integer(**COUNT)
    assessed = fields.Integer(**COUNT)
    certified = fields.Integer(**COUNT)
    not_certified = fields.Integer(**COUNT)
    withdrawn = fields.Integer(**COUNT)
    waiting_median = fields.Float(allow_none=True)
    waiting_p90 = fields.Float(allow_none=True)
    decision_median = fields.Float(allow_none=True)
    decision_p90 = fields.Float(allow_none=True)
    certification_rate = fields.Float(allow_none=True)


class ThroughputSchema(Schema):
    year = fields.String()
    years = fields.List(fields.String())
    councils = fields.List(fields.Nested(ThroughputRowSchema))
    occupations = fields.List(fields.Nested(ThroughputRowSchema))


class ModuleQuery(Schema):
    skill = fields.List(
        Id(), load_default=list, metadata={"description": "Taxonomy skill concept ids"}
    )


class ModuleOutSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    organisation_id = fields.Integer()
    centre = fields.String()
    description = fields.String(allow_none=True)
    start_date = fields.Date(allow_none=True)
    length = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    skills = fields.List(fields.Dict())


def _lang() -> str:
    return str(get_locale())


@blp.route("/regional/overview")
class Overview(MethodView):
    access_rule = requires(Permission.REGIONAL_OVERVIEW_VIEW)

    @blp.arguments(OverviewQuery, location="query")
    @blp.response(200, OverviewSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Demand beside supply per occupation group, for a kommun or the region (SKNO)."""
        data, at, fresh = services.overview(db.session)
        area, group = services.overview_filters(data, args.get("kommun"), args.get("group"))
        return {
            "area": area,
            "group": group,
            "threshold": data["threshold"],
            "near": data["near"],
            "computed_at": at,
            "up_to_date": fresh,
            "ads_period": data["ads"]["period"],
            "rows": report.supply_rows(data, area, group, _lang()),
        }


@blp.route("/regional/gaps")
class Gaps(MethodView):
    access_rule = requires(Permission.REGIONAL_OVERVIEW_VIEW)

    @blp.arguments(OverviewQuery, location="query")
    @blp.response(200, GapsSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Missing skills ranked by the people each would lift over the threshold."""
        data, _at, _fresh = services.overview(db.session)
        area, group = services.overview_filters(data, args.get("kommun"), args.get("group"))
        return {
            "area": area,
            "group": group,
            "rows": report.gap_rows(db.session, data, area, group, _lang()),
        }


@blp.route("/regional/validation")
class Throughput(MethodView):
    access_rule = requires(Permission.REGIONAL_VALIDATION_VIEW)

    @blp.arguments(ThroughputQuery, location="query")
    @blp.response(200, ThroughputSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Validation cases per council and occupation for a year; chairs get their council."""
        years = services.validation_years(db.session)
        year = services.validation_year(db.session, args.get("year"))
        data, _at, _fresh = services.validation(db.session, current_user, year)
        return {
            "year": year,
            "years": years,
            "councils": report.validation_rows(data["council"], data["states"]),
            "occupations": report.validation_rows(data["occupation"], data["states"]),
        }


BODY = {"required": True, "content": {"application/json": {"schema": ModuleSchema}}}


def _body() -> dict[str, Any]:
    """Check the permission before the body, so others learn nothing from validation errors."""
    require(current_user, Permission.TRAINING_MODULE_MANAGE)
    body = request.get_json(silent=True)
    if body is None and request.get_data():
        raise DomainError(_l("Invalid JSON body."))  # 400, as webargs answers other bodies
    return load(ModuleSchema(), body if body is not None else {}, unknown=RAISE)


def module_out(item: TrainingModule) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "organisation_id": item.organisation_id,
        "centre": item.organisation.name,
        "description": item.description,
        "start_date": item.start_date,
        "length": item.length,
        "url": item.url,
        "skills": [
            {"id": s.concept_id, "uri": s.concept.uri, "label": s.concept.label(_lang())}
            for s in item.skills
        ],
    }


@blp.route("/training-modules")
class Modules(MethodView):
    access_rule = requires(Permission.TRAINING_CATALOGUE_VIEW)

    @blp.arguments(ModuleQuery, location="query")
    @blp.response(200, ModuleOutSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Training modules; with ``skill`` ids only those teaching one of them."""
        if args.get("skill"):
            found = catalogue.modules_teaching(db.session, args["skill"])
            unique = {m.id: m for mods in found.values() for m in mods}
            return [module_out(m) for m in sorted(unique.values(), key=lambda m: m.name)]
        return [module_out(m) for m in catalogue.modules(db.session)]

    @blp.response(201, ModuleOutSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.doc(security=SECURITY, requestBody=BODY)
    def post(self) -> dict[str, Any]:
        """Add a module (coordinators and admins)."""
        return module_out(catalogue.save_module(db.session, current_user, _body()))


@blp.route("/training-modules/<int:module_id>")
class ModuleItem(MethodView):
    access_rule = requires(Permission.TRAINING_CATALOGUE_VIEW)

    @blp.response(200, ModuleOutSchema)
    @blp.doc(security=SECURITY)
    def get(self, module_id: int) -> dict[str, Any]:
        """One module."""
        return module_out(catalogue.module(db.session, module_id))

    @blp.response(200, ModuleOutSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.doc(security=SECURITY, requestBody=BODY)
    def put(self, module_id: int) -> dict[str, Any]:
        """Replace a module (coordinators and admins)."""
        catalogue.module(db.session, module_id)
        return module_out(catalogue.save_module(db.session, current_user, _body(), module_id))

    @blp.response(204)
    @blp.doc(security=SECURITY)
    def delete(self, module_id: int) -> None:
        """Delete a module (coordinators and admins)."""
        catalogue.delete_module(db.session, current_user, module_id)
