"""Flask extensions, created unbound and initialised by the factory."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str:
    """Pick the language: the switch's cookie, then the browser's wish, then Swedish."""
    chosen = request.cookies.get("lang")
    if chosen in ("sv", "en"):
        return chosen
    return request.accept_languages.best_match(["sv", "en"]) or "sv"
