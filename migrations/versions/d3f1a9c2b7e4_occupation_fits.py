"""stored occupation fits for a worker's start

Revision ID: d3f1a9c2b7e4
Revises: c0ea4e5d7056
Create Date: 2026-11-28 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d3f1a9c2b7e4"
down_revision: str | None = "c0ea4e5d7056"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "occupation_fits",
        sa.Column("portfolio_id", sa.Integer(), nullable=False),
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("fit", sa.Float(), nullable=False),
        sa.Column("skills_key", sa.BigInteger(), nullable=False),
        sa.Column("model_key", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["occupation_id"],
            ["concepts.id"],
            name=op.f("fk_occupation_fits_occupation_id_concepts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["portfolio_id"],
            ["portfolios.id"],
            name=op.f("fk_occupation_fits_portfolio_id_portfolios"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "portfolio_id", "occupation_id", name=op.f("pk_occupation_fits")
        ),
    )


def downgrade() -> None:
    op.drop_table("occupation_fits")
