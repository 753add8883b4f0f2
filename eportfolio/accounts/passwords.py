"""Password hashing (argon2) and the password policy."""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn  # type: ignore[import-untyped]
from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

from eportfolio.errors import ValidationFailed

MIN_LENGTH = 12
MAX_LENGTH = 256
ZXCVBN_MAX = 72  # zxcvbn refuses longer input
_hasher = PasswordHasher()


def use_fast_hashing() -> None:
    """Use cheap argon2 parameters: for the test suite only, never in a deployed service."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# A hash of a random string: checking against it keeps login time equal for unknown accounts.
DUMMY_HASH = hash_password("timing-equaliser-not-a-real-password")


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords from real leaks; we add Swedish classics.
    extra = {"sommar", "vinter", "hösten", "lösenord", "hejhej", "qwertyuiop", "sverige"}
    return frozenset(FREQUENCY_LISTS["passwords"]) | extra


def _personal_words(context: tuple[str, ...]) -> list[str]:
    # "Amira Haddad" and "amira.haddad" should both catch "amirahaddad1".
    words: list[str] = []
    for item in context:
        parts = [p for p in re.split(r"[\W_]+", item.casefold()) if p]
        words += [*parts, "".join(parts)]
    return words


def check_password_policy(password: str, field: str = "password", *context: str) -> None:
    """Raise ValidationFailed unless the password is long and not a common one."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed({field: [_l("Use at least 12 characters.")]})
    if len(password) > MAX_LENGTH:
        raise ValidationFailed({field: [_l("Use at most 256 characters.")]})
    folded = password.casefold()
    stripped = folded.rstrip("0123456789!?.")
    if folded in _common() or stripped in _common():
        raise ValidationFailed(
            {field: [_l("This password is too common. Choose one that others would not guess.")]}
        )
    # zxcvbn also catches keyboard walks, repeats and passwords built from the user's own name.
    # It judges the first 72 characters: a guessable head makes the whole guessable.
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=_personal_words(context))["score"] < 2:
        raise ValidationFailed(
            {field: [_l("This password is too easy to guess. Try a few unrelated words.")]}
        )
