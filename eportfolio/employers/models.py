"""Employers' competence needs, their shortlists and contact requests to candidates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eportfolio.db import Base, intpk, timestamp


class Need(Base):
    __tablename__ = "needs"

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    occupation_concept_id: Mapped[int | None] = mapped_column(ForeignKey("concepts.id"))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(Text)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[timestamp]

    skills: Mapped[list[NeedSkill]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NeedSkill.id"
    )
    languages: Mapped[list[NeedLanguage]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NeedLanguage.id"
    )
    occupation = relationship("Concept", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
    municipality = relationship("Municipality", viewonly=True)  # for its name on pages


class NeedSkill(Base):
    __tablename__ = "need_skills"
    __table_args__ = (UniqueConstraint("need_id", "concept_id"),)

    id: Mapped[intpk]
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id"))
    text: Mapped[str] = mapped_column(String(200))
    must: Mapped[bool] = mapped_column(Boolean, default=True)
    min_level: Mapped[int] = mapped_column(SmallInteger, default=1)

    concept = relationship("Concept", lazy="joined")


class NeedLanguage(Base):
    __tablename__ = "need_languages"

    id: Mapped[intpk]
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(3))
    min_cefr: Mapped[str] = mapped_column(String(2))


class ShortlistEntry(Base):
    __tablename__ = "shortlist_entries"
    __table_args__ = (UniqueConstraint("need_id", "portfolio_id"),)

    id: Mapped[intpk]
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"))
    added_at: Mapped[timestamp]

    portfolio = relationship("Portfolio", lazy="joined")


class ContactRequest(Base):
    """An employer asks to get in touch; only the learner's yes reveals who they are."""

    __tablename__ = "contact_requests"
    __table_args__ = (UniqueConstraint("need_id", "portfolio_id"),)

    id: Mapped[intpk]
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="pending")  # accepted, declined
    created_at: Mapped[timestamp]
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    need: Mapped[Need] = relationship(lazy="joined")
    portfolio = relationship("Portfolio", lazy="joined")
