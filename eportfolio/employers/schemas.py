"""A competence need, as typed in the form or sent to the API."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from eportfolio.portfolios.models import CEFR
from eportfolio.schemas import N_, BaseSchema, Id

MAX_SKILLS = 20
MAX_SKILL_TEXT = 200
SWEDEN = ZoneInfo("Europe/Stockholm")


class NeedSkillSchema(BaseSchema):
    text = fields.String(
        required=True,
        validate=validate.Length(1, MAX_SKILL_TEXT, error=N_("Write 1 to 200 characters.")),
    )
    concept_id = Id(load_default=None, allow_none=True)
    must = fields.Boolean(load_default=True)
    min_level = fields.Integer(
        load_default=1, validate=validate.Range(1, 4, error=N_("Choose a level from 1 to 4."))
    )


class NeedLanguageSchema(BaseSchema):
    language = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z]{2,3}$", error=N_("Choose a language from the list.")),
    )
    min_cefr = fields.String(
        required=True, validate=validate.OneOf(CEFR, error=N_("Choose a level from A1 to C2."))
    )


def _text(data: dict[str, Any], key: str) -> str:
    """Return a form row's words, stripped; a row sent as anything but text is refused."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({key: [N_("Write this as text.")]})
    return value.strip()


def form_skill_rows(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Return the need form's filled skill rows as (row number, skill) pairs.

    A row too long to be a skill is refused at its own row, not in the list as a whole.
    """
    rows = []
    for n in range(1, MAX_SKILLS + 1):
        text = _text(data, f"skill_{n}")
        if not text:
            continue
        if len(text) > MAX_SKILL_TEXT:
            raise ValidationError({f"skill_{n}": [N_("Write 1 to 200 characters.")]})
        # A row's skill id belongs to the words it was chosen for: once the words change,
        # the skill is found again from them.
        same = _text(data, f"concept_for_{n}").casefold() == text.casefold()
        chosen = data.get(f"concept_{n}") if same else None
        rows.append(
            (
                n,
                {
                    "text": text,
                    "must": data.get(f"kind_{n}", "must") == "must",
                    "min_level": data.get(f"level_{n}") or 1,
                    "concept_id": chosen or None,
                },
            )
        )
    return rows


class NeedSchema(BaseSchema):
    title = fields.String(
        required=True, validate=validate.Length(1, 200, error=N_("Write 1 to 200 characters."))
    )
    occupation = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Occupation in words; resolved to a taxonomy concept"},
    )
    municipality_code = fields.String(load_default=None, allow_none=True)
    start_date = fields.Date(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": N_("Write the date as YYYY-MM-DD.")},
    )
    text = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=20_000, error=N_("Paste 1 to 20,000 characters.")),
    )
    skills = fields.List(fields.Nested(NeedSkillSchema), load_default=list)
    languages = fields.List(fields.Nested(NeedLanguageSchema), load_default=list)

    @pre_load
    def _from_form(self, data: Any, **_: Any) -> Any:
        """Turn the form's numbered rows (skill_1, level_1, must_1 ...) into lists."""
        if not isinstance(data, dict) or "skills" in data:
            return data
        out = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}
        skills, languages = [item for _, item in form_skill_rows(data)], []
        for n in range(1, 4):
            lang = _text(data, f"language_{n}")
            if lang:
                languages.append({"language": lang, "min_cefr": data.get(f"cefr_{n}") or "B1"})
        out["skills"], out["languages"] = skills, languages
        return out

    @validates_schema(skip_on_field_errors=False)  # said beside a missing title, too
    def _start_ahead(self, data: dict[str, Any], **_: Any) -> None:
        start = data.get("start_date")
        if start is not None and start < dt.datetime.now(SWEDEN).date():
            raise ValidationError(
                {"start_date": [N_("Choose a start date from today on, or leave it empty.")]}
            )

    @validates_schema
    def _enough(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("skills"):
            raise ValidationError({"skills": [N_("Add at least one skill you need.")]})
        if len(data["skills"]) > MAX_SKILLS:
            raise ValidationError({"skills": [N_("Ask for at most 20 skills.")]})
        codes = [lang["language"] for lang in data.get("languages", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError({"languages": [N_("Name each language once.")]})


class ContactSchema(BaseSchema):
    message = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000, error=N_("Write at most 2,000 characters.")),
    )
