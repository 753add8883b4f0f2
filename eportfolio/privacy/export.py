"""Everything the service holds about one person, found by following foreign keys from them.

The walk reads the model metadata, so a table added later is exported (and erased) without
anyone remembering to list it. A foreign key declared ON DELETE SET NULL marks a row that
belongs to someone else and only mentions the person (a guide's upload to a learner's
portfolio): it is exported as the mention alone. Every other key carries ownership on.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import ColumnElement, DateTime, Table, or_, select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import User
from eportfolio.audit import services as audit
from eportfolio.audit.models import AuditEvent
from eportfolio.db import Base, utcnow
from eportfolio.evidence.storage import EvidenceStorage

FORMAT = "meritportfolj-export/1"
# Hashes of secrets are no use to the person and a risk in a file on their computer.
WITHHELD = frozenset({"password_hash", "token_hash"})
NOT_PERSONAL = frozenset({"audit_head", "audit_events"})  # the log is exported separately


@dataclass
class TablePlan:
    """The rows of one table that belong to the person, and the rows that only mention them."""

    table: Table
    owned: list[ColumnElement[bool]] = field(default_factory=list)
    mentions: dict[str, ColumnElement[bool]] = field(default_factory=dict)  # column -> condition


def _set_null(fk: Any) -> bool:
    return (fk.ondelete or "").upper() == "SET NULL"


def plan(session: Session, user_id: int) -> list[TablePlan]:
    """Find, table by table in dependency order, which rows are the person's."""
    tables = Base.metadata.sorted_tables
    referenced = {(fk.column.table.name, fk.column.name) for t in tables for fk in t.foreign_keys}
    values: dict[tuple[str, str], list[Any]] = {}
    plans: list[TablePlan] = []
    for table in tables:
        if table.name in NOT_PERSONAL:
            continue
        item = TablePlan(table)
        if table.name == "users":
            item.owned.append(table.c.id == user_id)
        for fk in table.foreign_keys:
            found = values.get((fk.column.table.name, fk.column.name))
            if found is None:
                continue  # not a table of people's data (concepts, municipalities, ...)
            condition = fk.parent.in_(found)
            if _set_null(fk):
                item.mentions[fk.parent.name] = condition
            else:
                item.owned.append(condition)
        if not item.owned and not item.mentions:
            continue
        if item.owned:
            # Remember the owned rows' referenced values so the tables below follow them.
            keys = [c for c in table.columns if (table.name, c.name) in referenced]
            if keys:
                rows = session.execute(select(*keys).where(or_(*item.owned))).all()
                for i, column in enumerate(keys):
                    # Kept even when empty, so every table of people's data is always planned.
                    values[(table.name, column.name)] = [r[i] for r in rows if r[i] is not None]
        plans.append(item)
    return plans


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def collect(session: Session, user: User) -> dict[str, Any]:
    """Return the person's data as plain JSON-ready structures."""
    tables: dict[str, list[dict[str, Any]]] = {}
    mentions: dict[str, list[dict[str, Any]]] = {}
    for item in plan(session, user.id):
        table = item.table
        if item.owned:
            rows = session.execute(
                select(table).where(or_(*item.owned)).order_by(*table.primary_key.columns)
            ).mappings()
            tables[table.name] = [
                {k: _plain(v) for k, v in row.items() if k not in WITHHELD} for row in rows
            ]
        for column, condition in item.mentions.items():
            keep = [c for c in table.primary_key.columns] + [table.c[column]]
            keep += [c for c in table.columns if isinstance(c.type, DateTime)]
            query = select(*dict.fromkeys(keep)).where(condition)
            if item.owned:
                query = query.where(~or_(*item.owned))  # already exported whole
            found = [
                {k: _plain(v) for k, v in r.items()} for r in session.execute(query).mappings()
            ]
            if found:
                mentions.setdefault(table.name, []).extend(found)
    return {
        "format": FORMAT,
        "generated_at": utcnow().isoformat(),
        "user_id": user.id,
        "tables": tables,
        "mentions": mentions,
        "audit_events": _audit_events(session, user.id),
        "withheld": sorted(WITHHELD),
    }


def _audit_events(session: Session, user_id: int) -> list[dict[str, Any]]:
    events = session.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == user_id,
                AuditEvent.on_behalf_of_id == user_id,
                (AuditEvent.subject_type == "user") & (AuditEvent.subject_id == str(user_id)),
            )
        )
        .order_by(AuditEvent.seq)
    )
    keys = (
        "seq",
        "occurred_at",
        "action",
        "actor_id",
        "on_behalf_of_id",
        "subject_type",
        "subject_id",
        "data",
    )
    return [{k: _plain(getattr(e, k)) for k in keys} for e in events]


def write_zip(session: Session, user: User, store: EvidenceStorage) -> IO[bytes]:
    """Write the JSON and every evidence file of the person to a zip; return it at the start."""
    data = collect(session, user)
    listed = []
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for row in data["tables"].get("evidence_items", []):
            if row.get("stored_name"):
                path = f"files/{row['id']}-{row['original_name']}"
                with store.open(row["stored_name"]) as fh, archive.open(path, "w") as dst:
                    while chunk := fh.read(1024 * 1024):
                        dst.write(chunk)
                listed.append({"evidence_id": row["id"], "path": path, "sha256": row["sha256"]})
        data["files"] = listed
        archive.writestr(
            "meritportfolj.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
        )
    audit.record(
        session,
        "data.exported",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
        data={"files": len(listed)},
    )
    out.seek(0)
    return out  # type: ignore[return-value]
