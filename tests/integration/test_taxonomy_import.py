"""Taxonomy imports are all-or-nothing, idempotent, and never delete concepts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.taxonomy_store.importer import import_taxonomy
from eportfolio.taxonomy_store.models import Concept, ConceptLabel, ConceptRelation
from taxonomy import Concept as TaxConcept
from taxonomy import ConceptKind, Label, LabelKind, Relation, RelationKind, Taxonomy
from taxonomy.seed import load_seed, seed_dir
from tests.conftest import shared_dir


def _tiny(*, extra: bool = True, renamed: bool = False) -> Taxonomy:
    tax = Taxonomy()
    tax.add(
        TaxConcept(
            "t:weld",
            ConceptKind.SKILL,
            "test",
            [Label("svetsa" if not renamed else "svetsning", "sv")],
        )
    )
    tax.add(
        TaxConcept(
            "t:tig",
            ConceptKind.SKILL,
            "test",
            [Label("TIG-svetsning", "sv"), Label("TIG welding", "en", LabelKind.ALTERNATIVE)],
        )
    )
    tax.add(TaxConcept("t:welder", ConceptKind.OCCUPATION, "test", [Label("svetsare", "sv")]))
    if extra:
        tax.add(TaxConcept("t:old", ConceptKind.SKILL, "test", [Label("gasvetsning", "sv")]))
    tax.relate(Relation("t:welder", RelationKind.ESSENTIAL_SKILL, "t:weld"))
    tax.relate(Relation("t:tig", RelationKind.RELATED, "t:weld"))
    return tax


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_first_import_adds_and_a_second_changes_nothing(db_session: Session) -> None:
    first = import_taxonomy(db_session, _tiny(), source="test", version="1")
    assert (first.added, first.changed, first.relations_added) == (4, 0, 2)
    again = import_taxonomy(db_session, _tiny(), source="test", version="1")
    assert not again.changed_anything and again.unchanged == 4


def test_new_version_updates_in_place_and_deprecates_what_vanished(db_session: Session) -> None:
    import_taxonomy(db_session, _tiny(), source="test", version="1")
    weld_id = db_session.scalar(select(Concept.id).where(Concept.uri == "t:weld"))
    summary = import_taxonomy(
        db_session, _tiny(extra=False, renamed=True), source="test", version="2"
    )
    assert (summary.added, summary.changed, summary.deprecated) == (0, 1, 1)
    weld = db_session.get(Concept, weld_id)
    assert weld is not None and weld.label("sv") == "svetsning"  # same row, new label
    old = db_session.scalar(select(Concept).where(Concept.uri == "t:old"))
    assert old is not None and old.status == "deprecated"  # kept: portfolios may point to it


def test_removed_relations_are_removed(db_session: Session) -> None:
    import_taxonomy(db_session, _tiny(), source="test", version="1")
    tax = _tiny()
    tax.relations = [r for r in tax.relations if r.kind is not RelationKind.RELATED]
    tax2 = Taxonomy.from_records([*tax.concepts.values(), *tax.relations])
    summary = import_taxonomy(db_session, tax2, source="test", version="2")
    assert summary.relations_removed == 1 and _count(db_session, ConceptRelation) == 1


def test_seed_taxonomy_imports_with_all_its_parts(db_session: Session) -> None:
    summary = import_taxonomy(db_session, load_seed(), source="seed", version="builtin")
    kinds = dict(
        db_session.execute(select(Concept.kind, func.count()).group_by(Concept.kind)).all()
    )
    assert kinds["occupation"] >= 40 and kinds["skill"] >= 400
    assert summary.relations_skipped == 0
    langs = set(db_session.scalars(select(ConceptLabel.lang)))
    assert {"sv", "en"} <= langs


def test_a_broken_file_changes_nothing(app: Flask, db_session: Session, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["taxonomy", "import", "seed"]).exit_code == 0
    before = (
        _count(db_session, Concept),
        _count(db_session, ConceptLabel),
        _count(db_session, ConceptRelation),
    )
    broken = tmp_path / "esco"
    broken.mkdir()
    (broken / "skills_en.csv").write_text("conceptType,conceptUri\nKnowledgeSkillCompetence,x\n")
    result = runner.invoke(args=["taxonomy", "import", "esco", str(broken)])
    assert result.exit_code != 0 and "nothing imported" in result.output
    assert "skills_en.csv" in result.output
    after = (
        _count(db_session, Concept),
        _count(db_session, ConceptLabel),
        _count(db_session, ConceptRelation),
    )
    assert after == before


def test_a_seed_copy_with_a_dangling_relation_imports_nothing(
    app: Flask, db_session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "seed"
    shutil.copytree(str(seed_dir()), folder)
    with (folder / "occupation_skills.csv").open("a", encoding="utf-8") as fh:
        fh.write("svetsare,no-such-skill,essential\n")
    from taxonomy import TaxonomyFormatError

    with pytest.raises(TaxonomyFormatError) as exc:
        load_seed(folder)
    assert exc.value.line is not None
    assert _count(db_session, Concept) == 0


@pytest.mark.slow
def test_real_esco_and_jobtech_import_twice_without_changes(db_session: Session) -> None:
    from taxonomy.loaders.esco import load_esco
    from taxonomy.loaders.jobtech import load_jobtech

    esco = load_esco(shared_dir("data", "esco-v1.1.1-en"), dangling="skip")
    jobtech = load_jobtech(shared_dir("data", "jobtech-taxonomy"))
    first = import_taxonomy(db_session, esco, source="esco", version="v1.1.1")
    assert first.added == len(esco.concepts)
    first_jt = import_taxonomy(db_session, jobtech, source="jobtech", version="2025")
    assert first_jt.added == len(jobtech.concepts)
    assert not import_taxonomy(db_session, esco, source="esco", version="v1.1.1").changed_anything
    assert not import_taxonomy(
        db_session, jobtech, source="jobtech", version="2025"
    ).changed_anything
    skills = db_session.scalar(
        select(func.count())
        .select_from(Concept)
        .where(Concept.source == "esco", Concept.kind == "skill")
    )
    assert skills == 13_896


def test_cli_import_reports_a_summary(app: Flask, db_session: Session) -> None:
    runner: CliRunner = app.test_cli_runner()
    first = runner.invoke(args=["taxonomy", "import", "seed"])
    assert first.exit_code == 0 and "added" in first.output
    second = runner.invoke(args=["taxonomy", "import", "seed"])
    assert "0 added, 0 changed, 0 deprecated" in second.output
    stats = runner.invoke(args=["taxonomy", "stats"])
    assert '"skill"' in stats.output


@pytest.mark.slow
def test_yrkesbarometer_and_ad_counts_import_with_ssyk_codes_found_by_name(
    app: Flask, db_session: Session
) -> None:
    from eportfolio.taxonomy_store.models import DemandCount, ShortageAssessment

    runner = app.test_cli_runner()
    jobtech = shared_dir("data", "jobtech-taxonomy")
    barometer = shared_dir("data", "af-yrkesbarometer-regional")
    ads = shared_dir("data", "af-ads-2024") / "ads_2024_by_ssyk4_municipality.csv"
    assert runner.invoke(args=["taxonomy", "import", "jobtech", str(jobtech)]).exit_code == 0
    result = runner.invoke(
        args=[
            "taxonomy",
            "import-bristyrken",
            str(barometer),
            "--format",
            "yrkesbarometer",
            "--period",
            "2025-1",
        ]
    )
    assert result.exit_code == 0, result.output
    skane = db_session.scalars(
        select(ShortageAssessment).where(ShortageAssessment.area_code == "12")
    ).all()
    assert sum(1 for a in skane if a.ssyk4) >= 120  # most names find their SSYK group
    # The barometer is finer than SSYK (Lastbilsförare and Fjärrbilsförare are both 8332):
    # each group's occupations become one assessment, named in full and listed by the import.
    merged = [a for a in skane if "+" in a.occupation_ref]
    assert merged and "8332: Fjärrbilsförare, Lastbilsförare (22 areas)" in result.output
    parts = sum(a.occupation_ref.count("+") + 1 for a in merged)
    assert len(skane) == 166 - parts + len(merged)  # every occupation of the file, once
    groups = [(a.ssyk4, a.area_kind, a.area_code, a.period) for a in skane if a.ssyk4]
    assert len(groups) == len(set(groups)), "one assessment per SSYK group, area and period"
    again = runner.invoke(
        args=[
            "taxonomy",
            "import-bristyrken",
            str(barometer),
            "--format",
            "yrkesbarometer",
            "--period",
            "2025-1",
        ]
    )
    assert "0 added, 0 updated" in again.output
    assert runner.invoke(args=["taxonomy", "import-demand", str(ads)]).exit_code == 0
    osby = db_session.scalar(
        select(func.sum(DemandCount.ads)).where(DemandCount.kommunkod == "1273")
    )
    assert osby == 791
