"""self-registration waits for the e-mail address to be confirmed

Revision ID: eb8afc1dcd1f
Revises: e7c2b4d19a30
Create Date: 2026-12-03 19:15:13
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "eb8afc1dcd1f"
down_revision: str | None = "e7c2b4d19a30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("LEARNER", "GUIDE", "ASSESSOR", "CHAIR", "EMPLOYER", "COORDINATOR", "ADMIN")


def upgrade() -> None:
    op.create_table(
        "pending_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("preferred_language", sa.String(length=5), nullable=False),
        sa.Column(
            "role",
            sa.Enum(*ROLES, name="role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("organisation_name", sa.String(length=200), nullable=True),
        sa.Column("org_number", sa.String(length=11), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_registrations")),
        sa.UniqueConstraint("email", name=op.f("uq_pending_registrations_email")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_registrations_token_hash")),
    )
    op.create_index(
        op.f("ix_pending_registrations_expires_at"),
        "pending_registrations",
        ["expires_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_pending_registrations_expires_at"), table_name="pending_registrations"
    )
    op.drop_table("pending_registrations")
