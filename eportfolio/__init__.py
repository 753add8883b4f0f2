"""Meritportfölj: the Flask application."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, g
from werkzeug.routing import IntegerConverter, Map

from eportfolio.api.openapi import Api
from eportfolio.config import load_config
from eportfolio.db import ID_MAX, db
from eportfolio.extensions import babel, csrf, limiter, login_manager, select_locale


class RowId(IntegerConverter):
    """``<int:...>`` in every route: a row id, so at most ``ID_MAX``.

    A longer number names no row; matched as one, it reached a query and PostgreSQL (or
    SQLite) refused it with an error, a 500. Now it is a 404 like any other unknown id, and
    the OpenAPI document states the bound.
    """

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None) -> None:
        super().__init__(url_map, fixed_digits, min, ID_MAX, False)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: load config, initialise extensions, register blueprints and commands."""
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
    app.url_map.converters["int"] = RowId  # before any route is added
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)

    if app.config.get("FAST_PASSWORD_HASHING") and app.config["ENV"] == "test":
        from eportfolio.accounts.passwords import use_fast_hashing

        use_fast_hashing()
    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    limiter.init_app(app)
    rest_api = Api(app)  # one per app: it owns that app's OpenAPI document
    app.extensions["rest_api"] = rest_api
    rest_api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "Personal access token"}
    )
    rest_api.spec.components.security_scheme(
        "cookieAuth", {"type": "apiKey", "in": "cookie", "name": "mp_session"}
    )

    from eportfolio import cli, security
    from eportfolio.web import errors, views

    security.init_security(app)
    errors.init_errors(app)
    _register_blueprints(app, rest_api)
    views.init_templates(app)
    cli.register(app)
    app.teardown_request(_end_transaction)
    app.after_request(_commit)
    return app


def _register_blueprints(app: Flask, rest_api: Api) -> None:
    from eportfolio.accounts.views import bp as accounts_bp
    from eportfolio.admin.views import bp as admin_bp
    from eportfolio.api.credentials import blp as credentials_api
    from eportfolio.api.evidence import blp as evidence_api
    from eportfolio.api.me import blp as me_api
    from eportfolio.api.needs import blp as needs_api
    from eportfolio.api.portfolio import blp as portfolio_api
    from eportfolio.api.privacy import blp as privacy_api
    from eportfolio.api.regional import blp as regional_api
    from eportfolio.api.taxonomy import blp as taxonomy_api
    from eportfolio.api.validation import blp as validation_api
    from eportfolio.credentials.views import bp as credentials_bp
    from eportfolio.employers.views import bp as employers_bp
    from eportfolio.evidence.views import bp as evidence_bp
    from eportfolio.notifications.views import bp as notifications_bp
    from eportfolio.portfolios.views import bp as portfolios_bp
    from eportfolio.privacy.views import bp as privacy_bp
    from eportfolio.regional.views import bp as regional_bp
    from eportfolio.taxonomy_store.views import bp as taxonomy_bp
    from eportfolio.validation import council_views  # noqa: F401 - adds its routes to bp
    from eportfolio.validation.views import bp as validation_bp
    from eportfolio.web.views import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(taxonomy_bp)
    app.register_blueprint(portfolios_bp)
    app.register_blueprint(employers_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(regional_bp)
    app.register_blueprint(validation_bp)
    app.register_blueprint(credentials_bp)
    app.register_blueprint(notifications_bp)
    rest_api.register_blueprint(me_api, url_prefix="/api/v1")
    rest_api.register_blueprint(needs_api, url_prefix="/api/v1")
    rest_api.register_blueprint(taxonomy_api, url_prefix="/api/v1")
    rest_api.register_blueprint(portfolio_api, url_prefix="/api/v1")
    rest_api.register_blueprint(evidence_api, url_prefix="/api/v1")
    rest_api.register_blueprint(privacy_api, url_prefix="/api/v1")
    rest_api.register_blueprint(regional_api, url_prefix="/api/v1")
    rest_api.register_blueprint(validation_api, url_prefix="/api/v1")
    rest_api.register_blueprint(credentials_api, url_prefix="/api/v1")


def _commit(response: Response) -> Response:
    """Commit the request's one transaction when it succeeded; roll back otherwise.

    A view that refuses a request but must keep a record of it (a failed login's audit event)
    sets ``g.keep_on_refusal``.
    """
    session = g.pop("db_session", None)
    if session is None:
        return response
    try:
        if response.status_code < 400 or g.pop("keep_on_refusal", False):
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
    return response


def _end_transaction(_exc: BaseException | None) -> None:
    # Reached with a session still open only when the request failed before after_request.
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
