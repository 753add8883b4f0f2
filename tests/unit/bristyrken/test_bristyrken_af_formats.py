"""AF's Yrkesbarometer and job-ad files are read in their raw JSON and flattened CSV shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taxonomy.bristyrken import (
    DemandCount,
    iter_ads_csv,
    iter_ads_json,
    iter_barometer_csv,
    iter_barometer_json,
    read_barometer_names,
    read_region_ids,
)
from taxonomy.model import TaxonomyFormatError

SKANE_ID = "CaRE_1nn_cSU"
RIKET_ID = "i46j_HmG_v64"


def _json(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def regions(tmp_path: Path) -> dict[str, tuple[str, str]]:
    path = _json(tmp_path, "regions.json", {"Skåne län": SKANE_ID, "Blekinge län": "DQZd"})
    return dict(read_region_ids(path))


def test_barometer_json(tmp_path: Path, regions: dict[str, tuple[str, str]]) -> None:
    data = {
        "svets": {RIKET_ID: ["stora", "vara oförändrad"], SKANE_ID: ["medelstora", "öka"]},
        "tom": {},
    }
    rows = list(
        iter_barometer_json(
            _json(tmp_path, "b.json", data),
            regions,  # type: ignore[arg-type]
            period="2025-1",
            names={"svets": "Svetsare och gasskärare"},
            ssyk4={"svets": "7212"},
        )
    )
    assert [(r.area_kind, r.area_code, r.job_opportunities, r.outlook_5y) for r in rows] == [
        ("riket", "00", "stora", "vara oförändrad"),
        ("lan", "12", "medelstora", "öka"),
    ]
    assert {(r.occupation_ref, r.occupation_label, r.ssyk4, r.recruitment) for r in rows} == {
        ("svets", "Svetsare och gasskärare", "7212", None)
    }


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ({"okänd": ["stora", "öka"]}, "unknown region concept 'okänd'"),
        ({SKANE_ID: ["jättestora", "öka"]}, "jobbmojligheter 'jättestora'"),
        ({SKANE_ID: ["stora", "växa"]}, "prognos 'växa'"),
        ({SKANE_ID: "stora"}, "expected [jobbmojligheter, prognos]"),
    ],
)
def test_barometer_json_errors_point_at_the_entry(
    tmp_path: Path, regions: dict[str, tuple[str, str]], entry: dict[str, object], words: str
) -> None:
    data = {"a": {RIKET_ID: ["små", "minska"]}, "b": entry}
    path = _json(tmp_path, "b.json", data)
    with pytest.raises(TaxonomyFormatError) as caught:
        list(iter_barometer_json(path, regions, period="2025-1"))  # type: ignore[arg-type]
    key_line = path.read_text(encoding="utf-8").splitlines().index('  "b": {') + 1
    assert caught.value.line == key_line + 1
    assert words in caught.value.message


def test_invalid_json_and_unknown_lan(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "a": {\n    "b": [1,\n}\n', encoding="utf-8")
    with pytest.raises(TaxonomyFormatError) as caught:
        list(iter_barometer_json(path, {}, period="2025-1"))
    assert caught.value.line == 4
    with pytest.raises(TaxonomyFormatError, match="unknown län 'Skåne'"):
        read_region_ids(_json(tmp_path, "r.json", {"Skåne": SKANE_ID}))


def test_barometer_long_csv(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    header = (
        "yb_concept_id,yb_name,region_concept_id,region_name,lan_code,jobbmojligheter,prognos_5ar"
    )
    lines = [
        header,
        f"svets,Svetsare,{RIKET_ID},Sverige (riket),00,stora,vara oförändrad",
        f"svets,Svetsare,{SKANE_ID},Skåne län,12,medelstora,öka",
        f"svets,Svetsare,{SKANE_ID},Skåne län,12,medel,öka",
    ]
    path.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    rows = list(iter_barometer_csv(path, period="2025-1", ssyk4={"svets": "7212"}))
    assert [(r.area_kind, r.area_code, r.ssyk4) for r in rows] == [
        ("riket", "00", "7212"),
        ("lan", "12", "7212"),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TaxonomyFormatError) as caught:
        list(iter_barometer_csv(path, period="2025-1"))
    assert (caught.value.line, "'medel'" in caught.value.message) == (4, True)
    with pytest.raises(TaxonomyFormatError, match="period"):
        list(iter_barometer_csv(path, period="våren"))


def test_barometer_names(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("yb_concept_id,yb_name,name_truncated\nx,Kockar,0\n", encoding="utf-8")
    assert read_barometer_names(path) == {"x": "Kockar"}


def test_ads_json_with_concept_mappings(tmp_path: Path) -> None:
    path = _json(tmp_path, "ads.json", {"g1": {"k1": 12, "k2": 0}, "g2": {"k1": 3}})
    rows = list(
        iter_ads_json(
            path,
            period="2024",
            ssyk4_codes={"g1": "5321", "g2": "8332"},
            kommunkoder={"k1": "1290", "k2": "1293"},
        )
    )
    assert rows == [
        DemandCount("5321", "1290", "2024", 12),
        DemandCount("5321", "1293", "2024", 0),
        DemandCount("8332", "1290", "2024", 3),
    ]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"g1": {"k1": 1}, "gX": {"k1": 2}}, "unknown SSYK-4 concept 'gX'"),
        ({"g1": {"k1": 1, "kX": 2}}, "unknown kommun concept 'kX'"),
        ({"g1": {"k1": 1, "k2": -2}}, "ads -2"),
        ({"g1": {"k1": 1, "k2": "två"}}, "ads 'två'"),
        ({"g1": {"k1": 1, "k2": True}}, "ads True"),
    ],
)
def test_ads_json_errors(tmp_path: Path, data: dict[str, object], words: str) -> None:
    path = _json(tmp_path, "ads.json", data)
    with pytest.raises(TaxonomyFormatError) as caught:
        list(
            iter_ads_json(
                path,
                period="2024",
                ssyk4_codes={"g1": "5321"},
                kommunkoder={"k1": "1290", "k2": "1293"},
            )
        )
    assert caught.value.line is not None and caught.value.line > 1
    assert words in caught.value.message


def test_ads_csv(tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    header = (
        "ssyk4_concept_id,ssyk_code_2012,ssyk_label,"
        "municipality_concept_id,kommunkod,kommun,lan_code,ads_2024"
    )
    path.write_text(
        f'{header}\ng,5321,"Undersköterskor, hemtjänst",k,1290,Kristianstad,12,69\n'
        f'g,5321,"Undersköterskor, hemtjänst",k,1290,Kristianstad,12,1\n',
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyFormatError) as caught:
        list(iter_ads_csv(path))
    assert (caught.value.line, "same ssyk4" in caught.value.message) == (3, True)
    assert next(iter_ads_csv(path)) == DemandCount("5321", "1290", "2024", 69)
    with pytest.raises(TaxonomyFormatError, match="missing column"):
        list(iter_ads_csv(path, period="2025"))
