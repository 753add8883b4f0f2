"""The concept model shared by loaders, the normaliser, the matching engine and the app."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class ConceptKind(StrEnum):
    OCCUPATION_GROUP = "occupation-group"  # SSYK 2012 levels 1-4, ISCO-08 groups
    OCCUPATION = "occupation"  # yrkesbenämning, ESCO occupation
    SKILL = "skill"  # skill, competence or knowledge (see Concept.skill_type)
    SKILL_GROUP = "skill-group"


class LabelKind(StrEnum):
    PREFERRED = "preferred"
    ALTERNATIVE = "alternative"
    HIDDEN = "hidden"


class RelationKind(StrEnum):
    BROADER = "broader"  # source is narrower than target
    RELATED = "related"  # skill <-> skill, symmetric in meaning
    ESSENTIAL_SKILL = "essential-skill"  # occupation -> skill
    OPTIONAL_SKILL = "optional-skill"  # occupation -> skill
    SUBSTITUTABLE = "substitutable"  # occupation -> occupation, weight = share (0-1)
    EXACT_MATCH = "exact-match"  # equivalence across sources (e.g. SSYK-4 -> ISCO-4)
    CLOSE_MATCH = "close-match"


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    lang: str
    kind: LabelKind = LabelKind.PREFERRED


@dataclass(slots=True)
class Concept:
    id: str  # stable source id: ESCO URI, JobTech concept id, or seed id
    kind: ConceptKind
    source: str  # "esco", "jobtech", "isco", "seed", ...
    labels: list[Label] = field(default_factory=list)
    code: str | None = None  # SSYK 2012 / ISCO-08 code where the concept has one
    definitions: dict[str, str] = field(default_factory=dict)  # lang -> text
    skill_type: str | None = None  # ESCO: "skill/competence" or "knowledge"
    reuse_level: str | None = None  # ESCO: transversal ... occupation-specific
    status: str = "released"
    replaced_by: str | None = None

    def preferred(self, lang: str) -> str | None:
        """Return the preferred label in ``lang``, if any."""
        for label in self.labels:
            if label.lang == lang and label.kind is LabelKind.PREFERRED:
                return label.text
        return None

    def display(self, lang: str, fallback: str = "en") -> str:
        """Return the best human label: preferred in ``lang``, else ``fallback``, else any."""
        return (
            self.preferred(lang)
            or self.preferred(fallback)
            or next((lab.text for lab in self.labels), self.id)
        )

    def labels_in(self, lang: str | None = None) -> list[Label]:
        """Return the labels in ``lang`` (all languages when None)."""
        return [lab for lab in self.labels if lang is None or lab.lang == lang]


@dataclass(frozen=True, slots=True)
class Relation:
    source: str
    kind: RelationKind
    target: str
    weight: float | None = None


class TaxonomyFormatError(ValueError):
    """A source file is malformed; names the file and line so an operator can fix it."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class Taxonomy:
    """An in-memory taxonomy: concepts by id and indexed relations."""

    def __init__(self) -> None:
        self.concepts: dict[str, Concept] = {}
        self.relations: list[Relation] = []
        self._out: dict[tuple[str, RelationKind], list[Relation]] = defaultdict(list)
        self._in: dict[tuple[str, RelationKind], list[Relation]] = defaultdict(list)

    @classmethod
    def from_records(cls, records: Iterable[Concept | Relation]) -> Taxonomy:
        """Build a taxonomy from loader output; relations may come before their ends."""
        tax = cls()
        pending: list[Relation] = []
        for rec in records:
            if isinstance(rec, Concept):
                tax.add(rec)
            else:
                pending.append(rec)
        for rel in pending:
            tax.relate(rel)
        return tax

    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self.concepts

    def __getitem__(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def add(self, concept: Concept) -> None:
        """Add a concept, merging labels and definitions into an existing one with that id."""
        known = self.concepts.get(concept.id)
        if known is None:
            self.concepts[concept.id] = concept
            return
        seen = set(known.labels)
        known.labels.extend(lab for lab in concept.labels if lab not in seen)
        for lang, text in concept.definitions.items():
            known.definitions.setdefault(lang, text)
        known.code = known.code or concept.code
        known.skill_type = known.skill_type or concept.skill_type
        known.reuse_level = known.reuse_level or concept.reuse_level

    def relate(self, relation: Relation) -> None:
        """Record a relation; both ends need not be known (cross-source links)."""
        self.relations.append(relation)
        self._out[(relation.source, relation.kind)].append(relation)
        self._in[(relation.target, relation.kind)].append(relation)

    def of_kind(self, kind: ConceptKind) -> Iterator[Concept]:
        """Yield the concepts of one kind, in insertion order."""
        return (c for c in self.concepts.values() if c.kind is kind)

    def skills(self) -> Iterator[Concept]:
        return self.of_kind(ConceptKind.SKILL)

    def occupations(self) -> Iterator[Concept]:
        return self.of_kind(ConceptKind.OCCUPATION)

    def outgoing(self, concept_id: str, kind: RelationKind) -> list[Relation]:
        return self._out.get((concept_id, kind), [])

    def incoming(self, concept_id: str, kind: RelationKind) -> list[Relation]:
        return self._in.get((concept_id, kind), [])

    def broader(self, concept_id: str) -> list[str]:
        return [r.target for r in self.outgoing(concept_id, RelationKind.BROADER)]

    def narrower(self, concept_id: str) -> list[str]:
        return [r.source for r in self.incoming(concept_id, RelationKind.BROADER)]

    def related(self, concept_id: str) -> list[str]:
        out = [r.target for r in self.outgoing(concept_id, RelationKind.RELATED)]
        return out + [r.source for r in self.incoming(concept_id, RelationKind.RELATED)]

    def occupation_skills(self, occupation_id: str) -> list[tuple[str, bool]]:
        """Return (skill id, essential?) pairs for an occupation."""
        ess = [(r.target, True) for r in self.outgoing(occupation_id, RelationKind.ESSENTIAL_SKILL)]
        opt = [(r.target, False) for r in self.outgoing(occupation_id, RelationKind.OPTIONAL_SKILL)]
        return ess + opt
