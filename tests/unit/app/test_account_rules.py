"""Pure rules people meet when they register: organisationsnummer and password policy."""

from __future__ import annotations

import pytest
from flask import Flask
from marshmallow import ValidationError

from eportfolio.accounts.passwords import check_password_policy
from eportfolio.accounts.schemas import luhn_ok, normalise_org_number
from eportfolio.errors import ValidationFailed


@pytest.mark.parametrize("number", ["556016-0680", "5560160680", "802002-4280", "212000-0142"])
def test_valid_organisationsnummer_is_accepted_and_formatted(number: str) -> None:
    assert normalise_org_number(number) == f"{number.replace('-', '')[:6]}-{number[-4:]}"


@pytest.mark.parametrize("number", ["556016-0681", "55601606", "abcdef-ghij", "556016-06800"])
def test_invalid_organisationsnummer_is_refused(number: str, app: Flask) -> None:
    with app.test_request_context(), pytest.raises(ValidationError):
        normalise_org_number(number)


def test_luhn_detects_a_single_changed_digit() -> None:
    assert luhn_ok("5560160680")
    assert not any(
        luhn_ok("5560160680"[:i] + str((int(c) + 1) % 10) + "5560160680"[i + 1 :])
        for i, c in enumerate("5560160680")
    )


@pytest.mark.parametrize(
    "password",
    ["kort", "password1234", "qwertyuiop123", "Sommar2024!!", "aaaaaaaaaaaaaaaa", "123456789012"],
)
def test_short_common_or_guessable_passwords_are_refused(password: str, app: Flask) -> None:
    with app.test_request_context(), pytest.raises(ValidationFailed) as exc:
        check_password_policy(password)
    assert "password" in exc.value.errors


def test_a_long_uncommon_password_is_accepted(app: Flask) -> None:
    with app.test_request_context():
        check_password_policy("tallkotte-regnrock-fiol-7")


def test_password_built_from_own_name_is_refused(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(ValidationFailed):
        check_password_policy("amirahaddad1", "password", "amira.haddad", "Amira Haddad")


def test_passwords_longer_than_the_strength_checker_reads_get_an_answer(app: Flask) -> None:
    # zxcvbn raises on more than 72 characters; a long passphrase must still be judged.
    with app.test_request_context():
        check_password_policy("tallkotte-regnrock-fiol-7 " * 8)  # 208 characters
    with app.test_request_context(), pytest.raises(ValidationFailed) as exc:
        check_password_policy("0" * 73)
    assert "password" in exc.value.errors
