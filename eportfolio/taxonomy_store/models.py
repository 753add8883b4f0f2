"""Taxonomy concepts, labels and relations as stored, with the version that last touched them.

Concepts are never deleted: portfolios, needs and credentials point to them. A concept that a
newer source version drops is marked deprecated (with its replacement when the source names one).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eportfolio.db import Base, intpk, timestamp
from eportfolio.taxonomy_store.language import Label


class TaxonomyVersion(Base):
    __tablename__ = "taxonomy_versions"
    __table_args__ = (UniqueConstraint("source", "version"),)

    id: Mapped[intpk]
    source: Mapped[str] = mapped_column(String(20))  # esco, jobtech, seed
    version: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[timestamp]
    stats: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class Concept(Base):
    __tablename__ = "concepts"

    id: Mapped[intpk]
    uri: Mapped[str] = mapped_column(String(255), unique=True)  # the source's stable id
    source: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    code: Mapped[str | None] = mapped_column(String(20), index=True)
    skill_type: Mapped[str | None] = mapped_column(String(40))
    reuse_level: Mapped[str | None] = mapped_column(String(40))
    definitions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="released")
    replaced_by: Mapped[str | None] = mapped_column(String(255))
    deprecated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("taxonomy_versions.id"))
    # Hash of everything imported for the concept: a re-import compares it to skip unchanged rows.
    fingerprint: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[timestamp]

    labels: Mapped[list[ConceptLabel]] = relationship(
        back_populates="concept",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ConceptLabel.id",
    )

    def label(self, lang: str) -> str:
        """Return the preferred label in ``lang``, falling back to Swedish, English, any."""
        return self.label_in(lang).text

    def label_in(self, lang: str) -> Label:
        """Return the label ``label(lang)`` gives, with the language it is actually in."""
        by_kind = [(lab.lang, lab.text) for lab in self.labels if lab.kind == "preferred"]
        for wanted in (lang, "sv", "en"):
            for label_lang, text in by_kind:
                if label_lang == wanted:
                    return Label(text, label_lang)
        if by_kind:
            return Label(by_kind[0][1], by_kind[0][0])
        if self.labels:
            return Label(self.labels[0].text, self.labels[0].lang)
        return Label(self.uri, None)


class ConceptLabel(Base):
    __tablename__ = "concept_labels"
    __table_args__ = (Index("ix_concept_labels_folded", "folded"),)

    id: Mapped[intpk]
    concept_id: Mapped[int] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), index=True
    )
    lang: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(12))  # preferred, alternative, hidden
    text: Mapped[str] = mapped_column(String(400))
    folded: Mapped[str] = mapped_column(String(400))  # casefolded, for prefix search

    concept: Mapped[Concept] = relationship(back_populates="labels")


class ConceptRelation(Base):
    __tablename__ = "concept_relations"
    __table_args__ = (UniqueConstraint("source_id", "kind", "target_id"),)

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), index=True
    )
    weight: Mapped[float | None] = mapped_column(Float)


class ShortageAssessment(Base):
    """A bristyrke assessment: how hard an occupation group is to recruit for, where and when."""

    __tablename__ = "shortage_assessments"
    __table_args__ = (
        UniqueConstraint("ssyk4", "occupation_ref", "area_kind", "area_code", "period"),
    )

    id: Mapped[intpk]
    ssyk4: Mapped[str | None] = mapped_column(String(4), index=True)
    occupation_ref: Mapped[str] = mapped_column(String(255))
    occupation_label: Mapped[str | None] = mapped_column(String(200))
    area_kind: Mapped[str] = mapped_column(String(10))  # riket, lan, kommun
    area_code: Mapped[str] = mapped_column(String(4))
    period: Mapped[str] = mapped_column(String(10), index=True)
    job_opportunities: Mapped[str | None] = mapped_column(String(12))  # små/medelstora/stora
    outlook_5y: Mapped[str | None] = mapped_column(String(20))  # öka/vara oförändrad/minska
    recruitment: Mapped[str | None] = mapped_column(String(12))  # brist/balans/överskott
    source: Mapped[str] = mapped_column(String(20))  # yrkesbarometer, csv, manual, seed
    updated_at: Mapped[timestamp]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class DemandCount(Base):
    """Job-ad counts per occupation group and kommun: a demand signal."""

    __tablename__ = "demand_counts"
    __table_args__ = (UniqueConstraint("ssyk4", "kommunkod", "period"),)

    id: Mapped[intpk]
    ssyk4: Mapped[str] = mapped_column(String(4), index=True)
    kommunkod: Mapped[str] = mapped_column(String(4), index=True)
    period: Mapped[str] = mapped_column(String(10))
    ads: Mapped[int] = mapped_column(Integer)
