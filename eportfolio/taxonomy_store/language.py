"""Labels that say which language they are in, and marking them as language parts of a page.

WCAG 2.1 SC 3.1.2 (language of parts): a concept without an English name shows its Swedish one
on an English page, and a screen reader must be told to read it as Swedish. ``Label`` carries
the language a text is really in; the ``lang_part`` filter wraps it in ``<span lang>`` only
where that differs from the page's. Labels render as plain text everywhere else (attributes,
CSV, JSON), so a ``Label`` deliberately has no ``__html__``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from jinja2 import pass_context
from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Label:
    """A text and the language it is in (None for codes and identifiers, which have none)."""

    text: str
    lang: str | None

    def __str__(self) -> str:
        return self.text


def _language(code: str) -> str:
    return code.replace("_", "-").split("-")[0].casefold()


def mark_language(value: Label | str | None, lang: str | None = None) -> Markup:
    """Return the text escaped, in ``<span lang>`` when its language is not the page's.

    ``lang`` names the language of a plain string (a Swedish source's name); a ``Label``
    brings its own.
    """
    if value is None:
        return Markup("")
    own = lang if lang is not None else getattr(value, "lang", None)
    text = str(value)
    if not own or not text or _language(own) == _language(str(get_locale())):
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(own, text)


@pass_context  # never folded into the compiled template: the page's language differs per request
def lang_part(_context: Any, value: Label | str | None, lang: str | None = None) -> Markup:
    """Jinja filter: ``{{ concept.label_in(lang)|lang_part }}``, ``{{ name|lang_part("sv") }}``."""
    return mark_language(value, lang)
