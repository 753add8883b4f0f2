"""A change log the matching index follows: every worker applies new rows before a search."""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from eportfolio.db import Base, intpk, timestamp


class MatchingChange(Base):
    """Portfolio ``user_id`` changed (content, consent, erasure): re-read it before searching."""

    __tablename__ = "matching_changes"
    # Never reuse an id (SQLite would after a rollback): workers compare ids to find news.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - SQLAlchemy reads a dict

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(Integer)  # plain id: the user may be erased already
    at: Mapped[timestamp]
