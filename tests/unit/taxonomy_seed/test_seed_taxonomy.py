"""The shipped seed taxonomy is complete enough to match people to Skåne Nordost's jobs."""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest

from taxonomy.model import Concept, ConceptKind, LabelKind, Relation, RelationKind, Taxonomy
from taxonomy.seed import iter_seed, load_seed

# tests/unit/taxonomy_seed/<this file>: parents[3] is the repository root; shared/ sits beside it.
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture(scope="module")
def seed() -> Taxonomy:
    return load_seed()


def _ssyk4(tax: Taxonomy, occupation_id: str) -> str | None:
    groups = [tax[g] for g in tax.broader(occupation_id) if g in tax]
    codes = [g.code for g in groups if g.kind is ConceptKind.OCCUPATION_GROUP]
    return codes[0] if codes else None


def test_counts_cover_the_region(seed: Taxonomy) -> None:
    kinds = Counter(c.kind for c in seed.concepts.values())
    assert kinds[ConceptKind.OCCUPATION] >= 40
    assert kinds[ConceptKind.SKILL] >= 400
    assert kinds[ConceptKind.SKILL_GROUP] >= 20
    assert kinds[ConceptKind.OCCUPATION_GROUP] >= 40


def test_ids_are_unique_prefixed_and_from_the_seed_source() -> None:
    concepts = [rec for rec in iter_seed() if isinstance(rec, Concept)]
    counts = Counter(c.id for c in concepts)
    assert [i for i, n in counts.items() if n > 1] == []
    assert all(c.id.startswith("seed:") and c.source == "seed" for c in concepts)


def test_every_skill_has_swedish_and_english_names_and_a_group(seed: Taxonomy) -> None:
    for skill in seed.skills():
        assert skill.preferred("sv") and skill.preferred("en"), skill.id
        groups = [seed[g].kind for g in seed.broader(skill.id)]
        assert groups == [ConceptKind.SKILL_GROUP], skill.id


def test_definitions_come_in_both_languages(seed: Taxonomy) -> None:
    defined = [c for c in seed.concepts.values() if c.definitions]
    assert all(set(c.definitions) == {"sv", "en"} for c in defined)
    assert sum(c.kind is ConceptKind.SKILL for c in defined) >= 50
    assert all(occ.definitions for occ in seed.occupations())


def test_preferred_skill_names_are_unambiguous(seed: Taxonomy) -> None:
    # Two skills with one name would make the normaliser pick between them at random.
    for lang in ("sv", "en"):
        names = Counter((s.preferred(lang) or "").casefold() for s in seed.skills())
        assert [n for n, k in names.items() if k > 1] == [], lang


def test_no_label_names_two_concepts(seed: Taxonomy) -> None:
    # A word that names both a skill and an occupation (or two skills) cannot be resolved
    # when a job ad or a CV uses it. An occupation may share its SSYK group's name.
    owners: dict[tuple[str, str], set[str]] = {}
    for concept in seed.concepts.values():
        if concept.kind is ConceptKind.OCCUPATION_GROUP:
            continue
        for label in concept.labels:
            owners.setdefault((label.lang, label.text.casefold()), set()).add(concept.id)
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}


def test_every_occupation_has_essential_skills_and_an_ssyk_group(seed: Taxonomy) -> None:
    for occ in seed.occupations():
        essential = [s for s, is_essential in seed.occupation_skills(occ.id) if is_essential]
        assert 8 <= len(essential) <= 20, occ.id
        assert len(seed.occupation_skills(occ.id)) > len(essential), f"{occ.id}: no optional"
        code = _ssyk4(seed, occ.id)
        assert code is not None and len(code) == 4 and code.isdigit(), occ.id
        group = seed[f"seed:ssyk:{code}"]
        assert group.preferred("sv") and group.preferred("en")


def test_no_relation_dangles(seed: Taxonomy) -> None:
    kinds = Counter(r.kind for r in seed.relations)
    assert kinds[RelationKind.RELATED] >= 100
    assert kinds[RelationKind.OPTIONAL_SKILL] > 0
    for rel in seed.relations:
        assert rel.source in seed and rel.target in seed, rel
    for rel in seed.relations:
        if rel.kind in (RelationKind.ESSENTIAL_SKILL, RelationKind.OPTIONAL_SKILL):
            assert seed[rel.source].kind is ConceptKind.OCCUPATION
            assert seed[rel.target].kind is ConceptKind.SKILL


