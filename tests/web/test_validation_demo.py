"""The demo council `make run` sets up validates the occupations its branches name."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from tests.conftest import login


def test_the_demo_council_validates_welders_carers_and_drivers(
    app: Flask, db_session: Session, demo: dict[str, Any]
) -> None:
    from eportfolio.demo.validation import load_demo_validation

    with app.app_context():
        load_demo_validation(db_session)
    client = app.test_client()
    login(client, demo["samordnare"])
    listed = client.get("/validation/councils").text
    edit = re.search(
        r'href="(/validation/councils/\d+)">Valideringsrådet Skåne Nordost</a>', listed
    )
    assert edit
    card = listed[edit.end() :].split("</section>")[0]
    found = re.search(r"Yrken: (\d+)\.", card)
    assert found and int(found.group(1)) > 0
    form = client.get(edit.group(1)).text
    chosen = re.findall(r"<option value=\"\d+\" selected>([^<]*)</option>", form)
    for occupation in ("Svetsare", "Undersköterska, äldreomsorg och hemtjänst", "Lastbilsförare"):
        assert occupation in chosen
    assert "Förskollärare" not in chosen  # SSYK 2343 is not the council's branch
