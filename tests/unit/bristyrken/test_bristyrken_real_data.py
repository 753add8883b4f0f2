"""AF's real Yrkesbarometer and 2024 job-ad files in ../shared/data read as documented."""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest

from taxonomy.bristyrken import (
    SKANE_LAN,
    SKANE_NORDOST,
    ShortageAssessment,
    iter_ads_csv,
    iter_ads_json,
    iter_barometer_csv,
    iter_barometer_json,
    match_ssyk4,
    read_barometer_names,
    read_region_ids,
)

# tests/unit/bristyrken/<this file>: parents[3] is the repository root; shared/ sits beside it.
DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"

pytestmark = pytest.mark.shared_data


def _require(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        if os.environ.get("REQUIRE_SHARED_DATA"):
            pytest.fail(f"{path} is required but missing")
        pytest.skip(f"../shared/data not found ({path}): real-data tests skipped")
    return path


@pytest.fixture(scope="module")
def barometer() -> list[ShortageAssessment]:
    folder = _require("af-yrkesbarometer-regional")
    regions = read_region_ids(folder / "region_name_id.json")
    names = read_barometer_names(folder / "yb_concept_id_names_derived.csv")
    return list(
        iter_barometer_json(
            folder / "barometer_regional.json", regions, period="2025-1", names=names
        )
    )


def test_barometer_has_166_skane_rows(barometer: list[ShortageAssessment]) -> None:
    assert len(barometer) == 3_638
    skane = [r for r in barometer if (r.area_kind, r.area_code) == ("lan", SKANE_LAN)]
    assert len(skane) == 166
    assert Counter(r.job_opportunities for r in skane) == {
        "stora": 69,
        "medelstora": 52,
        "små": 45,
    }
    assert {r.recruitment for r in barometer} == {None}
    # one occupation has only 8 län and no riket entry
    assert sum(r.area_kind == "riket" for r in barometer) == 165


def test_flattened_csv_says_the_same(barometer: list[ShortageAssessment]) -> None:
    path = _require("af-yrkesbarometer-regional", "barometer_regional_long.csv")
    from_csv = list(iter_barometer_csv(path, period="2025-1"))
    assert sorted(from_csv, key=repr) == sorted(barometer, key=repr)


def test_most_barometer_names_find_their_ssyk4() -> None:
    names = read_barometer_names(
        _require("af-yrkesbarometer-regional", "yb_concept_id_names_derived.csv")
    )
    flat = _require("jobtech-taxonomy", "derived_ssyk_hierarchy_flat.csv")
    with flat.open(encoding="utf-8", newline="") as handle:
        labels = {row["ssyk4_label"]: row["ssyk4_code"] for row in csv.DictReader(handle)}
    found = match_ssyk4(names.values(), labels)
    assert sum(code is not None for code in found.values()) >= 130
    assert found["Svetsare och gasskärare"] == "7212"
    assert found["Kockar"] == "5120"
    assert found["Servitörer"] == "5131"
    assert found["Lastbilsförare"] == "8332"
    assert found["Skötare"] == "5341"
    assert found["Uppfödare och skötare av lantbruksdjur"] != "5341"
    truncated = next(n for n in names.values() if n.startswith("Undersköterskor inom hemtjänst"))
    assert found[truncated] == "5321"


def test_ads_totals_in_skane_nordost() -> None:
    path = _require("af-ads-2024", "ads_2024_by_ssyk4_municipality.csv")
    totals: Counter[str] = Counter()
    rows = 0
    for count in iter_ads_csv(path, period="2024"):
        totals[count.kommunkod] += count.ads
        rows += 1
    assert rows == 44_219
    assert sum(totals.values()) == 697_030
    by_name = {SKANE_NORDOST[code]: totals[code] for code in SKANE_NORDOST}
    assert by_name.pop("Perstorp") > 0  # the data's README gives no total for Perstorp
    assert by_name == {
        "Kristianstad": 4_600,
        "Hässleholm": 2_853,
        "Osby": 791,
        "Hörby": 606,
        "Bromölla": 352,
        "Östra Göinge": 313,
    }


def test_raw_ads_json_matches_the_flattened_csv() -> None:
    flat = _require("af-ads-2024", "ads_2024_by_ssyk4_municipality.csv")
    with flat.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ssyk4_codes = {r["ssyk4_concept_id"]: r["ssyk_code_2012"] for r in rows}
    kommunkoder = {r["municipality_concept_id"]: r["kommunkod"] for r in rows}
    from_json = iter_ads_json(
        _require("af-ads-2024", "ssyk_kommun_annonser_2024.json"),
        period="2024",
        ssyk4_codes=ssyk4_codes,
        kommunkoder=kommunkoder,
    )
    assert sorted(from_json, key=repr) == sorted(iter_ads_csv(flat), key=repr)
