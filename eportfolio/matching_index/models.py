"""A change log the matching index follows: every worker applies new rows before a search."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String
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


class OccupationFit(Base):
    """One of a portfolio's most probable occupations, as the matching model last saw it.

    A worker's start reads these instead of computing every portfolio's fits (15 s at a
    million portfolios on ESCO). ``skills_key`` fingerprints the skill set the fit was
    computed from and ``model_key`` the taxonomy and model: a start recomputes, in memory,
    the portfolios whose rows are missing or no longer match; ``flask matching store-fits``
    writes them back.
    """

    __tablename__ = "occupation_fits"

    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE"), primary_key=True
    )
    occupation_id: Mapped[int] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), primary_key=True
    )
    fit: Mapped[float] = mapped_column(Float)
    skills_key: Mapped[int] = mapped_column(BigInteger)
    model_key: Mapped[str] = mapped_column(String(40))
