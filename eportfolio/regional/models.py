"""Training modules lärcentra offer, and precomputed regional figures (aggregates only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eportfolio.db import Base, intpk, timestamp, utcnow


class TrainingModule(Base):
    """A course or module a lärcentrum offers, with the taxonomy skills it teaches."""

    __tablename__ = "training_modules"

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    length: Mapped[str | None] = mapped_column(String(60))  # as the lärcentrum says it: "8 veckor"
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[timestamp]
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    organisation = relationship("Organisation", lazy="joined")
    skills: Mapped[list[TrainingModuleSkill]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TrainingModuleSkill.id"
    )


class TrainingModuleSkill(Base):
    __tablename__ = "training_module_skills"
    __table_args__ = (UniqueConstraint("module_id", "concept_id"),)

    id: Mapped[intpk]
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id"), index=True)

    concept = relationship("Concept", lazy="joined")


class RegionalSnapshot(Base):
    """Figures computed ahead of requests; they hold suppressed aggregates, never a person."""

    __tablename__ = "regional_snapshots"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(30))  # overview, validation
    key: Mapped[str] = mapped_column(String(60))  # parameters: threshold, period
    signature: Mapped[str] = mapped_column(String(200))  # state of the data it was computed from
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
