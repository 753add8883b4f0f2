"""Configuration read from the environment, in one place.

Development defaults live in the instance folder (SQLite database, a secret key generated once,
uploads, the mail outbox). Production refuses to start without an explicit SECRET_KEY, and with
SQLite unless ALLOW_SQLITE_IN_PRODUCTION is set.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete for the chosen environment."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance: Path) -> str:
    """Return the development secret key kept in the instance folder, creating it once."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(instance_path: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask configuration mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    instance = Path(instance_path)
    mode = env.get("ENV", "development").strip().lower()
    if mode not in {"development", "production", "test"}:
        raise ConfigError(f"ENV must be development, production or test, not {mode!r}")
    production = mode == "production"

    secret = env.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY must be set in production")
        secret = _dev_secret_key(instance)

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'meritportfolj.db'}"
    if (
        production
        and database_url.startswith("sqlite")
        and not _flag(env.get("ALLOW_SQLITE_IN_PRODUCTION"))
    ):
        raise ConfigError(
            "SQLite is not for production; set DATABASE_URL to PostgreSQL "
            "or ALLOW_SQLITE_IN_PRODUCTION=1"
        )

    return {
        "ENV": mode,
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance / "uploads"),
        "KEY_DIR": env.get("KEY_DIR") or str(instance / "keys"),
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), default=True),
        "MAIL_FROM": env.get("MAIL_FROM", "Meritportfölj <noreply@meritportfolj.local>"),
        "MAIL_OUTBOX_DIR": env.get("MAIL_OUTBOX_DIR") or str(instance / "outbox"),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", ""),
        # Sessions: 30 minutes idle, refreshed on each request; cookies never readable by JS.
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=30),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": mode != "development" and mode != "test",
        "SESSION_COOKIE_NAME": "mp_session",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(12 * 1024 * 1024))),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked in one before_request hook (see security.py)
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "LANGUAGES": ["sv", "en"],
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        # Each registration mails the address typed: per client (a lärcentrum's class may share
        # one) and per address mailed, counting only the forms that sent a mail.
        "REGISTER_LIMIT_PER_ADDRESS": env.get("REGISTER_LIMIT_PER_ADDRESS", "20 per hour"),
        "REGISTER_LIMIT_PER_EMAIL": env.get("REGISTER_LIMIT_PER_EMAIL", "5 per hour"),
        # flask-smorest / OpenAPI
        "API_TITLE": "Meritportfölj API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
