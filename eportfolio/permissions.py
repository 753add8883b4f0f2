"""Named permissions, one policy function, and the access rule every route declares.

Deny by default: a permission without a policy is refused, and a route without a declared rule
answers 403 (see ``security.check_route_access``). Views declare a coarse rule; services check
the object in hand with ``can(user, permission, obj)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from eportfolio.accounts.models import User


class Permission(StrEnum):
    ACCOUNT_MANAGE = "accounts:own:manage"
    ORGANISATION_APPROVE = "accounts:organisation:approve"
    USER_ADMIN = "accounts:user:admin"
    AUDIT_VIEW = "audit:log:view"
    LEARNER_HOME = "portfolios:own:view"
    EMPLOYER_HOME = "employers:own:view"
    ASSESSOR_HOME = "validation:queue:view"
    COORDINATOR_HOME = "regional:overview:view"
    REGIONAL_OVERVIEW_VIEW = "regional:overview:view"  # the same: the coordinator's dashboard
    REGIONAL_VALIDATION_VIEW = "regional:validation:view"
    TRAINING_MODULE_MANAGE = "regional:training_module:manage"
    TRAINING_CATALOGUE_VIEW = "regional:training_catalogue:view"
    TAXONOMY_VIEW = "taxonomy:concepts:view"
    PORTFOLIO_VIEW = "portfolios:portfolio:view"
    PORTFOLIO_EDIT = "portfolios:portfolio:edit"
    BRISTYRKEN_EDIT = "taxonomy:bristyrken:edit"
    NEED_MANAGE = "employers:need:manage"
    CONTACT_ANSWER = "employers:contact:answer"
    CONSENT_MANAGE = "privacy:consent:manage"
    GUIDE_GRANT_MANAGE = "privacy:guides:manage"
    ACCESS_LOG_VIEW = "privacy:access_log:view"
    GUIDED_LEARNERS_VIEW = "privacy:guided_learners:view"
    DATA_EXPORT = "privacy:own_data:export"
    ACCOUNT_ERASE = "privacy:own_account:erase"
    COUNCIL_MANAGE = "validation:council:manage"
    CASE_CREATE = "validation:case:create"
    CASE_TAKE = "validation:case:take"
    CREDENTIAL_HOLD = "credentials:own:view"
    CREDENTIAL_REVOKE = "credentials:credential:revoke"


Policy = Callable[["User", Any], bool]
_POLICIES: dict[str, Policy] = {}


class Forbidden(Exception):
    """The user may not do this; views turn it into 403 (or 404 where existence is secret)."""


def policy(permission: str) -> Callable[[Policy], Policy]:
    """Register the policy function deciding ``permission``."""

    def register(fn: Policy) -> Policy:
        if permission in _POLICIES:
            raise ValueError(f"policy for {permission} registered twice")
        _POLICIES[permission] = fn
        return fn

    return register


def can(user: User | None, permission: str, obj: Any = None) -> bool:
    """Return whether ``user`` holds ``permission`` on ``obj``; unknown means no."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_active", False):
        return False
    rule = _POLICIES.get(permission)
    return bool(rule and rule(user, obj))


def require(user: User | None, permission: str, obj: Any = None) -> None:
    """Raise Forbidden unless ``user`` holds ``permission`` on ``obj``."""
    if not can(user, permission, obj):
        raise Forbidden(permission)


def _has(*roles: str) -> Policy:
    def check(user: User, _obj: Any) -> bool:
        return any(user.has_role(r) for r in roles)  # type: ignore[arg-type]

    return check


policy(Permission.ACCOUNT_MANAGE)(lambda user, obj: obj is None or obj.id == user.id)
policy(Permission.ORGANISATION_APPROVE)(_has("coordinator", "admin"))
policy(Permission.USER_ADMIN)(_has("admin"))
policy(Permission.AUDIT_VIEW)(_has("admin"))
policy(Permission.LEARNER_HOME)(_has("learner"))
policy(Permission.EMPLOYER_HOME)(_has("employer"))
policy(Permission.ASSESSOR_HOME)(_has("assessor", "chair"))
policy(Permission.COORDINATOR_HOME)(_has("coordinator", "admin"))
# Regional figures: chairs see validation throughput, limited to their own council in services.
policy(Permission.REGIONAL_VALIDATION_VIEW)(_has("coordinator", "admin", "chair"))
policy(Permission.TRAINING_MODULE_MANAGE)(_has("coordinator", "admin"))
policy(Permission.TRAINING_CATALOGUE_VIEW)(lambda user, _obj: bool(user.roles))


