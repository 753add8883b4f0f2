"""Load the real ESCO and JobTech downloads from ../shared/data and check their counts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from taxonomy.evaluate import evaluate
from taxonomy.loaders.esco import load_esco
from taxonomy.loaders.jobtech import load_jobtech
from taxonomy.model import ConceptKind, RelationKind, Taxonomy
from taxonomy.normalise import Normaliser

# tests/unit/taxonomy/<this file>: parents[3] is the repository root, whose parent holds shared/.
DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"

pytestmark = pytest.mark.shared_data


def _require(name: str) -> Path:
    path = DATA / name
    if not path.is_dir():
        pytest.skip(f"../shared/data not found: {path}")
    return path


@pytest.fixture(scope="module")
def esco() -> Taxonomy:
    return load_esco(_require("esco-v1.1.1-en"), dangling="skip")


@pytest.fixture(scope="module")
def jobtech() -> Taxonomy:
    return load_jobtech(_require("jobtech-taxonomy"))


def test_esco_counts(esco: Taxonomy) -> None:
    kinds = Counter(c.kind for c in esco.concepts.values())
    assert kinds[ConceptKind.SKILL] == 13_896
    assert kinds[ConceptKind.OCCUPATION] == 3_007
    assert kinds[ConceptKind.OCCUPATION_GROUP] == 619
    assert kinds[ConceptKind.SKILL_GROUP] == 640
    rels = Counter(r.kind for r in esco.relations)
    # 123,855 rows less the 67 of an occupation the download does not define.
    assert rels[RelationKind.ESSENTIAL_SKILL] + rels[RelationKind.OPTIONAL_SKILL] == 123_788
    assert rels[RelationKind.RELATED] == 5_899


def test_esco_keeps_leading_zero_isco_codes(esco: Taxonomy) -> None:
    assert "0110" in {c.code for c in esco.occupations()}


def test_jobtech_counts(jobtech: Taxonomy) -> None:
    assert sum(1 for _ in jobtech.skills()) == 6_657
    assert sum(1 for _ in jobtech.occupations()) == 2_412
    ssyk4 = [
        c
        for c in jobtech.of_kind(ConceptKind.OCCUPATION_GROUP)
        if c.source == "jobtech" and len(c.code or "") == 4
    ]
    assert len(ssyk4) == 400
    rels = Counter(r.kind for r in jobtech.relations)
    assert rels[RelationKind.ESSENTIAL_SKILL] == 17_517
    assert rels[RelationKind.EXACT_MATCH] == 565
    assert rels[RelationKind.SUBSTITUTABLE] == 8_324


EVAL = DATA.parent / "eval"


def _cases(suite: str, n: int) -> list[dict[str, str]]:
    path = EVAL / suite / "normalise.jsonl"
    if not path.is_file():
        pytest.skip(f"../shared/eval not found: {path}")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh][:n]


@pytest.mark.parametrize(("suite", "floor"), [("esco-en-hard", 0.88), ("jobtech-sv-hard", 0.93)])
def test_normaliser_on_real_hard_cases(
    suite: str, floor: float, esco: Taxonomy, jobtech: Taxonomy
) -> None:
    # A regression guard on a slice of the suite; the full figures come from taxonomy.evaluate.
    tax = esco if suite.startswith("esco") else jobtech
    result = evaluate(Normaliser.from_taxonomy(tax), _cases(suite, 300))
    assert result["acc1"] >= floor
