"""Domain exceptions raised by services and turned into 4xx answers by the app."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the service refuses, with a message a person can act on."""

    status = 400

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.members: dict[str, Any] = {}  # more for an API client to act on (RFC 9457 §3.2)

    @property
    def errors(self) -> dict[str, list[Any]]:
        return {self.field or "_schema": [self.message]}


class ValidationFailed(DomainError):
    """Input did not pass validation; ``errors`` maps field names to messages."""

    status = 422

    def __init__(self, errors: dict[str, list[Any]], **members: Any) -> None:
        first = next(iter(errors.values()), [""])
        super().__init__(first[0] if first else "")
        self._errors = errors
        self.members = members

    @property
    def errors(self) -> dict[str, list[Any]]:
        return self._errors


class NotFound(DomainError):
    status = 404


class LinkGone(NotFound):
    """A link from a mail that has been used, replaced or has expired."""


class Conflict(DomainError):
    status = 409


class TooLarge(DomainError):
    """What was sent is larger than the service reads for it."""

    status = 413


class NotAllowed(Conflict):
    """The action is not possible in the present state, or not for the caller's part in it."""


class MailUnavailable(DomainError):
    """The mail server did not take a message the request exists to send."""

    status = 503
