"""Schemas for taxonomy search, normalisation, extraction and bristyrken (forms and API)."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from eportfolio.schemas import N_, BaseSchema
from taxonomy import TaxonomyFormatError
from taxonomy import bristyrken as parse

KIND_CHOICES = ["skill", "occupation", "occupation-group", "skill-group"]
_kind = validate.OneOf(KIND_CHOICES, error=N_("Choose a kind of concept."))
_lang = validate.OneOf(["sv", "en"], error=N_("Choose sv or en."))


class ConceptQuerySchema(BaseSchema):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=200, error=N_("Write at most 200 characters.")),
    )
    kind = fields.String(load_default="skill", validate=_kind)
    lang = fields.String(load_default=None, allow_none=True, validate=_lang)
    limit = fields.Integer(
        load_default=10,
        validate=validate.Range(1, 50, error=N_("Choose a limit between 1 and 50.")),
    )


class NormaliseSchema(BaseSchema):
    text = fields.String(
        required=True, validate=validate.Length(1, 300, error=N_("Write 1 to 300 characters."))
    )
    kind = fields.String(load_default="skill", validate=_kind)
    lang = fields.String(load_default=None, allow_none=True, validate=_lang)
    limit = fields.Integer(
        load_default=5, validate=validate.Range(1, 20, error=N_("Choose a limit between 1 and 20."))
    )


class ExtractSchema(BaseSchema):
    text = fields.String(
        required=True,
        validate=validate.Length(1, 20_000, error=N_("Paste 1 to 20,000 characters.")),
    )
    lang = fields.String(load_default=None, allow_none=True, validate=_lang)


class ConceptBriefSchema(BaseSchema):
    id = fields.Integer()
    uri = fields.String(metadata={"description": "The source's stable id (ESCO URI, JobTech id)"})
    kind = fields.String()
    source = fields.String()
    code = fields.String(allow_none=True)
    label = fields.String()
    status = fields.String()


class CandidateSchema(ConceptBriefSchema):
    matched_label = fields.String()
    score = fields.Float(metadata={"description": "Confidence in [0, 1]"})


class MentionSchema(ConceptBriefSchema):
    start = fields.Integer()
    end = fields.Integer()
    text = fields.String(metadata={"description": "The span of the input text"})
    score = fields.Float()


class LabelSchema(BaseSchema):
    lang = fields.String()
    kind = fields.String()
    text = fields.String()


class ConceptDetailSchema(ConceptBriefSchema):
    labels = fields.List(fields.Nested(LabelSchema))
    definitions = fields.Dict(keys=fields.String(), values=fields.String())
    skill_type = fields.String(allow_none=True)
    reuse_level = fields.String(allow_none=True)
    replaced_by = fields.String(allow_none=True)
    relations = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()))


class BristyrkenQuerySchema(BaseSchema):
    area = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "riket, a län code (12) or a kommunkod (1290)"},
    )
    period = fields.String(load_default=None, allow_none=True)
    recruitment = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(
            ["brist", "balans", "överskott"], error=N_("Choose brist, balans or överskott.")
        ),
    )


class AssessmentSchema(BaseSchema):
    """One bristyrke assessment; validated with the same rules as the CSV import."""

    id = fields.Integer(dump_only=True)
    ssyk4 = fields.String(required=True)
    occupation_label = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    occupation_ref = fields.String(load_default=None, allow_none=True, load_only=True)
    area_kind = fields.String(
        required=True,
        validate=validate.OneOf(
            ["riket", "lan", "kommun"], error=N_("Choose riket, län or kommun.")
        ),
    )
    area_code = fields.String(load_default=None, allow_none=True)
    period = fields.String(required=True)
    job_opportunities = fields.String(load_default=None, allow_none=True)
    outlook_5y = fields.String(load_default=None, allow_none=True)
    recruitment = fields.String(load_default=None, allow_none=True)
    source = fields.String(dump_only=True)

    @pre_load
    def _blank_is_none(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict):
            return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}
        return data

    @post_load
    def _canonical_area(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["area_kind"], data["area_code"] = parse.check_area(
            data["area_kind"], data.get("area_code") or ""
        )
        return data

    @validates_schema
    def _rules(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        checks = {
            "ssyk4": lambda: parse.check_ssyk4(data.get("ssyk4") or ""),
            "area_code": lambda: parse.check_area(
                data.get("area_kind") or "", data.get("area_code") or ""
            ),
            "period": lambda: parse.check_period(data.get("period") or ""),
        }
        for name, check in checks.items():
            try:
                check()
            except (TaxonomyFormatError, ValueError):
                errors[name] = [MESSAGES[name]]
        for name, allowed in (
            ("job_opportunities", ("små", "medelstora", "stora")),
            ("outlook_5y", ("öka", "vara oförändrad", "minska")),
            ("recruitment", ("brist", "balans", "överskott")),
        ):
            if data.get(name) not in (None, *allowed):
                errors[name] = [N_("Choose one of the listed values.")]
        if not any(data.get(k) for k in ("job_opportunities", "outlook_5y", "recruitment")):
            errors["recruitment"] = [N_("Fill in at least one of the three assessments.")]
        if errors:
            raise ValidationError(errors)


MESSAGES = {
    "ssyk4": N_("Write the SSYK code as four digits, like 7212."),
    "area_code": N_(
        "Write 00 for the whole country, a län code like 12, or a kommunkod "
        "like 1290, matching the kind of area."
    ),
    "period": N_("Write the period as a year, like 2025, or year and round, like 2025-1."),
}
