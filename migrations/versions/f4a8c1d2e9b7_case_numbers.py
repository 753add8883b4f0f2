"""validation cases get diarienummer: one series per council and year

Revision ID: f4a8c1d2e9b7
Revises: eb8afc1dcd1f
Create Date: 2026-12-03 19:40:00

Cases already sent are numbered in the order they were sent, each in its council's series for
the Swedish calendar year it was sent in; drafts get none. Stored notifications that named a
case by its id name it by its number instead (the format is the one ``validation.registration``
gives, written out here so that this revision never changes with the app).
"""

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "f4a8c1d2e9b7"
down_revision: str | None = "eb8afc1dcd1f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SWEDEN = ZoneInfo("Europe/Stockholm")
# The notification kinds whose "case" parameter names a validation case.
CASE_KINDS = (
    "case_in_queue",
    "case_taken",
    "evidence_requested",
    "case_resubmitted",
    "case_assessed",
    "case_returned",
    "case_certified",
    "case_not_certified",
    "credential_revoked",
    "reassessment_requested",
    "case_handed_on",
)

cases = sa.table(
    "validation_cases",
    sa.column("id", sa.Integer),
    sa.column("council_id", sa.Integer),
    sa.column("state", sa.String),
    sa.column("submitted_at", sa.DateTime(timezone=True)),
    sa.column("number", sa.String),
)
series = sa.table(
    "case_number_series",
    sa.column("council_id", sa.Integer),
    sa.column("year", sa.SmallInteger),
    sa.column("last", sa.Integer),
)
notifications = sa.table(
    "notifications",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("params", sa.JSON),
)


def _year(moment: dt.datetime) -> int:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(SWEDEN).year


def _rename_cases_in_notifications(names: dict[object, object]) -> None:
    conn = op.get_bind()
    query = sa.select(notifications.c.id, notifications.c.params).where(
        notifications.c.kind.in_(CASE_KINDS)
    )
    for note_id, params in conn.execute(query).all():
        if isinstance(params, dict) and params.get("case") in names:
            renamed = {**params, "case": names[params["case"]]}
            conn.execute(
                sa.update(notifications).where(notifications.c.id == note_id).values(params=renamed)
            )


def upgrade() -> None:
    op.create_table(
        "case_number_series",
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisations.id"],
            name=op.f("fk_case_number_series_council_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("council_id", "year", name=op.f("pk_case_number_series")),
    )
    with op.batch_alter_table("validation_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_validation_cases_number"), ["number"])

    conn = op.get_bind()
    sent = conn.execute(
        sa.select(cases.c.id, cases.c.council_id, cases.c.submitted_at)
        # The state column holds the enum member's name.
        .where(cases.c.submitted_at.is_not(None), cases.c.state != "DRAFT")
        .order_by(cases.c.submitted_at, cases.c.id)
    ).all()
    last: dict[tuple[int, int], int] = {}
    names: dict[object, object] = {}
    for case_id, council_id, submitted_at in sent:
        key = (council_id, _year(submitted_at))
        last[key] = last.get(key, 0) + 1
        names[case_id] = f"VR{council_id}-{key[1]}-{last[key]:04d}"
        conn.execute(
            sa.update(cases).where(cases.c.id == case_id).values(number=names[case_id])
        )
    if last:
        conn.execute(
            sa.insert(series),
            [{"council_id": c, "year": y, "last": n} for (c, y), n in sorted(last.items())],
        )
    _rename_cases_in_notifications(names)


def downgrade() -> None:
    conn = op.get_bind()
    numbered = conn.execute(
        sa.select(cases.c.number, cases.c.id).where(cases.c.number.is_not(None))
    ).all()
    _rename_cases_in_notifications(dict(numbered))
    with op.batch_alter_table("validation_cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_validation_cases_number"), type_="unique")
        batch_op.drop_column("number")
    op.drop_table("case_number_series")
