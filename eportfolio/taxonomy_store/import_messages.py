"""Say in the reader's language what is wrong with an uploaded bristyrken file.

The parsers in ``taxonomy`` are a pure library without catalogues: they report problems in
English, for operators and the command line. A coordinator uploading a file on a Swedish page
gets the same problem from here, matched by its wording with the values it names filled in.
A message not listed here is shown as the parser wrote it, after a translated lead.
"""

from __future__ import annotations

import re

from flask_babel import gettext

from eportfolio.schemas import N_, translated_by_pattern

_KNOWN: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"missing column\(s\): (?P<columns>.+)"),
        N_("These columns are missing: %(columns)s."),
    ),
    (re.compile(r"column '(?P<column>[^']+)' is empty"), N_("The column %(column)s is empty.")),
    (
        re.compile(r"(?P<fields>\d+) fields but the header has (?P<header>\d+)"),
        N_("The row has %(fields)s fields, but the header has %(header)s."),
    ),
    (re.compile(r"malformed CSV: .*"), N_("The file is not valid CSV.")),
    (re.compile(r"the file is empty \(no header row\)"), N_("The file is empty (no header row).")),
    (
        re.compile(r"not valid UTF-8 .*"),
        N_("The file is not UTF-8. Save it as “CSV UTF-8” and upload it again."),
    ),
    (
        re.compile(r"(?P<column>\w+) '(?P<value>[^']*)' is not one of: (?P<choices>.+)"),
        N_("%(column)s: “%(value)s” is not one of %(choices)s."),
    ),
    (
        re.compile(r"area_code '(?P<code>[^']*)' is not .+"),
        N_("The area code “%(code)s” does not fit the kind of area."),
    ),
    (
        re.compile(r"period '(?P<period>[^']*)' .+"),
        N_(
            "The period “%(period)s” must be a year from 1990 (2025), a round (2025-1) or "
            "a month (2025-10)."
        ),
    ),
    (
        re.compile(r"ssyk4 '(?P<code>[^']*)' is not a 4-digit SSYK 2012 code"),
        N_("“%(code)s” is not a four-digit SSYK 2012 code."),
    ),
    (
        re.compile(r"fill in job_opportunities, outlook_5y or recruitment"),
        N_("Fill in at least one of job_opportunities, outlook_5y and recruitment."),
    ),
    (
        re.compile(r"same occupation, area and period as line (?P<line>\d+)"),
        N_("The same occupation, area and period as line %(line)s."),
    ),
    (
        re.compile(r"ssyk4 '(?P<code>\d{4})' is on line (?P<line>\d+) already for this area .+"),
        N_(
            "SSYK %(code)s is on line %(line)s already for the same area and period. The list "
            "holds one assessment per SSYK group, area and period: keep one of the lines."
        ),
    ),
]


def explain(message: str) -> str:
    """Return a parser's message in the current language (see the module's note)."""
    said = translated_by_pattern(message, _KNOWN)
    if said is None:
        said = gettext("The file could not be read: %(problem)s", problem=message)
    return said
