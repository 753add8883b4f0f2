"""API: concept autocomplete and detail, normalisation, extraction, bristyrken."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import get_locale

from eportfolio.api.openapi import Blueprint
from eportfolio.db import db
from eportfolio.permissions import AUTHENTICATED
from eportfolio.taxonomy_store import bristyrken as shortage
from eportfolio.taxonomy_store import search
from eportfolio.taxonomy_store.models import Concept
from eportfolio.taxonomy_store.schemas import (
    AssessmentSchema,
    BristyrkenQuerySchema,
    CandidateSchema,
    ConceptDetailSchema,
    ConceptQuerySchema,
    ExtractSchema,
    MentionSchema,
    NormaliseSchema,
)

blp = Blueprint("api_taxonomy", __name__, description="Skills and occupations, bristyrken")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


def brief(concept: Concept, lang: str | None = None) -> dict[str, Any]:
    return {
        "id": concept.id,
        "uri": concept.uri,
        "kind": concept.kind,
        "source": concept.source,
        "code": concept.code,
        "status": concept.status,
        "label": concept.label(lang or str(get_locale())),
    }


@blp.route("/taxonomy/concepts")
class Concepts(MethodView):
    access_rule = AUTHENTICATED

    @blp.arguments(ConceptQuerySchema, location="query")
    @blp.response(200, CandidateSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Suggest concepts for what a person is typing (autocomplete; only plausible ones)."""
        matches = search.search(
            db.session,
            args["q"],
            kind=args["kind"],
            lang=args["lang"],
            limit=args["limit"],
            min_score=search.PLAUSIBLE,
        )
        return [
            {**brief(m.concept, args["lang"]), "matched_label": m.label, "score": m.score}
            for m in matches
        ]


@blp.route("/taxonomy/concepts/<int:concept_id>")
class ConceptItem(MethodView):
    access_rule = AUTHENTICATED

    @blp.response(200, ConceptDetailSchema)
    @blp.doc(security=SECURITY)
    def get(self, concept_id: int) -> dict[str, Any]:
        """Return a concept with its labels, definitions and relations."""
        concept = search.get_concept(db.session, concept_id)
        related = search.relations(db.session, concept)
        return {
            **brief(concept),
            "labels": concept.labels,
            "definitions": concept.definitions,
            "skill_type": concept.skill_type,
            "reuse_level": concept.reuse_level,
            "replaced_by": concept.replaced_by,
            "relations": {k: [{**brief(c), "weight": w} for c, w in v] for k, v in related.items()},
        }


@blp.route("/taxonomy/normalise")
class Normalise(MethodView):
    access_rule = AUTHENTICATED

    @blp.arguments(NormaliseSchema)
    @blp.response(200, CandidateSchema(many=True))
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Map free text to ranked concepts with a confidence in [0, 1]."""
        matches = search.search(
            db.session, data["text"], kind=data["kind"], lang=data["lang"], limit=data["limit"]
        )
        return [
            {**brief(m.concept, data["lang"]), "matched_label": m.label, "score": m.score}
            for m in matches
        ]


@blp.route("/taxonomy/extract")
class Extract(MethodView):
    access_rule = AUTHENTICATED

    @blp.arguments(ExtractSchema)
    @blp.response(200, MentionSchema(many=True))
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Find the skills a job ad or CV text mentions, with character spans."""
        found = search.find_mentions(db.session, data["text"], lang=data["lang"])
        return [
            {
                **brief(f.concept, data["lang"]),
                "start": f.mention.start,
                "end": f.mention.end,
                "text": data["text"][f.mention.start : f.mention.end],
                "score": round(f.mention.score, 3),
            }
            for f in found
        ]


@blp.route("/bristyrken")
class Bristyrken(MethodView):
    access_rule = AUTHENTICATED

    @blp.arguments(BristyrkenQuerySchema, location="query")
    @blp.response(200, AssessmentSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> list[Any]:
        """List shortage assessments, filtered by area (riket, län or kommun) and period."""
        kind, code = shortage.area_filter(args["area"])
        return shortage.list_assessments(
            db.session,
            area_kind=kind,
            area_code=code,
            period=args["period"],
            recruitment=args["recruitment"],
        )
