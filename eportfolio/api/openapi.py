"""The API's OpenAPI document: errors as problem+json, and the statuses each operation answers.

Every error leaves the app as ``eportfolio.web.errors.problem`` builds it (RFC 9457). The
access rule, the URL and the method of an operation already decide some of its refusals
(``security.check_route_access``), so those are documented from them here; the ones a service
raises are named beside the view with ``blp.alt_response(409, response="CONFLICT")``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import flask_smorest
from flask import Response, request
from flask.views import MethodView
from marshmallow import INCLUDE, Schema, fields

from eportfolio.permissions import AccessRule

PROBLEM_JSON = "application/problem+json"
BODY_METHODS = {"POST", "PUT", "PATCH"}  # as in security._check_api_content_type


class SuggestionSchema(Schema):
    """A concept that words which named none for certain may mean."""

    concept_id = fields.Integer(
        required=True, metadata={"description": "Send it back as the item's `concept_id`"}
    )
    uri = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "In the reader's language"})


class ProblemSchema(Schema):
    """An error answer (RFC 9457 problem details), as ``web.errors.problem`` builds it."""

    class Meta:
        unknown = INCLUDE  # a problem may carry members of its own (RFC 9457 §3.2)

    type = fields.String(
        required=True, metadata={"description": "A URI naming the problem; about:blank"}
    )
    title = fields.String(
        required=True, metadata={"description": "Short, in the reader's language"}
    )
    status = fields.Integer(required=True, metadata={"description": "The HTTP status code"})
    detail = fields.String(required=True, metadata={"description": "What to do about it"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "Messages per field name; `_schema` holds those about the whole body"
        },
    )
    suggestions = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(SuggestionSchema)),
        metadata={
            "description": "Per field of `errors` whose words named no one concept (a need's "
            "`skill_<n>`, its n-th skill): the concepts they may mean, best first; an empty "
            "list when none is plausible"
        },
    )


class Api(flask_smorest.Api):
    """flask-smorest's Api, with errors documented as the app sends them."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        # flask-smorest registers one response per status for `alt_response`, `arguments` (422)
        # and DEFAULT_ERROR_RESPONSE_NAME to refer to, but gives error bodies its success media
        # type (DEFAULT_RESPONSE_CONTENT_TYPE, application/json). It offers no setting for the
        # error media type, so the same components are registered here with problem+json.
        for status in HTTPStatus:
            self.spec.components.response(status.name, _response(status), lazy=True)
        default = _response(HTTPStatus.INTERNAL_SERVER_ERROR)
        default["description"] = "Any other error (400, 405, 413, 429, 500, …)"
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


def _response(status: HTTPStatus) -> dict[str, Any]:
    response: dict[str, Any] = {"description": status.phrase}
    if status >= 400:
        response["content"] = {PROBLEM_JSON: {"schema": ProblemSchema}}
    if status == HTTPStatus.UNAUTHORIZED:
        response["headers"] = {
            "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}
        }
    return response


def _refusals(rule: AccessRule | None, url: str, method: str) -> list[int]:
    """Return the error statuses the route guard and URL map can answer for an operation."""
    statuses = []
    if rule is not None and rule.kind != "public":
        statuses.append(401)
    if rule is not None and rule.kind == "permission":
        statuses.append(403)
    if "<" in url:  # an id or name in the path that may name nothing
        statuses.append(404)
    if method in BODY_METHODS:
        statuses.append(415)
    return statuses


def _no_content_type(response: Response) -> Response:
    # Flask answers OPTIONS itself: 200, an empty text/html body and the Allow header. An
    # API says "no content" as 204, and the Allow header is the answer.
    if request.method == "OPTIONS" and response.status_code == HTTPStatus.OK:
        response.status_code = HTTPStatus.NO_CONTENT
    # flask-smorest builds every answer with jsonify, a 204 too: werkzeug drops the body but
    # keeps "application/json", which promises a JSON body that is not there.
    if response.status_code == HTTPStatus.NO_CONTENT:
        del response.headers["Content-Type"]
    return response


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint; documents the refusals of ``_refusals`` on every operation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.after_request(_no_content_type)

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Any = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        if isinstance(view_func, type) and issubclass(view_func, MethodView):
            access_rule = getattr(view_func, "access_rule", None)
            for method in view_func.methods or ():
                view = getattr(view_func, method.lower())
                for status in _refusals(access_rule, rule, method):
                    view = self.alt_response(status, response=HTTPStatus(status).name)(view)
                setattr(view_func, method.lower(), view)
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)
