"""Import a taxonomy version into the database: all of it in one transaction, or nothing.

The loaders validate a whole source before this runs, so a broken file never reaches here. A
re-import of the same content changes nothing; a new version updates concepts in place and marks
vanished ones deprecated, never deleting them (portfolios and credentials point to them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from eportfolio.audit import services as audit
from eportfolio.db import utcnow
from eportfolio.taxonomy_store.models import (
    Concept,
    ConceptLabel,
    ConceptRelation,
    TaxonomyVersion,
)
from taxonomy import Concept as TaxConcept
from taxonomy import Taxonomy

BATCH = 5000
T = TypeVar("T")
Progress = Callable[[str, int], None]  # (phase, rows done) -> None


@dataclass
class ImportSummary:
    source: str
    version: str
    added: int = 0
    changed: int = 0
    deprecated: int = 0
    unchanged: int = 0
    relations_added: int = 0
    relations_removed: int = 0
    relations_skipped: int = 0  # an end outside the database (e.g. another source not imported)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        return any(
            (
                self.added,
                self.changed,
                self.deprecated,
                self.relations_added,
                self.relations_removed,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "extra"} | self.extra


def _chunks(rows: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def fingerprint(concept: TaxConcept) -> str:
    """Hash everything stored for a concept, so unchanged concepts are skipped on re-import."""
    body = [
        concept.kind.value,
        concept.code,
        concept.skill_type,
        concept.reuse_level,
        concept.status,
        concept.replaced_by,
        sorted(concept.definitions.items()),
        sorted((lab.lang, lab.kind.value, lab.text) for lab in concept.labels),
    ]
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


def _concept_row(concept: TaxConcept, source: str, version_id: int) -> dict[str, Any]:
    return {
        "uri": concept.id,
        "source": source,
        "kind": concept.kind.value,
        "code": concept.code,
        "skill_type": concept.skill_type,
        "reuse_level": concept.reuse_level,
        "definitions": dict(concept.definitions),
        "status": concept.status,
        "replaced_by": concept.replaced_by,
        "version_id": version_id,
        "fingerprint": fingerprint(concept),
        "deprecated_at": None,
    }


def _label_rows(concept: TaxConcept, concept_id: int) -> list[dict[str, Any]]:
    seen: set[tuple[str, str, str]] = set()
    rows = []
    for lab in concept.labels:
        text = " ".join(lab.text.split())[:400]
        key = (lab.lang, lab.kind.value, text)
        if text and key not in seen:
            seen.add(key)
            rows.append(
                {
                    "concept_id": concept_id,
                    "lang": lab.lang,
                    "kind": lab.kind.value,
                    "text": text,
                    "folded": fold(text),
                }
            )
    return rows


def _version(session: Session, source: str, version: str) -> TaxonomyVersion:
    row = session.scalar(
        select(TaxonomyVersion).where(
            TaxonomyVersion.source == source, TaxonomyVersion.version == version
        )
    )
    if row is None:
        row = TaxonomyVersion(source=source, version=version, stats={})
        session.add(row)
        session.flush()
    return row


def import_taxonomy(
    session: Session,
    tax: Taxonomy,
    *,
    source: str,
    version: str,
    actor_id: int | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Write ``tax`` as ``source``/``version`` into the database; the caller commits."""
    tick = progress or (lambda _phase, _n: None)
    summary = ImportSummary(source=source, version=version)
    ver = _version(session, source, version)
    known = {
        uri: (cid, fp, status)
        for cid, uri, fp, status in session.execute(
            select(Concept.id, Concept.uri, Concept.fingerprint, Concept.status).where(
                Concept.source == source
            )
        )
    }

    new: list[TaxConcept] = []
    changed: list[tuple[int, TaxConcept]] = []
    for concept in tax.concepts.values():
        have = known.get(concept.id)
        if have is None:
            new.append(concept)
        elif have[1] != fingerprint(concept):
            changed.append((have[0], concept))
        else:
            summary.unchanged += 1
    ids = {uri: cid for uri, (cid, _fp, _st) in known.items()}
    _insert_concepts(session, new, source, ver.id, ids, tick)
    _update_concepts(session, changed, source, ver.id, tick)
    summary.added, summary.changed = len(new), len(changed)

    gone = [
        cid
        for uri, (cid, _fp, status) in known.items()
        if uri not in tax.concepts and status != "deprecated"
    ]
    for chunk in _chunks(gone):
        session.execute(
            update(Concept)
            .where(Concept.id.in_(chunk))
            .values(status="deprecated", deprecated_at=utcnow())
        )
    summary.deprecated = len(gone)
    _sync_relations(session, tax, source, summary, tick)

    ver.stats = summary.as_dict()
    if summary.changed_anything:
        audit.record(
            session,
            "taxonomy.imported",
            actor_id=actor_id,
            subject_type="taxonomy",
            subject_id=f"{source}:{version}",
            data=summary.as_dict(),
        )
    session.flush()
    return summary


