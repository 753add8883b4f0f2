"""Hand-kept bristyrken and demand CSVs are read, and every mistake names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxonomy.bristyrken import (
    BRISTYRKEN_COLUMNS,
    DemandCount,
    ShortageAssessment,
    iter_bristyrken_csv,
    iter_demand_csv,
)
from taxonomy.model import RelationKind, TaxonomyFormatError
from taxonomy.seed import load_seed, seed_dir

HEADER = ",".join(BRISTYRKEN_COLUMNS)
GOOD = "5321,Undersköterska,kommun,1290,2025-1,stora,öka,brist"


def _write(tmp_path: Path, *lines: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _error(path: Path, read: object = iter_bristyrken_csv) -> TaxonomyFormatError:
    with pytest.raises(TaxonomyFormatError) as caught:
        list(read(path))  # type: ignore[operator]
    assert caught.value.path == str(path)
    return caught.value


def test_the_shipped_template_reads() -> None:
    rows = list(iter_bristyrken_csv(seed_dir().joinpath("bristyrken_template.csv")))
    assert rows == [
        ShortageAssessment(
            "ssyk4:5321", "Undersköterska", "5321", "kommun", "1290", "2025-1",
            "stora", "öka", "brist",
        ),
        ShortageAssessment(
            "seed:occ:svetsare", "Svetsare", "7212", "lan", "12", "2025-1",
            "stora", "vara oförändrad", "brist",
        ),
    ]  # fmt: skip


def test_the_demo_list_covers_every_seed_occupation_in_skane() -> None:
    seed = load_seed()
    rows = list(iter_bristyrken_csv(seed_dir().joinpath("bristyrken_skne.csv")))
    in_skane = {r.occupation_ref for r in rows if (r.area_kind, r.area_code) == ("lan", "12")}
    assert in_skane == {occ.id for occ in seed.occupations()}
    for row in rows:
        group = seed.outgoing(row.occupation_ref, RelationKind.BROADER)[0].target
        assert seed[group].code == row.ssyk4, row
        assert row.area_kind == "lan" or row.area_code in {
            "1256", "1266", "1272", "1273", "1275", "1290", "1293",
        }  # fmt: skip
    brist = {r.occupation_ref.removeprefix("seed:occ:") for r in rows if r.recruitment == "brist"}
    assert {"underskoterska", "forskollarare", "svetsare", "lastbilsforare", "elektriker"} <= brist


def test_riket_needs_no_code_and_empty_enums_are_none(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER, "8332,,riket,,2025,,,brist")
    (row,) = iter_bristyrken_csv(path)
    assert (row.area_kind, row.area_code, row.occupation_label) == ("riket", "00", None)
    assert (row.job_opportunities, row.outlook_5y, row.recruitment) == (None, None, "brist")


def test_a_semicolon_file_from_swedish_excel_reads_like_a_comma_file(tmp_path: Path) -> None:
    """Excel with Swedish settings saves "CSV" with semicolons; the rows must be the same."""
    commas = list(iter_bristyrken_csv(_write(tmp_path, HEADER, GOOD, name="a.csv")))
    semi = _write(tmp_path, HEADER.replace(",", ";"), GOOD.replace(",", ";"), name="b.csv")
    assert list(iter_bristyrken_csv(semi)) == commas and commas[0].recruitment == "brist"


def test_comment_lines_above_the_header_keep_line_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path, "# demo", "# data", HEADER, GOOD, "5321,X,kommun,1290,2025-1,stor,,")
    assert _error(path).line == 5


@pytest.mark.parametrize(
    ("bad_row", "words"),
    [
        ("532,Undersköterska,kommun,1290,2025-1,stora,öka,brist", "ssyk4 '532'"),
        ("5321,Undersköterska,kommun,129,2025-1,stora,öka,brist", "area_code '129'"),
        ("5321,Undersköterska,lan,99,2025-1,stora,öka,brist", "2-digit län code"),
        ("5321,Undersköterska,region,12,2025-1,stora,öka,brist", "area_kind 'region'"),
        ("5321,Undersköterska,kommun,1290,vår 2025,stora,öka,brist", "period 'vår 2025'"),
        ("5321,Undersköterska,kommun,1290,2025-1,stor,öka,brist", "job_opportunities 'stor'"),
        ("5321,Undersköterska,kommun,1290,2025-1,stora,ökar,brist", "outlook_5y 'ökar'"),
        ("5321,Undersköterska,kommun,1290,2025-1,stora,öka,bristyrke", "recruitment"),
        ("5321,Undersköterska,kommun,1290,2025-1,,,", "fill in"),
        (GOOD, "same occupation, area and period as line 2"),
    ],
)
def test_bad_values_name_their_line(tmp_path: Path, bad_row: str, words: str) -> None:
    error = _error(_write(tmp_path, HEADER, GOOD, bad_row))
    assert error.line == 3
    assert words in error.message


def test_two_occupations_of_one_ssyk_group_in_one_area_and_period_name_both_lines(
    tmp_path: Path,
) -> None:
    """Matching joins on the code, and the form keeps one: the second line is the mistake."""
    header = HEADER + ",occupation_ref"
    error = _error(
        _write(
            tmp_path,
            header,
            "8332,Lastbilsförare,lan,12,2025-1,stora,,,seed:occ:lastbilsforare",
            GOOD + ",",
            "8332,Fjärrbilsförare,lan,12,2025-1,medelstora,,,af:fjarrbil",
        )
    )
    assert error.line == 4
    assert error.message.startswith("ssyk4 '8332' is on line 2 already for this area and period")
    # Another area or period is another assessment.
    rows = _write(
        tmp_path,
        header,
        "8332,Lastbilsförare,lan,12,2025-1,stora,,,seed:occ:lastbilsforare",
        "8332,Fjärrbilsförare,kommun,1290,2025-1,medelstora,,,af:fjarrbil",
        "8332,Fjärrbilsförare,lan,12,2026-1,medelstora,,,af:fjarrbil",
        name="other.csv",
    )
    assert len(list(iter_bristyrken_csv(rows))) == 3


def test_missing_column(tmp_path: Path) -> None:
    header = HEADER.replace(",recruitment", "")
    error = _error(_write(tmp_path, header, "5321,X,kommun,1290,2025-1,stora,öka"))
    assert (error.line, error.message) == (1, "missing column(s): recruitment")


def test_file_saved_in_latin1(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\n{GOOD}\n".encode("latin-1"))
    error = _error(path)
    assert (error.line, "UTF-8" in error.message) == (2, True)


def test_demand_template_reads() -> None:
    rows = list(iter_demand_csv(seed_dir().joinpath("demand_template.csv")))
    assert rows[0] == DemandCount("5321", "1290", "2024", 69)
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("bad_row", "words"),
    [
        ("5321,1290,2024,-3", "ads '-3'"),
        ("5321,1290,2024,många", "ads 'många'"),
        ("5321,129,2024,3", "a 4-digit kommunkod"),
        ("53210,1290,2024,3", "ssyk4 '53210'"),
        ("5321,1290,2024,7", "same ssyk4, kommunkod and period as line 2"),
    ],
)
def test_bad_demand_rows_name_their_line(tmp_path: Path, bad_row: str, words: str) -> None:
    path = _write(tmp_path, "ssyk4,kommunkod,period,ads", "5321,1290,2024,69", bad_row)
    error = _error(path, iter_demand_csv)
    assert (error.line, words in error.message) == (3, True), error.message


def test_demand_missing_column_and_bad_bytes(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, "ssyk4,kommun,period,ads", "5321,1290,2024,1"), iter_demand_csv)
    assert (error.line, error.message) == (1, "missing column(s): kommunkod")
    path = tmp_path / "cp1252.csv"
    path.write_bytes("ssyk4,kommunkod,period,ads\n5321,1290,2024,1\n# Höör\n".encode("cp1252"))
    assert _error(path, iter_demand_csv).line == 3
