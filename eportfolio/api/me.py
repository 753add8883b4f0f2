"""API: the current user and their personal access tokens."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from eportfolio.accounts import services
from eportfolio.accounts.models import ApiToken
from eportfolio.accounts.schemas import MeSchema, NewTokenSchema, TokenCreateSchema, TokenSchema
from eportfolio.api.openapi import Blueprint
from eportfolio.db import db
from eportfolio.permissions import AUTHENTICATED

blp = Blueprint("api_me", __name__, description="The logged-in person and their API tokens")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


@blp.route("/me")
class Me(MethodView):
    access_rule = AUTHENTICATED

    @blp.response(200, MeSchema)
    @blp.doc(security=SECURITY)
    def get(self) -> dict[str, Any]:
        """Return who is logged in and which roles they hold."""
        user = current_user
        return {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "roles": sorted(r.value for r in user.roles),
            "memberships": [
                {
                    "role": m.role.value,
                    "organisation_id": m.organisation_id,
                    "organisation_name": m.organisation.name if m.organisation else None,
                }
                for m in user.memberships
            ],
        }


@blp.route("/me/tokens")
class Tokens(MethodView):
    access_rule = AUTHENTICATED

    @blp.response(200, TokenSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self) -> list[ApiToken]:
        """List the person's tokens (never their secrets)."""
        return services.list_api_tokens(db.session, current_user)

    @blp.arguments(TokenCreateSchema)
    @blp.response(201, NewTokenSchema)
    @blp.doc(security=SECURITY)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a token; its secret is in this answer only."""
        token, secret = services.create_api_token(db.session, current_user, data["name"])
        return {**{k: getattr(token, k) for k in TokenSchema().fields}, "token": secret}


@blp.route("/me/tokens/<int:token_id>")
class TokenItem(MethodView):
    access_rule = AUTHENTICATED

    @blp.response(204)
    @blp.doc(security=SECURITY)
    def delete(self, token_id: int) -> None:
        """Revoke a token at once."""
        services.revoke_api_token(db.session, current_user, token_id)
