"""The meritportfölj: profile, experience, education, skill claims, languages and evidence."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eportfolio.db import Base, intpk, timestamp, utcnow


class EvidenceStatus(StrEnum):
    SELF_DECLARED = "self_declared"
    DOCUMENTED = "documented"  # evidence attached
    VALIDATED = "validated"  # set only by the validation workflow
    CERTIFIED = "certified"  # set only by the validation workflow


class LearnedIn(StrEnum):
    FORMAL = "formal"
    NON_FORMAL = "non_formal"
    INFORMAL = "informal"


class EducationKind(StrEnum):
    FORMAL = "formal"  # school, university, yrkesvux
    NON_FORMAL = "non_formal"  # courses
    WORKPLACE = "workplace"  # workplace training


CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
DRIVING_LICENCES = (
    "AM",
    "A1",
    "A2",
    "A",
    "B",
    "BE",
    "C1",
    "C1E",
    "C",
    "CE",
    "D1",
    "D1E",
    "D",
    "DE",
    "TAXI",
)


class Portfolio(Base):
    __tablename__ = "portfolios"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # What employers see instead of a name until the learner agrees to share identity.
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    headline: Mapped[str | None] = mapped_column(String(160))
    summary: Mapped[str | None] = mapped_column(Text)
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    municipality = relationship("Municipality", viewonly=True)  # for its name on pages
    work_municipalities: Mapped[list[str]] = mapped_column(JSON, default=list)
    driving_licences: Mapped[list[str]] = mapped_column(JSON, default=list)
    has_work_permit: Mapped[bool | None] = mapped_column(Boolean)
    available_from: Mapped[dt.date | None] = mapped_column(Date)
    guided_step: Mapped[str | None] = mapped_column(String(20))  # where the first run stopped
    created_at: Mapped[timestamp]
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    targets: Mapped[list[TargetOccupation]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TargetOccupation.id"
    )
    experiences: Mapped[list[Experience]] = relationship(
        back_populates="portfolio",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Experience.start.desc()",
    )
    educations: Mapped[list[Education]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Education.start.desc()"
    )
    claims: Mapped[list[SkillClaim]] = relationship(
        back_populates="portfolio",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="SkillClaim.id",
    )
    languages: Mapped[list[LanguageSkill]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="LanguageSkill.id"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="portfolio",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Evidence.id",
    )


class TargetOccupation(Base):
    __tablename__ = "target_occupations"
    __table_args__ = (UniqueConstraint("portfolio_id", "concept_id"),)

    id: Mapped[intpk]
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), index=True
    )
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id"))

    concept = relationship("Concept", lazy="joined")


class Experience(Base):
    __tablename__ = "experiences"

    id: Mapped[intpk]
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), index=True
    )
    employer_name: Mapped[str] = mapped_column(String(200))
    occupation_text: Mapped[str] = mapped_column(String(200))  # as the person typed it
    occupation_concept_id: Mapped[int | None] = mapped_column(ForeignKey("concepts.id"))
    start: Mapped[dt.date] = mapped_column(Date)  # month precision: always the 1st
    end: Mapped[dt.date | None] = mapped_column(Date)  # None while ongoing
    extent_percent: Mapped[int | None] = mapped_column(SmallInteger)
    description: Mapped[str | None] = mapped_column(Text)

    portfolio: Mapped[Portfolio] = relationship(back_populates="experiences")
    occupation = relationship("Concept", lazy="joined")


class Education(Base):
    __tablename__ = "educations"

    id: Mapped[intpk]
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EducationKind] = mapped_column(Enum(EducationKind, native_enum=False, length=20))
    institution: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(String(200))
    sun_level: Mapped[str | None] = mapped_column(String(4))  # SUN 2020 nivå
    sun_field: Mapped[str | None] = mapped_column(String(4))  # SUN 2020 inriktning
    seqf_level: Mapped[int | None] = mapped_column(SmallInteger)  # SeQF/EQF 1-8
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)


claim_experiences = Table(
    "claim_experiences",
    Base.metadata,
    Column("claim_id", ForeignKey("skill_claims.id", ondelete="CASCADE"), primary_key=True),
    Column("experience_id", ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True),
)
claim_evidence = Table(
    "claim_evidence",
    Base.metadata,
    Column("claim_id", ForeignKey("skill_claims.id", ondelete="CASCADE"), primary_key=True),
    Column("evidence_id", ForeignKey("evidence_items.id", ondelete="CASCADE"), primary_key=True),
)


class SkillClaim(Base):
    __tablename__ = "skill_claims"
    __table_args__ = (UniqueConstraint("portfolio_id", "concept_id"),)

    id: Mapped[intpk]
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), index=True
    )
    text_as_typed: Mapped[str] = mapped_column(String(200))
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id"), index=True)
    level: Mapped[int] = mapped_column(SmallInteger)  # self-assessed 1-4
    years: Mapped[int | None] = mapped_column(SmallInteger)
    learned_in: Mapped[LearnedIn | None] = mapped_column(
        Enum(LearnedIn, native_enum=False, length=20)
    )
    status: Mapped[EvidenceStatus] = mapped_column(
        Enum(EvidenceStatus, native_enum=False, length=20), default=EvidenceStatus.SELF_DECLARED
    )
    verified_level: Mapped[int | None] = mapped_column(SmallInteger)  # from validation
    credential_uuid: Mapped[str | None] = mapped_column(String(36))  # the certifying credential
    created_at: Mapped[timestamp]
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    portfolio: Mapped[Portfolio] = relationship(back_populates="claims")
    concept = relationship("Concept", lazy="joined")
    experiences: Mapped[list[Experience]] = relationship(
        secondary=claim_experiences, lazy="selectin"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        secondary=claim_evidence, lazy="selectin", back_populates="claims"
    )


class LanguageSkill(Base):
    __tablename__ = "language_skills"
    __table_args__ = (UniqueConstraint("portfolio_id", "language"),)

    id: Mapped[intpk]
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(3))  # ISO 639-1, or 639-3 where no -1 code
    mother_tongue: Mapped[bool] = mapped_column(Boolean, default=False)
    listening: Mapped[str | None] = mapped_column(String(2))  # CEFR A1-C2
    reading: Mapped[str | None] = mapped_column(String(2))
    speaking: Mapped[str | None] = mapped_column(String(2))
    writing: Mapped[str | None] = mapped_column(String(2))


class Evidence(Base):
    """An uploaded file or a link that backs skill claims."""

    __tablename__ = "evidence_items"

    id: Mapped[intpk]
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # file, link
    title: Mapped[str] = mapped_column(String(200))
    original_name: Mapped[str | None] = mapped_column(String(255))  # sanitised
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)  # random
    content_type: Mapped[str | None] = mapped_column(String(100))  # decided from the content
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(2000))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[timestamp]

    portfolio: Mapped[Portfolio] = relationship(back_populates="evidence")
    claims: Mapped[list[SkillClaim]] = relationship(
        secondary=claim_evidence, back_populates="evidence", lazy="selectin"
    )
