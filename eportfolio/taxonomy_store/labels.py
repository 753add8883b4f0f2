"""Readable words for the stored codes of shortage assessments (Yrkesbarometer's own terms).

Assessments keep Arbetsförmedlingen's Swedish values as data (``brist``, ``stora``, ``öka``);
pages show them through the catalogues, and areas by name instead of ``kommun 1256``.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from sqlalchemy import select

from eportfolio.accounts.models import Municipality
from eportfolio.db import db
from taxonomy.bristyrken import LAN_CODES

WORDS: dict[str, Any] = {
    "brist": _l("shortage"),
    "balans": _l("balance"),
    "överskott": _l("surplus"),
    "små": _l("small"),
    "medelstora": _l("medium"),
    "stora": _l("large"),
    "öka": _l("increase"),
    "vara oförändrad": _l("stay the same"),
    "minska": _l("decrease"),
}
_LAN_NAMES = {code: name for name, code in LAN_CODES.items()}


def shortage_name(value: str | None) -> str:
    """Return a stored Yrkesbarometer value in the reader's language ("" when empty)."""
    return str(WORDS.get(value, value)) if value else ""


@pass_context  # never folded into the compiled template: the language differs per request
def shortage_word(_context: Any, value: str | None) -> str:
    """Return a stored Yrkesbarometer value in the reader's language ("–" when empty)."""
    return shortage_name(value) or "–"


def area_name(kind: str, code: str) -> str:
    """Name an assessment's area: Sweden, a län or a kommun."""
    if kind == "riket":
        return _("Sweden")
    if kind == "lan":
        return _LAN_NAMES.get(code, _("län %(code)s", code=code))
    if "kommun_names" not in g:  # one query per page, however many rows name a kommun
        g.kommun_names = dict(
            db.session.execute(select(Municipality.code, Municipality.name)).all()
        )
    return g.kommun_names.get(code) or _("kommun %(code)s", code=code)
