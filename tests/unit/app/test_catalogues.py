"""Every user-facing text has a Swedish translation and an English entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[3] / "eportfolio" / "translations"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_catalogue_is_complete(lang: str) -> None:
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalogue = read_po(fh, locale=lang)
    missing = sorted(str(m.id) for m in catalogue if m.id and (not m.string or m.fuzzy))
    assert missing == [], f"{lang}: untranslated entries: {missing[:10]}"
    assert template <= {m.id for m in catalogue}, "run `make i18n`: the catalogue is behind"


def test_swedish_keeps_placeholders() -> None:
    with (TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalogue = read_po(fh, locale="sv")
    import re

    for message in catalogue:
        if message.id and message.string:
            wanted = sorted(re.findall(r"%\(\w+\)s", str(message.id)))
            assert sorted(re.findall(r"%\(\w+\)s", str(message.string))) == wanted, message.id
