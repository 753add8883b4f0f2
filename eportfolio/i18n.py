"""`flask --app wsgi i18n update|compile|fill`: keep the Swedish and English catalogues in step.

Message ids are English. The Swedish catalogue is translated by hand; the English one is filled
with the ids themselves so both catalogues are complete and a missing Swedish text is visible.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
ROOT = TRANSLATIONS.parent.parent


def _pybabel(*args: str) -> None:
    exe = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(exe), *args], check=True, cwd=ROOT)  # noqa: S603


def fill_catalogue(lang: str, texts: dict[str, str] | None = None) -> int:
    """Fill empty entries: English with the id, other languages from ``texts``."""
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale=lang)
    filled = 0
    for message in catalogue:
        if not message.id or message.string:
            continue
        text = message.id if lang == "en" else (texts or {}).get(str(message.id))
        if text:
            message.string = text
            message.flags.discard("fuzzy")
            filled += 1
    with path.open("wb") as fh:
        write_po(fh, catalogue, width=100, omit_header=False, sort_output=True)
    return filled


@click.group("i18n", help="Translation catalogues (developers).", cls=AppGroup)
def i18n_cli() -> None:
    pass


@i18n_cli.command("update")
def update() -> None:
    """Extract messages, merge them into sv and en, and fill English."""
    pot = str(TRANSLATIONS / "messages.pot")
    _pybabel(
        "extract",
        "-F",
        str(TRANSLATIONS / "babel.cfg"),
        "-k",
        "N_",
        "-k",
        "_l",
        "-k",
        "lazy_pgettext:1c,2",
        "-o",
        pot,
        "--no-location",
        "--sort-output",
        "--project",
        "Meritportfolj",
        ".",
    )
    _pybabel(
        "update",
        "-i",
        pot,
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
        "-w",
        "100",
    )
    fill_catalogue("en")
    click.echo("catalogues updated; translate new entries in sv/LC_MESSAGES/messages.po")


@i18n_cli.command("fill")
@click.argument("lang")
@click.argument("json_file", type=click.Path(exists=True, dir_okay=False))
def fill(lang: str, json_file: str) -> None:
    """Fill empty entries of LANG from a JSON object {msgid: text}."""
    texts = json.loads(Path(json_file).read_text(encoding="utf-8"))
    click.echo(f"{fill_catalogue(lang, texts)} entries filled")


@i18n_cli.command("compile")
def compile_() -> None:
    """Compile the catalogues to .mo files (done by `make install`)."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--use-fuzzy")
