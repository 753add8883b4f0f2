"""The evaluate command computes acc@1/acc@5 over distinct concepts and prints one JSON line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taxonomy.evaluate import evaluate, main
from taxonomy.normalise import Normaliser


def test_evaluate_counts_hits_at_one_and_five() -> None:
    normaliser = Normaliser.from_labels(
        [("a", "operate forklift", "en"), ("b", "operate crane", "en"), ("c", "bake bread", "en")]
    )
    cases = [
        {"text": "operate forklift", "lang": "en", "expected": "a", "noise": "clean"},
        # "operate crane" is the closer string, so "a" comes second: a hit at 5, not at 1.
        {"text": "operate", "lang": "en", "expected": "a", "noise": "reorder_drop"},
        {"text": "unrelated words", "lang": "en", "expected": "zzz", "noise": "typo+frame"},
    ]
    result = evaluate(normaliser, cases)
    assert result["n"] == 3
    assert result["acc1"] == pytest.approx(1 / 3, abs=1e-4)
    assert result["acc5"] == pytest.approx(2 / 3, abs=1e-4)
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    assert result["acc1_by_noise"]["clean"] == 1.0


def test_main_prints_one_json_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "skills.json").write_text(
        json.dumps(
            {"data": {"concepts": [{"id": "k1", "preferred_label": "Svetsning", "type": "skill"}]}}
        ),
        encoding="utf-8",
    )
    (tmp_path / "the-ssyk-hierarchy-with-occupations.json").write_text(
        '{"data": {"concepts": []}}', encoding="utf-8"
    )
    (tmp_path / "ssyk-level-4-groups-with-related-skills.json").write_text(
        '{"data": {"concepts": []}}', encoding="utf-8"
    )
    cases = tmp_path / "normalise.jsonl"
    cases.write_text(
        '{"id": "n1", "text": "svetsnng", "lang": "sv", "expected": "k1", "noise": "typo"}\n',
        encoding="utf-8",
    )
    assert main(["--jobtech", str(tmp_path), "--cases", str(cases)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    result = json.loads(out[0])
    assert result["acc1"] == 1.0 and result["n"] == 1
    assert {"acc5", "p50_ms", "p95_ms", "build_s"} <= result.keys()
