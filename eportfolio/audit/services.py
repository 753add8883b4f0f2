"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eportfolio.audit.models import AuditEvent, AuditHead
from eportfolio.db import utcnow

GENESIS = "0" * 64


def _iso(moment: dt.datetime) -> str:
    # SQLite hands back naive datetimes, PostgreSQL aware ones: hash the same UTC text for both.
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def _digest(prev_hash: str, event: AuditEvent) -> str:
    # Canonical JSON of every field except the hash itself, so any edit changes the hash.
    body = {
        "seq": event.seq,
        "occurred_at": _iso(event.occurred_at),
        "actor_id": event.actor_id,
        "on_behalf_of_id": event.on_behalf_of_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def ensure_head(session: Session) -> None:
    """Create the chain's head row if the log is new."""
    if session.get(AuditHead, 1) is None:
        session.add(AuditHead(id=1, last_seq=0, last_hash=GENESIS))
        session.flush()


def take_lock(session: Session) -> None:
    """Take the log's write lock now, for a caller about to lock something of its own.

    Every write appends to the log, so this lock is everyone's; taking it before one's own keeps
    the two in the same order for every caller, and they queue instead of deadlocking.
    """
    ensure_head(session)
    session.execute(select(AuditHead.id).where(AuditHead.id == 1).with_for_update())


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None,
    subject_type: str | None = None,
    subject_id: object = None,
    on_behalf_of_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain within the caller's transaction."""
    ensure_head(session)
    # Updating the head row first takes the write lock (row lock on PostgreSQL, database lock
    # on SQLite), so concurrent appends queue up instead of forking the chain.
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_seq=AuditHead.last_seq + 1)
    )
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).scalar_one()
    event = AuditEvent(
        seq=head.last_seq,
        occurred_at=utcnow().replace(microsecond=0),
        actor_id=actor_id,
        on_behalf_of_id=on_behalf_of_id,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        data=data or {},
        prev_hash=head.last_hash,
    )
    event.hash = _digest(head.last_hash, event)
    head.last_hash = event.hash
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    broken_at: int | None = None  # sequence number of the first broken link
    reason: str | None = None


def verify(session: Session) -> ChainReport:
    """Recompute the chain and report the first broken link, if any."""
    head = session.get(AuditHead, 1)
    prev, expected_seq, count = GENESIS, 1, 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        if event.seq != expected_seq:
            return ChainReport(False, count, expected_seq, "event missing (sequence gap)")
        if event.prev_hash != prev:
            return ChainReport(False, count, event.seq, "link to previous event broken")
        if _digest(prev, event) != event.hash:
            return ChainReport(False, count, event.seq, "event content changed")
        prev, expected_seq, count = event.hash, expected_seq + 1, count + 1
    last_seq = head.last_seq if head else 0
    if last_seq != count or (head is not None and head.last_hash != prev):
        return ChainReport(False, count, count + 1, "events missing at the end of the log")
    return ChainReport(True, count)
