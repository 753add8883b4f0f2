"""Load the JobTech (Arbetsförmedlingen) taxonomy static JSON datasets.

ISCO links: each SSYK-4 group gets an EXACT_MATCH relation to the JobTech ``isco-level-4``
concept (loaded as an OCCUPATION_GROUP with ``code`` = the ISCO-08 code, source "isco", and
JobTech's concept id as id).
Map to ESCO's ISCO groups through that code, never through the id.

Substitutability: ``Relation(a, SUBSTITUTABLE, b, weight)`` means occupation-name ``a`` can
substitute for ``b`` (JobTech's ``substitutes`` list), weight 0.25 or 0.75.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from taxonomy.loaders._io import Dangling, Located, check_relation_ends, read_concepts_json
from taxonomy.model import (
    Concept,
    ConceptKind,
    Label,
    Relation,
    RelationKind,
    Taxonomy,
    TaxonomyFormatError,
)

SOURCE = "jobtech"
LANG = "sv"
HIERARCHY = "the-ssyk-hierarchy-with-occupations.json"
SKILLS = "skills.json"
SSYK_SKILLS = "ssyk-level-4-groups-with-related-skills.json"
SSYK_ISCO = "ssyk-level-4-with-related-isco-level-4-groups.json"
ISCO = "isco-level-4-groups.json"
SUBSTITUTES = "substitutability-relations-between-occupations.json"
SSYK_DEFINITIONS = "ssyk-level-4-groups.json"
_SSYK_TYPES = {f"ssyk-level-{n}" for n in range(1, 5)}


def _field(path: Path, item: dict[str, Any], key: str, where: str) -> str:
    """Return a required non-empty string field of a JSON concept."""
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        # json.load keeps no line numbers; the item's position or owner locates it instead.
        raise TaxonomyFormatError(str(path), None, f"{where}: missing or empty {key!r}")
    return value.strip()


def _concept(path: Path, item: dict[str, Any], where: str, kind: ConceptKind) -> Concept:
    """Build a concept from a JobTech JSON object."""
    label = " ".join(_field(path, item, "preferred_label", where).split())
    concept = Concept(
        id=_field(path, item, "id", where), kind=kind, source=SOURCE, labels=[Label(label, LANG)]
    )
    code = item.get("ssyk_code_2012") or item.get("isco_code_08")
    concept.code = str(code) if code else None
    if isinstance(item.get("definition"), str) and item["definition"].strip():
        concept.definitions[LANG] = item["definition"].strip()
    return concept


def _hierarchy(path: Path) -> Iterator[Located]:
    """Yield SSYK levels 1-4 and occupation-names with their broader chain."""
    stack: list[tuple[dict[str, Any], str | None]] = [(c, None) for c in read_concepts_json(path)]
    index = 0
    while stack:
        item, parent = stack.pop()
        index += 1
        kind_name = item.get("type")
        if kind_name in _SSYK_TYPES:
            kind = ConceptKind.OCCUPATION_GROUP
        elif kind_name == "occupation-name":
            kind = ConceptKind.OCCUPATION
        else:
            raise TaxonomyFormatError(
                str(path), None, f"concept #{index}: unexpected type {kind_name!r}"
            )
        concept = _concept(path, item, f"concept #{index}", kind)
        yield str(path), None, concept
        if parent is not None:
            yield str(path), None, Relation(concept.id, RelationKind.BROADER, parent)
        narrower = item.get("narrower") or []
        if not isinstance(narrower, list):
            raise TaxonomyFormatError(str(path), None, f"{concept.id}: 'narrower' is not a list")
        stack.extend((child, concept.id) for child in reversed(narrower))


def _links(path: Path, key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (owner id, linked object) for each entry of each concept's ``key`` list."""
    for index, item in enumerate(read_concepts_json(path)):
        owner = _field(path, item, "id", f"concept #{index + 1}")
        links = item.get(key) or []
        if not isinstance(links, list) or not all(isinstance(x, dict) for x in links):
            raise TaxonomyFormatError(str(path), None, f"{owner}: {key!r} is not a list of objects")
        for link in links:
            yield owner, link


