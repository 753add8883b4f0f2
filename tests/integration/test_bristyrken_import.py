"""Bristyrken imports leave one assessment per SSYK group, area and period, or import nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.taxonomy_store.models import ShortageAssessment

LONG_HEADER = (
    "yb_concept_id,yb_name,region_concept_id,region_name,lan_code,jobbmojligheter,prognos_5ar"
)
SKANE, RIKET = "CaRE_1nn_cSU,Skåne län,12", "i46j_HmG_v64,Sverige (riket),00"
# Two of Yrkesbarometern's occupations that the seed taxonomy's labels both put in SSYK 5152.
CARETAKER, TECHNICIAN = "ktz9_mTH_f64", "2Wvr_mdT_vg4"
BAROMETER = [
    f"{CARETAKER},Fastighetsskötare,{SKANE},små,öka",
    f"{TECHNICIAN},Fastighetstekniker,{SKANE},stora,vara oförändrad",
    f"{CARETAKER},Fastighetsskötare,{RIKET},medelstora,minska",
    f"{TECHNICIAN},Fastighetstekniker,{RIKET},små,minska",
]
PERIOD = "2031-1"  # the seed's own list is for 2025-1


@pytest.fixture
def seeded(app: Flask, db_session: Session) -> None:
    from eportfolio.demo.cli import load_seed_taxonomy

    with app.app_context():
        load_seed_taxonomy(db_session)
    db_session.flush()


def _import(app: Flask, tmp_path: Path, lines: list[str]) -> tuple[int, str]:
    folder = tmp_path / "barometer"
    folder.mkdir(exist_ok=True)
    (folder / "barometer_regional_long.csv").write_text(
        "\n".join([LONG_HEADER, *lines]) + "\n", encoding="utf-8"
    )
    args = ["taxonomy", "import-bristyrken", str(folder), "--format", "yrkesbarometer"]
    result = app.test_cli_runner().invoke(args=[*args, "--period", PERIOD])
    return result.exit_code, result.output


def _group(session: Session, area: str = "12") -> list[ShortageAssessment]:
    query = select(ShortageAssessment).where(
        ShortageAssessment.ssyk4 == "5152",
        ShortageAssessment.area_code == area,
        ShortageAssessment.period == PERIOD,
    )
    return list(session.scalars(query.order_by(ShortageAssessment.id)))


def _stored(session: Session, ref: str, label: str) -> None:
    session.add(
        ShortageAssessment(
            ssyk4="5152",
            occupation_ref=ref,
            occupation_label=label,
            area_kind="lan",
            area_code="12",
            period=PERIOD,
            job_opportunities="små",
            source="yrkesbarometer",
        )
    )
    session.flush()


def test_barometer_occupations_sharing_an_ssyk_group_become_one_assessment_and_say_so(
    app: Flask, db_session: Session, tmp_path: Path, seeded: None
) -> None:
    code, output = _import(app, tmp_path, BAROMETER)
    assert code == 0, output
    assert "5152: Fastighetsskötare, Fastighetstekniker (2 areas)" in output
    [skane] = _group(db_session)
    assert skane.occupation_ref == f"{TECHNICIAN}+{CARETAKER}"
    assert skane.occupation_label == "Fastighetsskötare / Fastighetstekniker"
    assert (skane.job_opportunities, skane.outlook_5y) == ("stora", "öka")
    [riket] = _group(db_session, "00")
    assert (riket.job_opportunities, riket.outlook_5y) == ("medelstora", "minska")
    again = _import(app, tmp_path, list(reversed(BAROMETER)))
    assert again == (0, again[1]) and "0 added, 0 updated" in again[1]


def test_the_twins_an_older_import_stored_are_replaced_by_the_merged_assessment(
    app: Flask, db_session: Session, tmp_path: Path, seeded: None
) -> None:
    _stored(db_session, CARETAKER, "Fastighetsskötare")
    _stored(db_session, TECHNICIAN, "Fastighetstekniker")
    code, output = _import(app, tmp_path, BAROMETER)
    assert code == 0, output
    assert "1 replaced by the merged or coded assessment" in output
    [skane] = _group(db_session)
    assert skane.occupation_ref == f"{TECHNICIAN}+{CARETAKER}"


def test_an_import_that_cannot_tell_stored_twins_apart_imports_nothing(
    app: Flask, db_session: Session, tmp_path: Path, seeded: None
) -> None:
    _stored(db_session, "manual:a", "Fastighetsskötare")
    _stored(db_session, "manual:b", "Fastighetsvärd")
    count = select(func.count()).select_from(ShortageAssessment)
    before = db_session.scalar(count)
    code, output = _import(app, tmp_path, BAROMETER)
    assert code == 1
    assert (
        "Nothing was imported: SSYK 5152 has 2 assessments for Skåne län in 2031-1 already "
        "(Fastighetsskötare, Fastighetsvärd)"
    ) in output
    assert db_session.scalar(count) == before  # not even the riket rows


def test_a_hand_made_list_with_one_ssyk_group_twice_imports_nothing(
    app: Flask, db_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(
        "ssyk4,occupation_label,area_kind,area_code,period,job_opportunities,outlook_5y,"
        "recruitment,occupation_ref\n"
        "7212,Svetsare,lan,12,2031-1,,,brist,seed:occ:svetsare\n"
        "7212,Gasskärare,lan,12,2031-1,,,balans,af:gasskarare\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["taxonomy", "import-bristyrken", str(path)])
    assert result.exit_code == 1
    assert "lista.csv:3: ssyk4 '7212' is on line 2 already" in result.output
    assert db_session.scalar(select(func.count()).select_from(ShortageAssessment)) == 0


def test_a_barometer_import_keeps_the_recruitment_situation_it_does_not_have(
    app: Flask, db_session: Session, tmp_path: Path, seeded: None
) -> None:
    """The file has no rekryteringssituation: a coordinator's "brist" is not emptied by it."""
    _stored(db_session, "manual:a", "Fastighetsskötare")
    _group(db_session)[0].recruitment = "brist"
    db_session.flush()
    code, output = _import(app, tmp_path, BAROMETER)
    assert code == 0, output
    [skane] = _group(db_session)
    assert (skane.recruitment, skane.job_opportunities) == ("brist", "stora")
