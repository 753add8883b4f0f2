"""Issued credentials and the councils' bitstring status lists, as the app stores them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eportfolio.accounts.models import Organisation
from eportfolio.db import Base, intpk, timestamp, utcnow

if TYPE_CHECKING:
    from eportfolio.validation.models import ValidationCase


class StatusList(Base):
    """One council's revocation bitstring; its signed form is served at a stable URL."""

    __tablename__ = "credential_status_lists"
    __table_args__ = (UniqueConstraint("council_id", "list_id"),)

    id: Mapped[intpk]
    council_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    list_id: Mapped[str] = mapped_column(String(32))
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class IssuedCredential(Base):
    """A signed credential; after erasure only its status record remains (no token, no case)."""

    __tablename__ = "issued_credentials"
    __table_args__ = (UniqueConstraint("council_id", "status_list_id", "status_index"),)

    id: Mapped[intpk]
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("validation_cases.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # kompetensintyg, yrkesbevis
    title: Mapped[str | None] = mapped_column(String(300))
    status_list_id: Mapped[str] = mapped_column(String(32))
    status_index: Mapped[int] = mapped_column(Integer)
    token: Mapped[str | None] = mapped_column(Text)  # the VC-JWT; gone after erasure
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[timestamp]

    council: Mapped[Organisation] = relationship(lazy="joined")
    case: Mapped[ValidationCase | None] = relationship()
