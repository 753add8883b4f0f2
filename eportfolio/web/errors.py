"""Every failure becomes a clear 4xx/5xx: an HTML page for people, problem+json for the API."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from eportfolio.errors import DomainError, LinkGone, NotAllowed
from eportfolio.permissions import Forbidden as PolicyForbidden
from eportfolio.schemas import translated
from eportfolio.security import is_api_request

log = logging.getLogger(__name__)

LOCATIONS = {"json", "query", "form", "files", "headers", "cookies", "path"}
TITLES: dict[int, Any] = {
    400: _l("The request could not be understood"),
    401: _l("You need to log in"),
    403: _l("You do not have access to this page"),
    404: _l("The page could not be found"),
    405: _l("That method is not allowed here"),
    409: _l("That conflicts with what is already stored"),
    413: _l("The upload or request is too large"),
    415: _l("That content type is not supported"),
    422: _l("Some of the information is not valid"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service cannot do that right now"),
}
# A refusal shares its status with others but not what it means: "already stored" would mislead
# someone whose action the present state does not allow.
KIND_TITLES: list[tuple[type[DomainError], Any]] = [
    (NotAllowed, _l("That is not possible in the present state")),
    (LinkGone, _l("This link no longer works")),
]
DETAILS: dict[int, Any] = {
    401: _l("Log in and try again."),
    403: _l("If you think you should have access, contact your coordinator."),
    404: _l("Check the address, or go back to the start page."),
    413: _l("Files may be at most 10 MB each."),
    415: _l("Send JSON with the header Content-Type: application/json."),
    429: _l("Wait a few minutes before you try again."),
    500: _l("Nothing you sent has been saved. Try again in a while."),
}


def problem(
    status: int,
    detail: Any = None,
    errors: dict[str, Any] | None = None,
    title: Any = None,
    **extra: Any,
) -> Response:
    """Build an RFC 9457 problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(title or TITLES.get(status, _l("Error"))),
        "status": status,
        "detail": str(detail or DETAILS.get(status, TITLES.get(status, ""))),
    }
    if errors:
        body["errors"] = {
            k: [str(m) for m in v] if isinstance(v, list) else v for k, v in errors.items()
        }
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _page(status: int, detail: Any = None, title: Any = None) -> tuple[str, int]:
    return render_template(
        "error.html",
        status=status,
        title=title or TITLES.get(status, _("Error")),
        detail=detail or DETAILS.get(status),
        back=_back(),
    ), status


def _back() -> str | None:
    """Return the page of this site the person came from (e.g. the form a refused POST was
    sent from), so an error page is no dead end; None for other sites or the same page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or referrer.scheme not in ("http", "https"):
        return None
    if referrer.path == request.path and request.method == "GET":
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def handle_http(exc: HTTPException) -> Any:
    status = exc.code or 500
    if isinstance(exc, CSRFError):
        detail: Any = _l(
            "The form had expired or came from another site. Go back, reload the "
            "page and send it again."
        )
    elif status == 429:
        detail = DETAILS[429]
    else:
        detail = None
    if is_api_request():
        data = getattr(exc, "data", None) or {}
        errors = data.get("messages") or data.get("errors")
        if isinstance(errors, dict) and set(errors) <= LOCATIONS:
            # webargs groups messages by where they came from; clients want them by field
            errors = {
                k: v
                for part in errors.values()
                for k, v in (part.items() if isinstance(part, dict) else [("_schema", part)])
            }
        if isinstance(errors, dict):
            errors = {k: translated(v) for k, v in errors.items()}
        if status == 422 and detail is None:
            detail = _l("Some fields are not valid; see errors.")
        response = problem(status, detail, errors if isinstance(errors, dict) else None)
        if status == 405 and exc.get_response().headers.get("Allow"):
            response.headers["Allow"] = exc.get_response().headers["Allow"]
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="meritportfolj"'
        return response
    return _page(status, detail)


def handle_domain(exc: DomainError) -> Any:
    title = next((t for kind, t in KIND_TITLES if isinstance(exc, kind)), None)
    if is_api_request():
        return problem(exc.status, exc.message, exc.errors, title=title, **exc.members)
    return _page(exc.status, exc.message, title)


def handle_policy(_exc: PolicyForbidden) -> Any:
    return problem(403) if is_api_request() else _page(403)


def handle_unexpected(exc: Exception) -> Any:
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http(InternalServerError())


def _texts(value: Any) -> Any:
    """Yield every string in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(k)
            yield from _texts(v)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def refuse_nul() -> None:
    """Refuse text holding a NUL character anywhere in a request, before any view runs.

    No field has a use for it and PostgreSQL cannot store it in text, so a NUL would
    otherwise surface as a database error (a 500) wherever the text reached a query.
    """
    texts = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        texts += [*request.form.keys(), *request.form.values()]
        texts += [f.filename or "" for f in request.files.values()]
    if request.is_json:
        texts += list(_texts(request.get_json(silent=True)))
    if any(isinstance(t, str) and "\x00" in t for t in texts):
        raise DomainError(
            _l("Text may not contain the NUL character (a zero byte). Remove it and try again.")
        )


def init_errors(app: Flask) -> None:
    app.before_request(refuse_nul)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DomainError, handle_domain)
    app.register_error_handler(PolicyForbidden, handle_policy)
    app.register_error_handler(Exception, handle_unexpected)
