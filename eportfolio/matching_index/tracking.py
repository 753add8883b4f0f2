"""Record which learners' matchable data changed, in the same transaction as the change.

A session hook watches the tables the engine reads; a change row is cheap, and every worker
compares the change ids it can see with what it has applied, so a search never misses an
edit, a validation result or a withdrawn consent (across gunicorn workers and hosts alike).

A session that wrote change rows is marked until it commits or rolls back: its worker must
not fold those changes into the shared index before they are committed, or a rolled-back
edit would stay searchable.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from eportfolio.matching_index.models import MatchingChange
from eportfolio.portfolios.models import (
    Education,
    Experience,
    LanguageSkill,
    Portfolio,
    SkillClaim,
)
from eportfolio.privacy.models import ConsentRecord

WATCHED = (Portfolio, SkillClaim, LanguageSkill, Experience, Education)
_UNCOMMITTED = "matching_uncommitted"


def has_uncommitted(session: Session) -> bool:
    """Return whether this session wrote change rows that are not committed yet."""
    return bool(session.info.get(_UNCOMMITTED))


def _user_of(session: Session, obj: Any) -> int | None:
    if isinstance(obj, ConsentRecord):
        return obj.user_id
    if isinstance(obj, Portfolio):
        return obj.user_id
    portfolio_id = getattr(obj, "portfolio_id", None)
    if portfolio_id is None and getattr(obj, "portfolio", None) is not None:
        return int(obj.portfolio.user_id)
    if portfolio_id is None:
        return None
    with session.no_autoflush:
        return session.scalar(select(Portfolio.user_id).where(Portfolio.id == portfolio_id))


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    users: set[int] = set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, (*WATCHED, ConsentRecord)):
            user = _user_of(session, obj)
            if user is not None:
                users.add(user)
    pending = session.info.setdefault("matching_changed", set())
    pending.update(users)


@event.listens_for(Session, "after_flush")
def _write_changes(session: Session, _context: Any) -> None:
    users = session.info.pop("matching_changed", set())
    if users:
        # Through the connection: session.execute would autoflush inside this flush.
        session.connection().execute(
            insert(MatchingChange), [{"user_id": u} for u in sorted(users)]
        )
        session.info[_UNCOMMITTED] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _settled(session: Session, *_args: Any) -> None:
    session.info.pop(_UNCOMMITTED, None)


def note_change(session: Session, user_id: int) -> None:
    """Record a change the hook cannot see (e.g. bulk SQL, erasure)."""
    session.execute(insert(MatchingChange), [{"user_id": user_id}])
    session.info[_UNCOMMITTED] = True
