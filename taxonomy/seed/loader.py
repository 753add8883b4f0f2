"""Read the seed taxonomy's CSV files into concepts and relations, checking every reference."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from taxonomy.model import (
    Concept,
    ConceptKind,
    Label,
    LabelKind,
    Relation,
    RelationKind,
    Taxonomy,
)
from taxonomy.seed.csvrows import Row, Source, iter_rows

SOURCE = "seed"
SKILL_GROUP_PREFIX = "seed:skillgroup:"
SSYK_PREFIX = "seed:ssyk:"
SKILL_PREFIX = "seed:skill:"
OCCUPATION_PREFIX = "seed:occ:"

# Skills in these groups are worth the same in every occupation; matching may treat them so.
TRANSVERSAL_GROUPS = frozenset({"generella", "digitala", "sprak"})

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SSYK4 = re.compile(r"\d{4}")
_OCCUPATION_SKILL_KINDS = {
    "essential": RelationKind.ESSENTIAL_SKILL,
    "optional": RelationKind.OPTIONAL_SKILL,
}


def seed_dir() -> Traversable:
    """Return the folder holding the shipped seed files."""
    return files("taxonomy.seed")


class _Ids:
    """The ids read so far, so a duplicate or a dangling reference names its line."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}  # id -> "file:line" of its definition

    def define(self, row: Row, concept_id: str) -> str:
        if concept_id in self.known:
            raise row.error(
                f"duplicate id {concept_id!r} (first defined at {self.known[concept_id]})"
            )
        self.known[concept_id] = f"{row.path}:{row.line}"
        return concept_id

    def ref(self, row: Row, concept_id: str, what: str) -> str:
        if concept_id not in self.known:
            raise row.error(f"unknown {what} {concept_id!r}")
        return concept_id


def _slug(row: Row, column: str) -> str:
    value = row.required(column)
    if not _SLUG.fullmatch(value):
        raise row.error(f"{column} {value!r} must be lower-case a-z, 0-9 and single hyphens")
    return value


def _labels(row: Row) -> list[Label]:
    labels = [
        Label(row.required("label_sv"), "sv"),
        Label(row.required("label_en"), "en"),
    ]
    for lang in ("sv", "en"):
        for text in row[f"alt_{lang}"].split("|"):
            if text.strip():
                labels.append(Label(text.strip(), lang, LabelKind.ALTERNATIVE))
    return labels


def _definitions(row: Row) -> dict[str, str]:
    return {lang: row[f"definition_{lang}"] for lang in ("sv", "en") if row[f"definition_{lang}"]}


def _skill_groups(folder: Source, ids: _Ids) -> Iterator[Concept]:
    for row in iter_rows(_file(folder, "skill_groups.csv"), ("id", "label_sv", "label_en")):
        concept_id = ids.define(row, SKILL_GROUP_PREFIX + _slug(row, "id"))
        yield Concept(concept_id, ConceptKind.SKILL_GROUP, SOURCE, _labels(row))


def _ssyk_groups(folder: Source, ids: _Ids) -> Iterator[Concept]:
    for row in iter_rows(_file(folder, "ssyk_groups.csv"), ("ssyk4", "label_sv", "label_en")):
        code = row.required("ssyk4")
        if not _SSYK4.fullmatch(code):
            raise row.error(f"ssyk4 {code!r} is not a 4-digit SSYK 2012 code")
        concept_id = ids.define(row, SSYK_PREFIX + code)
        yield Concept(concept_id, ConceptKind.OCCUPATION_GROUP, SOURCE, _labels(row), code=code)


