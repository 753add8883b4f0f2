"""JobTech static-JSON loader on small hand-built datasets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from taxonomy.loaders.jobtech import iter_jobtech, load_jobtech
from taxonomy.model import Concept, ConceptKind, RelationKind, TaxonomyFormatError


def envelope(concepts: list[dict[str, Any]]) -> str:
    return json.dumps({"data": {"concepts": concepts}}, ensure_ascii=False)


def ssyk(level: int, cid: str, code: str, narrower: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": cid,
        "preferred_label": f"Grupp {code}",
        "ssyk_code_2012": code,
        "type": f"ssyk-level-{level}",
        "narrower": narrower,
    }


OCC_A = {"id": "occA", "preferred_label": "Svetsare", "type": "occupation-name"}
OCC_B = {"id": "occB", "preferred_label": "Plåtslagare", "type": "occupation-name"}
HIERARCHY = [
    ssyk(
        1,
        "s1",
        "7",
        [ssyk(2, "s2", "72", [ssyk(3, "s3", "721", [ssyk(4, "s4", "7212", [OCC_A, OCC_B])])])],
    )
]
SKILLS = [
    {"id": "k1", "preferred_label": "Svetsning", "type": "skill"},
    {"id": "k2", "preferred_label": "Rörsvetsning", "type": "skill"},
]
SSYK_SKILLS = [
    {
        "id": "s4",
        "preferred_label": "Grupp 7212",
        "type": "ssyk-level-4",
        "related": [{"id": "k1", "preferred_label": "Svetsning", "type": "skill"}],
    }
]
ISCO_LINKS = [
    {
        "id": "s4",
        "preferred_label": "Grupp 7212",
        "type": "ssyk-level-4",
        "related": [
            {
                "id": "i7212",
                "isco_code_08": "7212",
                "preferred_label": "Svetsare",
                "type": "isco-level-4",
            }
        ],
    }
]
SUBST = [
    {
        "id": "occA",
        "preferred_label": "Svetsare",
        "type": "occupation-name",
        "substitutes": [
            {"id": "occB", "preferred_label": "Plåtslagare", "substitutability_percentage": 75}
        ],
    }
]


@pytest.fixture
def jobtech_dir(tmp_path: Path) -> Path:
    files = {
        "the-ssyk-hierarchy-with-occupations.json": HIERARCHY,
        "skills.json": SKILLS,
        "ssyk-level-4-groups-with-related-skills.json": SSYK_SKILLS,
        "ssyk-level-4-with-related-isco-level-4-groups.json": ISCO_LINKS,
        "substitutability-relations-between-occupations.json": SUBST,
    }
    for name, concepts in files.items():
        (tmp_path / name).write_text(envelope(concepts), encoding="utf-8")
    return tmp_path


def test_loads_ssyk_tree_skills_and_links(jobtech_dir: Path) -> None:
    tax = load_jobtech(jobtech_dir)
    assert [tax[c].code for c in ("s1", "s2", "s3", "s4")] == ["7", "72", "721", "7212"]
    assert tax["s4"].kind is ConceptKind.OCCUPATION_GROUP and tax["s4"].source == "jobtech"
    assert tax.broader("s4") == ["s3"] and tax.broader("occA") == ["s4"]
    assert tax["occA"].kind is ConceptKind.OCCUPATION
    assert tax["k2"].preferred("sv") == "Rörsvetsning"
    assert tax.occupation_skills("s4") == [("k1", True)]
    assert tax.outgoing("s4", RelationKind.EXACT_MATCH)[0].target == "i7212"
    assert (tax["i7212"].code, tax["i7212"].source) == ("7212", "isco")
    (sub,) = tax.outgoing("occA", RelationKind.SUBSTITUTABLE)
    assert (sub.target, sub.weight) == ("occB", 0.75)


def test_optional_files_may_be_absent(jobtech_dir: Path) -> None:
    (jobtech_dir / "substitutability-relations-between-occupations.json").unlink()
    records = list(iter_jobtech(jobtech_dir))
    assert sum(isinstance(r, Concept) for r in records) == 9  # 4 SSYK, 2 names, 2 skills, 1 ISCO
    assert all(getattr(r, "kind", None) is not RelationKind.SUBSTITUTABLE for r in records)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("skills.json", '{"data": {"concepts": [', "bad JSON"),
        ("skills.json", '{"concepts": []}', "expected"),
        ("skills.json", envelope([*SKILLS, SKILLS[0]]), "duplicate"),
        ("skills.json", envelope([{"id": "k3", "type": "skill"}]), "preferred_label"),
        (
            "ssyk-level-4-groups-with-related-skills.json",
            envelope([{**SSYK_SKILLS[0], "related": [{"id": "nope"}]}]),
            "unknown concept nope",
        ),
        (
            "substitutability-relations-between-occupations.json",
            envelope([{**SUBST[0], "substitutes": [{"id": "occB"}]}]),
            "percentage",
        ),
    ],
)
def test_malformed_input_is_a_format_error(
    jobtech_dir: Path, name: str, text: str, message: str
) -> None:
    (jobtech_dir / name).write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyFormatError, match=message) as info:
        load_jobtech(jobtech_dir)
    assert info.value.path.endswith(name)


def test_wrong_encoding_is_a_format_error(jobtech_dir: Path) -> None:
    (jobtech_dir / "skills.json").write_bytes(envelope(SKILLS).encode("latin-1"))
    with pytest.raises(TaxonomyFormatError, match="UTF-8"):
        load_jobtech(jobtech_dir)


def test_required_file_missing(jobtech_dir: Path) -> None:
    (jobtech_dir / "skills.json").unlink()
    with pytest.raises(TaxonomyFormatError, match="required"):
        load_jobtech(jobtech_dir)
