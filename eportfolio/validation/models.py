"""Council scope, conflicts of interest, validation cases and their frozen claims."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eportfolio.accounts.models import Organisation, User
from eportfolio.db import Base, intpk, timestamp, utcnow
from eportfolio.validation.states import State


class CouncilOccupation(Base):
    """An occupation (or SSYK group concept) a valideringsråd validates."""

    __tablename__ = "council_occupations"
    __table_args__ = (UniqueConstraint("council_id", "concept_id"),)

    id: Mapped[intpk]
    council_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id", ondelete="CASCADE"))

    concept = relationship("Concept", lazy="joined")


class CouncilMunicipality(Base):
    """A kommun a valideringsråd serves."""

    __tablename__ = "council_municipalities"
    __table_args__ = (UniqueConstraint("council_id", "municipality_code"),)

    id: Mapped[intpk]
    council_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))


class ConflictDeclaration(Base):
    """An assessor's declared jäv: they never assess this learner."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("assessor_id", "learner_id"),)

    id: Mapped[intpk]
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[timestamp]


class CaseNumberSeries(Base):
    """The last diarienummer a council gave in one year (see ``registration``)."""

    __tablename__ = "case_number_series"

    council_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class ValidationCase(Base):
    __tablename__ = "validation_cases"

    id: Mapped[intpk]
    # Diarienummer, given when the learner first sends the case; what people call it by.
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Yrkesbedömning: assessed against this occupation's essential skills.
    occupation_concept_id: Mapped[int | None] = mapped_column(ForeignKey("concepts.id"))
    state: Mapped[State] = mapped_column(
        Enum(State, native_enum=False, length=30), default=State.DRAFT, index=True
    )
    assessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Omprövning goes to someone else: everyone who held the case before.
    past_assessor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_message: Mapped[str | None] = mapped_column(Text)  # the open request to the learner
    last_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[timestamp]
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    council: Mapped[Organisation] = relationship(lazy="joined")
    occupation = relationship("Concept", lazy="joined")
    claims: Mapped[list[CaseClaim]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CaseClaim.id",
    )


class CaseClaim(Base):
    """A copy of one skill claim as submitted, and the assessor's decision on it."""

    __tablename__ = "case_claims"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(
        ForeignKey("validation_cases.id", ondelete="CASCADE"), index=True
    )
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("skill_claims.id", ondelete="SET NULL"))
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id"))
    text_as_typed: Mapped[str] = mapped_column(String(200))
    level: Mapped[int | None] = mapped_column(SmallInteger)  # None: essential skill not claimed
    years: Mapped[int | None] = mapped_column(SmallInteger)
    learned_in: Mapped[str | None] = mapped_column(String(20))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    method: Mapped[str | None] = mapped_column(String(30))
    decision: Mapped[str | None] = mapped_column(String(20))  # verified, not_verified
    verified_level: Mapped[int | None] = mapped_column(SmallInteger)
    rationale: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[ValidationCase] = relationship(back_populates="claims")
    concept = relationship("Concept", lazy="joined")