def _insert_concepts(
    session: Session,
    concepts: list[TaxConcept],
    source: str,
    version_id: int,
    ids: dict[str, int],
    tick: Progress,
) -> None:
    for chunk in _chunks(concepts):
        rows = [_concept_row(c, source, version_id) for c in chunk]
        result = session.execute(
            insert(Concept).returning(Concept.id, Concept.uri, sort_by_parameter_order=True), rows
        )
        created = dict((uri, cid) for cid, uri in result.all())
        ids.update(created)
        labels = [row for c in chunk for row in _label_rows(c, created[c.id])]
        for part in _chunks(labels):
            session.execute(insert(ConceptLabel), list(part))
        tick("concepts", len(chunk))


def _update_concepts(
    session: Session,
    changed: list[tuple[int, TaxConcept]],
    source: str,
    version_id: int,
    tick: Progress,
) -> None:
    for chunk in _chunks(changed):
        rows = [{"id": cid, **_concept_row(c, source, version_id)} for cid, c in chunk]
        session.execute(update(Concept), rows)
        session.execute(
            delete(ConceptLabel).where(ConceptLabel.concept_id.in_([cid for cid, _c in chunk]))
        )
        labels = [row for cid, c in chunk for row in _label_rows(c, cid)]
        for part in _chunks(labels):
            session.execute(insert(ConceptLabel), list(part))
        tick("concepts", len(chunk))


def _sync_relations(
    session: Session, tax: Taxonomy, source: str, summary: ImportSummary, tick: Progress
) -> None:
    ids = dict(session.execute(select(Concept.uri, Concept.id)).all())
    wanted: dict[tuple[int, str, int], float | None] = {}
    for rel in tax.relations:
        if rel.source not in tax.concepts:
            continue  # a link owned by another source
        src, dst = ids.get(rel.source), ids.get(rel.target)
        if src is None or dst is None:
            summary.relations_skipped += 1
            continue
        wanted[(src, rel.kind.value, dst)] = rel.weight
    existing = {
        (s, k, t): (rid, w)
        for rid, s, k, t, w in session.execute(
            select(
                ConceptRelation.id,
                ConceptRelation.source_id,
                ConceptRelation.kind,
                ConceptRelation.target_id,
                ConceptRelation.weight,
            )
            .join(Concept, Concept.id == ConceptRelation.source_id)
            .where(Concept.source == source)
        )
    }
    to_add = [
        {"source_id": s, "kind": k, "target_id": t, "weight": w}
        for (s, k, t), w in wanted.items()
        if (s, k, t) not in existing
    ]
    to_remove = [rid for key, (rid, _w) in existing.items() if key not in wanted]
    to_reweigh = [
        {"id": rid, "weight": wanted[key]}
        for key, (rid, w) in existing.items()
        if key in wanted and wanted[key] != w
    ]
    for chunk in _chunks(to_add):
        session.execute(insert(ConceptRelation), list(chunk))
        tick("relations", len(chunk))
    for chunk in _chunks(to_remove):
        session.execute(delete(ConceptRelation).where(ConceptRelation.id.in_(chunk)))
    for chunk in _chunks(to_reweigh):
        session.execute(update(ConceptRelation), list(chunk))
    summary.relations_added, summary.relations_removed = len(to_add), len(to_remove)