def _skills(folder: Source, ids: _Ids) -> Iterator[Concept | Relation]:
    columns = ("id", "group", "label_sv", "label_en", "alt_sv", "alt_en")
    for row in iter_rows(_file(folder, "skills.csv"), columns):
        concept_id = ids.define(row, SKILL_PREFIX + _slug(row, "id"))
        group = row.required("group")
        group_id = ids.ref(row, SKILL_GROUP_PREFIX + group, "skill group")
        yield Concept(
            concept_id,
            ConceptKind.SKILL,
            SOURCE,
            _labels(row),
            definitions=_definitions(row),
            reuse_level="transversal" if group in TRANSVERSAL_GROUPS else None,
        )
        yield Relation(concept_id, RelationKind.BROADER, group_id)


def _occupations(folder: Source, ids: _Ids) -> Iterator[Concept | Relation]:
    columns = ("id", "ssyk4", "label_sv", "label_en", "alt_sv", "alt_en")
    for row in iter_rows(_file(folder, "occupations.csv"), columns):
        concept_id = ids.define(row, OCCUPATION_PREFIX + _slug(row, "id"))
        group_id = ids.ref(row, SSYK_PREFIX + row.required("ssyk4"), "SSYK-4 group")
        yield Concept(
            concept_id, ConceptKind.OCCUPATION, SOURCE, _labels(row), definitions=_definitions(row)
        )
        yield Relation(concept_id, RelationKind.BROADER, group_id)


def _occupation_skills(folder: Source, ids: _Ids) -> Iterator[Relation]:
    seen: set[tuple[str, str]] = set()
    for row in iter_rows(_file(folder, "occupation_skills.csv"), ("occupation", "skill", "kind")):
        occupation = ids.ref(row, OCCUPATION_PREFIX + row.required("occupation"), "occupation")
        skill = ids.ref(row, SKILL_PREFIX + row.required("skill"), "skill")
        kind = _OCCUPATION_SKILL_KINDS.get(row.required("kind"))
        if kind is None:
            raise row.error(f"kind {row['kind']!r} must be 'essential' or 'optional'")
        if (occupation, skill) in seen:
            raise row.error(f"{row['skill']!r} is listed twice for {row['occupation']!r}")
        seen.add((occupation, skill))
        yield Relation(occupation, kind, skill)


def _relations(folder: Source, ids: _Ids) -> Iterator[Relation]:
    seen: set[tuple[str, RelationKind, str]] = set()
    for row in iter_rows(_file(folder, "relations.csv"), ("source", "kind", "target")):
        try:
            kind = RelationKind(row.required("kind"))
        except ValueError:
            allowed = ", ".join(k.value for k in RelationKind)
            raise row.error(f"kind {row['kind']!r} is not one of: {allowed}") from None
        source = ids.ref(row, row.required("source"), "id")
        target = ids.ref(row, row.required("target"), "id")
        if source == target:
            raise row.error(f"{source!r} is related to itself")
        key = (source, kind, target)
        # RELATED is symmetric: a pair written both ways is one link written twice.
        if key in seen or (kind is RelationKind.RELATED and (target, kind, source) in seen):
            raise row.error(f"duplicate relation {source} {kind.value} {target}")
        seen.add(key)
        yield Relation(source, kind, target)


def _file(folder: Source, name: str) -> Source:
    if isinstance(folder, str | os.PathLike):
        return Path(folder) / name
    return folder.joinpath(name)


def iter_seed(folder: Source | None = None) -> Iterator[Concept | Relation]:
    """Yield the seed taxonomy's concepts and relations (source "seed").

    ``folder`` defaults to the files shipped in this package; a file with a broken
    reference, a duplicate id or a malformed value raises TaxonomyFormatError naming its line.
    """
    folder = seed_dir() if folder is None else folder
    ids = _Ids()
    yield from _skill_groups(folder, ids)
    yield from _ssyk_groups(folder, ids)
    yield from _skills(folder, ids)
    yield from _occupations(folder, ids)
    yield from _occupation_skills(folder, ids)
    yield from _relations(folder, ids)


def load_seed(folder: Source | None = None) -> Taxonomy:
    """Return the seed taxonomy, fully validated."""
    return Taxonomy.from_records(iter_seed(folder))
