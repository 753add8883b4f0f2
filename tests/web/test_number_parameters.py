"""Numbers typed into addresses: digits that are not ASCII, or too large, are a miss, not a 500."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from eportfolio.db import parse_id
from tests.conftest import login

ODD = ["²", "٣", "99999999999999999999", "-1", " 7", ""]


@pytest.mark.parametrize("text", ODD)
def test_only_plain_whole_numbers_parse(text: str) -> None:
    assert parse_id(text) is None


def test_plain_numbers_parse_up_to_the_integer_column_range() -> None:
    assert parse_id("0042") == 42
    assert parse_id(str(2**31 - 1)) == 2**31 - 1
    assert parse_id(str(2**31)) is None


@pytest.mark.parametrize("text", ODD)
def test_a_learner_page_with_an_odd_learner_number_still_answers(
    client: FlaskClient, demo: dict[str, Any], text: str
) -> None:
    login(client, demo["larande"])
    response = client.get("/portfolio", query_string={"learner": text})
    assert response.status_code == 200
    assert "Johan" not in response.get_data(as_text=True)  # one's own portfolio, nobody else's


@pytest.mark.parametrize("text", ODD)
def test_an_odd_page_number_shows_the_first_page_of_candidates(
    client: FlaskClient, demo: dict[str, Any], text: str
) -> None:
    from tests.web.test_employer_matching import _need

    login(client, demo["arbetsgivare"])
    need_url = _need(client)
    first = client.get(need_url).get_data(as_text=True)
    response = client.get(need_url, query_string={"page": text})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Kandidat ") == first.count("Kandidat ")


@pytest.mark.parametrize("text", ODD)
def test_an_odd_centre_number_lists_the_whole_training_catalogue(
    client: FlaskClient, demo: dict[str, Any], text: str
) -> None:
    login(client, demo["samordnare"])
    everything = client.get("/training").get_data(as_text=True).count("<tr")
    response = client.get("/training", query_string={"centre": text})
    assert response.status_code == 200  # on PostgreSQL the huge one was a 500 (out of range)
    assert response.get_data(as_text=True).count("<tr") == everything