def _owner_or_guide(user: User, portfolio: Any) -> bool:
    """The learner, or a guide the learner has given access and not revoked."""
    if portfolio is None:
        return user.has_role("learner") or user.has_role("guide")  # type: ignore[arg-type]
    if portfolio.user_id == user.id:
        return True
    if not user.has_role("guide"):  # type: ignore[arg-type]
        return False
    from sqlalchemy.orm import object_session

    from eportfolio.privacy.services import live_grant

    # live_grant also checks the guide still works at the active lärcentrum named in the grant.
    session = object_session(portfolio)
    return session is not None and live_grant(session, portfolio.user_id, user) is not None


policy(Permission.PORTFOLIO_VIEW)(_owner_or_guide)
policy(Permission.PORTFOLIO_EDIT)(_owner_or_guide)
policy(Permission.TAXONOMY_VIEW)(lambda user, _obj: bool(user.roles))
policy(Permission.BRISTYRKEN_EDIT)(_has("coordinator", "admin"))
# A need belongs to an employer organisation; its active members manage it.
policy(Permission.NEED_MANAGE)(
    lambda user, need: (
        user.has_role("employer")  # type: ignore[arg-type]
        and (need is None or need.organisation_id in {o.id for o in user.organisations()})
    )
)
policy(Permission.CONTACT_ANSWER)(_has("learner"))
# Privacy: a learner's own decisions; nobody decides them on the learner's behalf, guides neither.
policy(Permission.CONSENT_MANAGE)(_has("learner"))
policy(Permission.GUIDE_GRANT_MANAGE)(_has("learner"))
policy(Permission.ACCESS_LOG_VIEW)(_has("learner"))
policy(Permission.GUIDED_LEARNERS_VIEW)(_has("guide"))
# Everyone with an account has data here: anyone may take it with them or delete the account.
policy(Permission.DATA_EXPORT)(lambda user, obj: obj is None or obj.id == user.id)
policy(Permission.ACCOUNT_ERASE)(lambda user, obj: obj is None or obj.id == user.id)
# Validation: case-level parts (assessor of the case, chair, learner) are decided in services.
policy(Permission.COUNCIL_MANAGE)(_has("coordinator", "admin"))
policy(Permission.CASE_CREATE)(_has("learner"))
# Four eyes: only assessors take and assess cases; a chair approves what another assessed.
policy(Permission.CASE_TAKE)(_has("assessor"))
policy(Permission.CREDENTIAL_HOLD)(_has("learner"))
policy(Permission.CREDENTIAL_REVOKE)(_has("chair"))


@dataclass(frozen=True)
class AccessRule:
    """What a route needs before its view runs: public, a login, or a named permission."""

    kind: str  # "public" | "authenticated" | "permission"
    permission: str | None = None

    def __str__(self) -> str:
        return self.permission or self.kind


PUBLIC = AccessRule("public")
AUTHENTICATED = AccessRule("authenticated")


def requires(permission: str) -> AccessRule:
    return AccessRule("permission", permission)


F = TypeVar("F", bound=Callable[..., Any])


def access(rule: AccessRule) -> Callable[[F], F]:
    """Declare the access rule of a view function."""

    def mark(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return mark


# Endpoints registered by extensions, which we cannot decorate.
EXTENSION_RULES: dict[str, AccessRule] = {
    "static": PUBLIC,
    "api-docs.openapi_json": PUBLIC,
}


def rule_for(view: Any, endpoint: str) -> AccessRule | None:
    """Return the declared rule of an endpoint, or None when it declares none."""
    if endpoint in EXTENSION_RULES:
        return EXTENSION_RULES[endpoint]
    rule = getattr(view, "access_rule", None)
    # flask-smorest MethodViews: the rule sits on the class.
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, "access_rule", None)
    return rule
