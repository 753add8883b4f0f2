"""A mistake in a hand-edited seed file is reported with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxonomy.model import TaxonomyFormatError
from taxonomy.seed import load_seed, seed_dir

SEED_FILES = (
    "skill_groups.csv",
    "ssyk_groups.csv",
    "skills.csv",
    "occupations.csv",
    "occupation_skills.csv",
    "relations.csv",
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in SEED_FILES:
        (tmp_path / name).write_bytes(seed_dir().joinpath(name).read_bytes())
    return tmp_path


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _append(path: Path, line: str) -> int:
    """Append one line and return its line number."""
    lines = _lines(path)
    path.write_text("".join(lines) + line + "\n", encoding="utf-8")
    return len(lines) + 1


def _fails_at(folder: Path, name: str, line: int | None, words: str) -> None:
    with pytest.raises(TaxonomyFormatError) as caught:
        load_seed(folder)
    assert caught.value.path.endswith(name)
    assert caught.value.line == line
    assert words in caught.value.message


def test_a_copy_of_the_shipped_files_loads(folder: Path) -> None:
    assert len(load_seed(folder)) == len(load_seed())


def test_duplicate_skill_id(folder: Path) -> None:
    line = _append(folder / "skills.csv", "svetsning-metall-x,generella,X,X,,,,")
    assert load_seed(folder)  # a fresh id is fine
    line = _append(folder / "skills.csv", "kora-truck,generella,Y,Y,,,,")
    _fails_at(folder, "skills.csv", line, "duplicate id 'seed:skill:kora-truck'")


def test_skill_in_unknown_group(folder: Path) -> None:
    line = _append(folder / "skills.csv", "ny-skill,okand-grupp,Ny,New,,,,")
    _fails_at(folder, "skills.csv", line, "unknown skill group")


def test_occupation_needing_unknown_skill(folder: Path) -> None:
    line = _append(folder / "occupation_skills.csv", "svetsare,flygplansmontage,essential")
    _fails_at(folder, "occupation_skills.csv", line, "unknown skill 'seed:skill:flygplansmontage'")


def test_occupation_skill_kind_must_be_known(folder: Path) -> None:
    line = _append(folder / "occupation_skills.csv", "svetsare,python,nice-to-have")
    _fails_at(folder, "occupation_skills.csv", line, "'essential' or 'optional'")


def test_occupation_in_unknown_ssyk_group(folder: Path) -> None:
    line = _append(folder / "occupations.csv", "pilot,3153,Pilot,Pilot,,,,")
    _fails_at(folder, "occupations.csv", line, "unknown SSYK-4 group 'seed:ssyk:3153'")


def test_ssyk_code_must_have_four_digits(folder: Path) -> None:
    line = _append(folder / "ssyk_groups.csv", "315,Piloter,Pilots")
    _fails_at(folder, "ssyk_groups.csv", line, "not a 4-digit")


def test_relation_to_unknown_id(folder: Path) -> None:
    line = _append(folder / "relations.csv", "seed:skill:python,related,seed:skill:cobol")
    _fails_at(folder, "relations.csv", line, "unknown id 'seed:skill:cobol'")


def test_relation_written_both_ways(folder: Path) -> None:
    line = _append(
        folder / "relations.csv", "seed:skill:tig-svetsning,related,seed:skill:mig-mag-svetsning"
    )
    _fails_at(folder, "relations.csv", line, "duplicate relation")


def test_relation_kind_must_be_known(folder: Path) -> None:
    line = _append(folder / "relations.csv", "seed:skill:python,likes,seed:skill:java")
    _fails_at(folder, "relations.csv", line, "kind 'likes'")


def test_missing_english_label(folder: Path) -> None:
    line = _append(folder / "skills.csv", "cobol,it-utveckling,COBOL,,,,,")
    _fails_at(folder, "skills.csv", line, "'label_en' is empty")


def test_missing_column(folder: Path) -> None:
    path = folder / "skills.csv"
    lines = _lines(path)
    path.write_text(
        lines[0].replace(",label_en", ",label_english") + "".join(lines[1:]), encoding="utf-8"
    )
    _fails_at(folder, "skills.csv", 1, "missing column(s): label_en")


def test_file_not_in_utf8(folder: Path) -> None:
    path = folder / "occupations.csv"
    lines = _lines(path)
    # A spreadsheet saving as Windows-1252 turns "Målare" into bytes that are not UTF-8.
    path.write_bytes("".join(lines[:5]).encode() + "malare-2,7131,Målare,P,,,,\n".encode("cp1252"))
    _fails_at(folder, "occupations.csv", 6, "not valid UTF-8")


def test_slug_must_be_readable(folder: Path) -> None:
    line = _append(folder / "skill_groups.csv", "Stora Bokstäver,X,X")
    _fails_at(folder, "skill_groups.csv", line, "must be lower-case")


def test_multiline_definition_keeps_line_numbers(folder: Path) -> None:
    path = folder / "skills.csv"
    _append(path, 'ny-skill,generella,Ny,New,,,"rad ett\nrad två",')
    line = _append(path, "annan-skill,saknad-grupp,A,B,,,,")
    _fails_at(folder, "skills.csv", line, "unknown skill group")
