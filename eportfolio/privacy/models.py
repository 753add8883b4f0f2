"""Who may see a learner's portfolio: consent records, guide access and the access log."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eportfolio.db import Base, intpk, timestamp


class ConsentKind(StrEnum):
    MATCHING = "matching"  # visible, pseudonymously, in employer matching
    SHARE_IDENTITY = "share_identity"  # name and contact to one employer after a request


class ConsentRecord(Base):
    """One decision; the latest record per (learner, kind, employer) is in force."""

    __tablename__ = "consent_records"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(Enum(ConsentKind, native_enum=False, length=20))
    employer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    granted: Mapped[bool] = mapped_column(Boolean)
    text_version: Mapped[str] = mapped_column(String(20))  # which wording the person saw
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[timestamp]


class GuideGrant(Base):
    """A learner lets a guide at a lärcentrum help edit their portfolio, until revoked."""

    __tablename__ = "guide_grants"

    id: Mapped[intpk]
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    granted_at: Mapped[timestamp]
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    guide = relationship("User", foreign_keys=[guide_id], lazy="joined")
    organisation = relationship("Organisation", lazy="joined")


class AccessLogEntry(Base):
    """Someone other than the learner looked at the learner's data."""

    __tablename__ = "access_log"

    id: Mapped[intpk]
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    viewer_role: Mapped[str] = mapped_column(String(20))
    viewer_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    what: Mapped[str] = mapped_column(String(40))  # portfolio, evidence, candidate_card, ...
    at: Mapped[timestamp]

    viewer_organisation = relationship("Organisation", lazy="joined")
