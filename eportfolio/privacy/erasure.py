"""Delete an account: the person's rows and files go, the audit log keeps bare ids.

Other features that must act first register with ``before_erasure`` (credentials, for one,
turn issued credentials into status records without personal data there).
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, inspect, or_, select, update
from sqlalchemy.orm import Session

from eportfolio.accounts.models import User
from eportfolio.accounts.passwords import verify_password
from eportfolio.audit import services as audit
from eportfolio.errors import ValidationFailed
from eportfolio.evidence import storage as files
from eportfolio.portfolios.models import Evidence, Portfolio
from eportfolio.privacy.export import plan
from eportfolio.privacy.services import notify_visibility

BeforeErasure = Callable[[Session, User], None]
before_erasure: list[BeforeErasure] = []


def register_before_erasure(hook: BeforeErasure) -> BeforeErasure:
    """Run ``hook(session, user)`` inside the erasure's transaction, before any row goes."""
    if hook not in before_erasure:
        before_erasure.append(hook)
    return hook


def erase_account(session: Session, user: User, password: str) -> None:
    """Delete the person after checking their password; files go once this is committed."""
    if not verify_password(user.password_hash, password or ""):
        raise ValidationFailed({"password": [_l("The password is wrong.")]})
    erase(session, user)


def erase(session: Session, user: User) -> None:
    """Delete every row that is the person's, null their mentions, and schedule their files."""
    user_id = user.id
    for hook in list(before_erasure):
        hook(session, user)
    session.flush()
    # Out of matching at once, before anything else can read the portfolio.
    notify_visibility(session, user_id, False)
    stored = list(
        session.scalars(
            select(Evidence.stored_name)
            .join(Portfolio, Portfolio.id == Evidence.portfolio_id)
            .where(Portfolio.user_id == user_id, Evidence.stored_name.is_not(None))
        )
    )
    plans = plan(session, user_id)
    counts: dict[str, int] = {}
    for item in reversed(plans):  # children before parents
        table = item.table
        for column, condition in item.mentions.items():
            session.execute(update(table).where(condition).values({column: None}))
        if item.owned:
            result = session.execute(delete(table).where(or_(*item.owned)))
            counts[table.name] = result.rowcount  # type: ignore[attr-defined]
    # Loaded objects of the touched tables are stale now: reload them if anyone looks again.
    touched = {item.table for item in plans}
    for obj in list(session.identity_map.values()):
        if inspect(obj).mapper.local_table in touched:
            session.expire(obj)
    files.delete_after_commit(session, files.storage(), stored)
    audit.record(
        session,
        "account.erased",
        actor_id=user_id,
        subject_type="user",
        subject_id=user_id,
        data={"rows": counts, "files": len(stored)},
    )