def _iter_located(path: str | Path) -> Iterator[Located]:
    """Yield every record with the file it came from."""
    root = Path(path)
    for name in (HIERARCHY, SKILLS, SSYK_SKILLS):
        if not (root / name).is_file():
            raise TaxonomyFormatError(str(root / name), None, "required JobTech file missing")
    ids: set[str] = set()

    def fresh(where: Path, concept: Concept) -> Located:
        if concept.id in ids:
            raise TaxonomyFormatError(str(where), None, f"duplicate concept id {concept.id}")
        ids.add(concept.id)
        return str(where), None, concept

    definitions: dict[str, str] = {}
    if (root / SSYK_DEFINITIONS).is_file():
        for item in read_concepts_json(root / SSYK_DEFINITIONS):
            if isinstance(item.get("definition"), str):
                definitions[str(item.get("id"))] = item["definition"].strip()
    for where, line, rec in _hierarchy(root / HIERARCHY):
        if isinstance(rec, Concept):
            if rec.id in definitions:
                rec.definitions.setdefault(LANG, definitions[rec.id])
            yield fresh(Path(where), rec)
        else:
            yield where, line, rec
    skills = root / SKILLS
    for index, item in enumerate(read_concepts_json(skills)):
        yield fresh(skills, _concept(skills, item, f"concept #{index + 1}", ConceptKind.SKILL))
    for owner, link in _links(root / SSYK_SKILLS, "related"):
        target = _field(root / SSYK_SKILLS, link, "id", f"a related skill of {owner}")
        yield str(root / SSYK_SKILLS), None, Relation(owner, RelationKind.ESSENTIAL_SKILL, target)
    yield from _isco(root, fresh)
    if (root / SUBSTITUTES).is_file():
        for owner, link in _links(root / SUBSTITUTES, "substitutes"):
            share = link.get("substitutability_percentage")
            if not isinstance(share, int | float) or not 0 <= share <= 100:
                msg = f"{owner}: substitutability_percentage must be 0-100, not {share!r}"
                raise TaxonomyFormatError(str(root / SUBSTITUTES), None, msg)
            target = _field(root / SUBSTITUTES, link, "id", f"a substitute of {owner}")
            rel = Relation(owner, RelationKind.SUBSTITUTABLE, target, share / 100)
            yield str(root / SUBSTITUTES), None, rel


def _isco(root: Path, fresh: Callable[[Path, Concept], Located]) -> Iterator[Located]:
    """Yield ISCO-4 groups and the SSYK-4 -> ISCO-4 EXACT_MATCH links, where the files exist."""
    isco: dict[str, Concept] = {}
    if (root / ISCO).is_file():
        for index, item in enumerate(read_concepts_json(root / ISCO)):
            where = f"concept #{index + 1}"
            concept = _concept(root / ISCO, item, where, ConceptKind.OCCUPATION_GROUP)
            concept.source = "isco"
            if concept.id in isco:
                raise TaxonomyFormatError(
                    str(root / ISCO), None, f"duplicate concept id {concept.id}"
                )
            isco[concept.id] = concept
    links: list[Located] = []
    if (root / SSYK_ISCO).is_file():
        for owner, link in _links(root / SSYK_ISCO, "related"):
            # The link file carries the ISCO group itself; use it where isco-level-4 lacks it.
            where = f"an ISCO group of {owner}"
            concept = _concept(root / SSYK_ISCO, link, where, ConceptKind.OCCUPATION_GROUP)
            concept.source = "isco"
            isco.setdefault(concept.id, concept)
            links.append(
                (str(root / SSYK_ISCO), None, Relation(owner, RelationKind.EXACT_MATCH, concept.id))
            )
    for concept in isco.values():
        yield fresh(root / ISCO, concept)
    yield from links


def iter_jobtech(path: str | Path) -> Iterator[Concept | Relation]:
    """Stream concepts and relations from a JobTech dataset folder (relation ends unchecked)."""
    for _, _, rec in _iter_located(path):
        yield rec


def load_jobtech(path: str | Path, *, dangling: Dangling = "error") -> Taxonomy:
    """Load and fully validate a JobTech dataset folder."""
    return check_relation_ends(_iter_located(path), dangling)