def test_the_occupations_the_region_recruits_for_are_there(seed: Taxonomy) -> None:
    wanted = {
        "underskoterska": "5321", "vardbitrade": "5330", "personlig-assistent": "5343",
        "barnskotare": "5311", "svetsare": "7212", "cnc-operator": "7223",
        "industrielektriker": "7412", "underhallsmekaniker": "7233", "lastbilsforare": "8332",
        "bussforare": "8331", "truckforare": "8344", "lagerarbetare": "4322",
        "snickare": "7111", "betongarbetare": "7113", "vvs-montor": "7125",
        "elektriker": "7411", "malare": "7131", "anlaggningsarbetare": "7114",
        "forskollarare": "2343", "grundskollarare": "2341", "elevassistent": "5312",
        "fritidspedagog": "2342", "kock": "5120", "restaurangbitrade": "9412",
        "stadare": "9111", "hotellreceptionist": "4224", "systemutvecklare": "2512",
        "supporttekniker": "3512", "natverkstekniker": "3514", "butikssaljare": "5223",
        "kassapersonal": "5230", "lantbruksarbetare": "6121", "livsmedelsoperator": "8169",
        "slaktare-styckare": "7611", "bagare": "7612", "sjukskoterska": "2221",
        "ekonomiassistent": "4111", "kundtjanstmedarbetare": "4222",
        "fastighetsskotare": "5152", "frisor": "5141", "bilmekaniker": "7231",
    }  # fmt: skip
    assert {slug: _ssyk4(seed, f"seed:occ:{slug}") for slug in wanted} == wanted


def test_people_find_skills_by_the_words_they_use(seed: Taxonomy) -> None:
    def alternatives(skill_id: str) -> set[str]:
        labels = seed[skill_id].labels
        return {lab.text for lab in labels if lab.kind is LabelKind.ALTERNATIVE}

    assert "truckkort" in alternatives("seed:skill:kora-truck")
    assert seed["seed:skill:kora-truck"].preferred("sv") == "Köra motordriven truck"
    assert seed["seed:skill:b-korkort"].preferred("sv") == "B-körkort"
    assert "körkort" in alternatives("seed:skill:b-korkort")


def test_close_skills_are_linked_for_partial_credit(seed: Taxonomy) -> None:
    assert "seed:skill:tig-svetsning" in seed.related("seed:skill:mig-mag-svetsning")
    assert "seed:skill:mig-mag-svetsning" in seed.related("seed:skill:tig-svetsning")


def test_skills_are_shared_where_jobs_really_share_them(seed: Taxonomy) -> None:
    def needing(skill: str) -> set[str]:
        return {
            r.source for r in seed.incoming(f"seed:skill:{skill}", RelationKind.ESSENTIAL_SKILL)
        }

    assert {"seed:occ:underskoterska", "seed:occ:bagare"} <= needing("hygienrutiner")
    for transversal in ("svenska", "kundbemotande", "samarbete", "dokumentation"):
        assert len(needing(transversal)) >= 2, transversal
    assert seed["seed:skill:digital-kompetens"].reuse_level == "transversal"
    languages = list(seed.narrower("seed:skillgroup:sprak"))
    assert len(languages) >= 10


def test_iter_seed_yields_plain_records() -> None:
    records = list(iter_seed())
    assert all(isinstance(r, Concept | Relation) for r in records)
    assert len({r.id for r in records if isinstance(r, Concept)}) == len(load_seed())


@pytest.mark.shared_data
def test_seed_ssyk_codes_exist_in_the_jobtech_taxonomy(seed: Taxonomy) -> None:
    flat = SHARED_DATA / "jobtech-taxonomy" / "derived_ssyk_hierarchy_flat.csv"
    if not flat.is_file():
        if os.environ.get("REQUIRE_SHARED_DATA"):
            pytest.fail(f"{flat} is required but missing")
        pytest.skip(f"../shared/data not found ({flat}): SSYK cross-check skipped")
    with flat.open(encoding="utf-8", newline="") as handle:
        # AF merges some SSYK 2012 manager codes, so only its 400 codes count as existing.
        af_labels = {row["ssyk4_code"]: row["ssyk4_label"] for row in csv.DictReader(handle)}
    groups = list(seed.of_kind(ConceptKind.OCCUPATION_GROUP))
    assert [g.code for g in groups if g.code not in af_labels] == []
    assert [g.code for g in groups if g.preferred("sv") != af_labels[g.code or ""]] == []
