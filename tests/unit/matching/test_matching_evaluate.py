"""The evaluation command on the real JobTech suite (skipped without ../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matching.evaluate import main

SHARED = Path(__file__).resolve().parents[3].parent / "shared"


@pytest.mark.shared_data
def test_jobtech_suite_meets_its_targets(capsys):
    data, cases = SHARED / "data" / "jobtech-taxonomy", SHARED / "eval" / "jobtech-sv"
    if not (data.is_dir() and cases.is_dir()):
        pytest.skip(f"../shared not found: {SHARED}")
    assert main(["--jobtech", str(data), "--cases", str(cases)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["search_ndcg10"] >= 0.88
    assert result["recommend_hit1"] >= 0.99
    assert set(result) >= {"search_p10", "recommend_hit5", "recommend_mrr"}
