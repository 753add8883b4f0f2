"""Load the official ESCO CSV download (v1.1.x and v1.2.x, one or several languages)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from taxonomy.loaders._io import Dangling, Located, check_relation_ends, read_csv
from taxonomy.model import (
    Concept,
    ConceptKind,
    Label,
    LabelKind,
    Relation,
    RelationKind,
    Taxonomy,
    TaxonomyFormatError,
)

SOURCE = "esco"
_LANG = re.compile(r"_([a-z]{2,3}(?:-[a-z]+)?)\.csv(?:\.gz)?$")
# (file stem, kind, column giving Concept.code, whether that column must be there)
_CONCEPT_FILES: tuple[tuple[str, ConceptKind, str | None, bool], ...] = (
    ("ISCOGroups", ConceptKind.OCCUPATION_GROUP, "code", True),
    ("occupations", ConceptKind.OCCUPATION, "iscoGroup", True),
    ("skillGroups", ConceptKind.SKILL_GROUP, "code", False),
    ("skills", ConceptKind.SKILL, None, False),
)
_OCC_SKILL = {"essential": RelationKind.ESSENTIAL_SKILL, "optional": RelationKind.OPTIONAL_SKILL}


def _files(root: Path, stem: str, *, per_language: bool) -> list[Path]:
    """Return the files of one ESCO table; per-language tables end in ``_<lang>.csv[.gz]``."""
    if root.is_file():
        return [root] if root.name.startswith(stem) else []
    found = sorted(p for p in root.iterdir() if re.match(rf"{stem}(_[^.]*)?\.csv(\.gz)?$", p.name))
    if per_language:
        found = [p for p in found if _LANG.search(p.name)]
    return found


def _split_labels(value: str) -> list[str]:
    """Split an ESCO multi-label cell; labels are newline-separated (pipe in collections)."""
    return [" ".join(v.split()) for v in re.split(r"[\n|]", value) if v.strip()]


def _concepts(
    path: Path, kind: ConceptKind, code_col: str | None, code_required: bool
) -> Iterator[Located]:
    """Yield the concepts of one per-language concept file."""
    match = _LANG.search(path.name)
    lang = match.group(1) if match else "en"
    required = ["conceptUri", "preferredLabel"] + ([code_col] if code_col and code_required else [])
    seen: set[str] = set()
    for line, row in read_csv(path, required):
        uri = row["conceptUri"].strip()
        preferred = " ".join(row["preferredLabel"].split())
        if not uri:
            raise TaxonomyFormatError(str(path), line, "empty conceptUri")
        if uri in seen:
            raise TaxonomyFormatError(str(path), line, f"duplicate conceptUri {uri}")
        seen.add(uri)
        labels = [Label(preferred, lang, LabelKind.PREFERRED)] if preferred else []
        for col, label_kind in (
            ("altLabels", LabelKind.ALTERNATIVE),
            ("hiddenLabels", LabelKind.HIDDEN),
        ):
            labels += [Label(t, lang, label_kind) for t in _split_labels(row.get(col, ""))]
        if not labels:
            raise TaxonomyFormatError(str(path), line, f"{uri} has no label")
        concept = Concept(id=uri, kind=kind, source=SOURCE, labels=labels)
        if code_col:
            concept.code = row.get(code_col, "").strip() or None
        if kind is ConceptKind.SKILL:
            concept.skill_type = row.get("skillType", "").strip() or None
            concept.reuse_level = row.get("reuseLevel", "").strip() or None
        description = (row.get("description") or row.get("definition") or "").strip()
        if description:
            concept.definitions[lang] = description
        concept.status = row.get("status", "").strip() or concept.status
        yield str(path), line, concept


def _relations(root: Path) -> Iterator[tuple[str, int, Relation]]:
    """Yield broader, skill-skill and occupation-skill relations from every relation file."""
    for stem in ("broaderRelationsOccPillar", "broaderRelationsSkillPillar"):
        for path in _files(root, stem, per_language=False):
            for line, row in read_csv(path, ["conceptUri", "broaderUri"]):
                rel = Relation(
                    row["conceptUri"].strip(), RelationKind.BROADER, row["broaderUri"].strip()
                )
                yield str(path), line, rel
    for path in _files(root, "skillSkillRelations", per_language=False):
        for line, row in read_csv(path, ["originalSkillUri", "relatedSkillUri"]):
            rel = Relation(
                row["originalSkillUri"].strip(),
                RelationKind.RELATED,
                row["relatedSkillUri"].strip(),
            )
            yield str(path), line, rel
    for path in _files(root, "occupationSkillRelations", per_language=False):
        for line, row in read_csv(path, ["occupationUri", "relationType", "skillUri"]):
            kind = _OCC_SKILL.get(row["relationType"].strip().lower())
            if kind is None:
                msg = f"relationType must be essential or optional, not {row['relationType']!r}"
                raise TaxonomyFormatError(str(path), line, msg)
            yield (
                str(path),
                line,
                Relation(row["occupationUri"].strip(), kind, row["skillUri"].strip()),
            )


def _iter_located(path: str | Path) -> Iterator[Located]:
    """Yield every record with the file and line it came from."""
    root = Path(path)
    if not root.exists():
        raise TaxonomyFormatError(str(root), None, "no such file or directory")
    if not _files(root, "skills", per_language=True):
        raise TaxonomyFormatError(str(root), None, "no skills_<lang>.csv[.gz] file found")
    for stem, kind, code_col, code_required in _CONCEPT_FILES:
        for file in _files(root, stem, per_language=True):
            yield from _concepts(file, kind, code_col, code_required)
    seen: set[Relation] = set()
    for where, line, rel in _relations(root):
        # Each language set repeats the relation files; keep the first copy only.
        if rel in seen:
            continue
        seen.add(rel)
        if not rel.source or not rel.target:
            raise TaxonomyFormatError(where, line, "relation with an empty URI")
        yield where, line, rel


def iter_esco(path: str | Path) -> Iterator[Concept | Relation]:
    """Stream concepts, then relations, from an ESCO CSV folder (relation ends unchecked)."""
    for _, _, rec in _iter_located(path):
        yield rec


def load_esco(path: str | Path, *, dangling: Dangling = "error") -> Taxonomy:
    """Load and fully validate an ESCO download.

    ``dangling='skip'`` drops relations to URIs the download does not define (ESCO v1.1.1
    itself has a few: one withdrawn occupation, seven skill groups).
    """
    return check_relation_ends(_iter_located(path), dangling)
