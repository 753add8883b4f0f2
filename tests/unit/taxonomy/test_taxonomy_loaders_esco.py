"""ESCO CSV loader on small hand-built downloads."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from taxonomy.loaders.esco import iter_esco, load_esco
from taxonomy.model import ConceptKind, LabelKind, RelationKind, TaxonomyFormatError

SKILL = "http://data.europa.eu/esco/skill/"
OCC = "http://data.europa.eu/esco/occupation/"
ISCO = "http://data.europa.eu/esco/isco/"

SKILLS_EN = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,"
    "status,modifiedDate,scopeNote,definition,inScheme,description\n"
    f'KnowledgeSkillCompetence,{SKILL}s1,skill/competence,cross-sector,weld metal,"join metal\n'
    'fuse metal parts",weld metals,released,,,,,Join metal pieces.\n'
    f"KnowledgeSkillCompetence,{SKILL}s2,knowledge,sector-specific,metallurgy,,,released,,,,,\n"
    f"KnowledgeSkillCompetence,{SKILL}s3,,,forge iron ,,,released,,,,,\n"
)
SKILLS_SV = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,"
    "status,modifiedDate,scopeNote,definition,inScheme,description\n"
    f"KnowledgeSkillCompetence,{SKILL}s1,skill/competence,cross-sector,svetsa metall,,,"
    "released,,,,,\n"
)
OCCUPATIONS = (
    "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code\n"
    f"Occupation,{OCC}o1,0110,welder,metal welder,,released,,,,,,,0110.1\n"
)
ISCO_GROUPS = (
    "conceptType,conceptUri,code,preferredLabel,status,altLabels,inScheme,description\n"
    f"ISCOGroup,{ISCO}C0,0,Armed forces,released,,,\n"
    f"ISCOGroup,{ISCO}C0110,0110,Officers,released,,,\n"
)
SKILL_GROUPS = (
    "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
    "scopeNote,inScheme,description,code\n"
    f"SkillGroup,{SKILL}g1,metal work,,,released,,,,,S1\n"
)
BROADER_OCC = (
    "conceptType,conceptUri,broaderType,broaderUri\n"
    f"ISCOGroup,{ISCO}C0110,ISCOGroup,{ISCO}C0\n"
    f"Occupation,{OCC}o1,ISCOGroup,{ISCO}C0110\n"
)
BROADER_SKILL = (
    f"conceptType,conceptUri,broaderType,broaderUri\nKnowledgeSkillCompetence,{SKILL}s1,"
    f"SkillGroup,{SKILL}g1\n"
)
SKILL_SKILL = (
    "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n"
    f"{SKILL}s1,skill/competence,optional,knowledge,{SKILL}s2\n"
)
OCC_SKILL = (
    "occupationUri,relationType,skillType,skillUri\n"
    f"{OCC}o1,essential,skill/competence,{SKILL}s1\n"
    f"{OCC}o1,optional,knowledge,{SKILL}s2\n"
)


def write(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8, gzipped when the name ends in .gz."""
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


@pytest.fixture
def esco_dir(tmp_path: Path) -> Path:
    write(tmp_path / "skills_en.csv.gz", SKILLS_EN)
    write(tmp_path / "occupations_en.csv", OCCUPATIONS)
    write(tmp_path / "ISCOGroups_en.csv", ISCO_GROUPS)
    write(tmp_path / "skillGroups_en.csv", SKILL_GROUPS)
    write(tmp_path / "broaderRelationsOccPillar.csv", BROADER_OCC)
    write(tmp_path / "broaderRelationsSkillPillar.csv.gz", BROADER_SKILL)
    write(tmp_path / "skillSkillRelations.csv", SKILL_SKILL)
    write(tmp_path / "occupationSkillRelations.csv.gz", OCC_SKILL)
    return tmp_path


def test_loads_every_concept_kind_and_relation(esco_dir: Path) -> None:
    tax = load_esco(esco_dir)
    weld = tax[SKILL + "s1"]
    assert weld.kind is ConceptKind.SKILL and weld.source == "esco"
    assert weld.skill_type == "skill/competence" and weld.reuse_level == "cross-sector"
    assert [(lab.text, lab.kind) for lab in weld.labels] == [
        ("weld metal", LabelKind.PREFERRED),
        ("join metal", LabelKind.ALTERNATIVE),
        ("fuse metal parts", LabelKind.ALTERNATIVE),
        ("weld metals", LabelKind.HIDDEN),
    ]
    assert weld.definitions == {"en": "Join metal pieces."}
    assert tax[SKILL + "s3"].skill_type is None
    assert tax[SKILL + "s3"].preferred("en") == "forge iron"
    assert tax[OCC + "o1"].code == "0110"  # iscoGroup, leading zero kept
    assert tax[ISCO + "C0110"].kind is ConceptKind.OCCUPATION_GROUP
    assert tax[SKILL + "g1"].kind is ConceptKind.SKILL_GROUP
    assert tax[SKILL + "g1"].code == "S1"
    assert tax.occupation_skills(OCC + "o1") == [(SKILL + "s1", True), (SKILL + "s2", False)]
    assert tax.broader(OCC + "o1") == [ISCO + "C0110"]
    assert tax.broader(SKILL + "s1") == [SKILL + "g1"]
    assert tax.related(SKILL + "s2") == [SKILL + "s1"]


def test_merges_language_sets_by_uri(esco_dir: Path) -> None:
    write(esco_dir / "skills_sv.csv", SKILLS_SV)
    tax = load_esco(esco_dir)
    assert tax[SKILL + "s1"].preferred("sv") == "svetsa metall"
    assert tax[SKILL + "s1"].preferred("en") == "weld metal"
    assert sum(1 for _ in tax.skills()) == 3


def test_iter_streams_concepts_before_relations(esco_dir: Path) -> None:
    kinds = [type(rec).__name__ for rec in iter_esco(esco_dir)]
    assert kinds.index("Relation") > len(kinds) - kinds[::-1].index("Concept") - 1
    assert kinds.count("Relation") == 6


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("skills_en.csv.gz", "conceptUri,altLabels\nx,y\n", 1, "missing column"),
        ("skills_en.csv.gz", SKILLS_EN + f"K,{SKILL}s9,skill\n", 6, "expected 13 fields"),
        ("skills_en.csv.gz", SKILLS_EN + f"K,{SKILL}s1,,,again,,,,,,,,\n", 6, "duplicate"),
        ("skills_en.csv.gz", SKILLS_EN + 'K,"unterminated\n', 6, "broken CSV"),
        ("occupationSkillRelations.csv.gz", OCC_SKILL + f"{OCC}o1,core,x,{SKILL}s3\n", 4, "core"),
        ("occupationSkillRelations.csv.gz", OCC_SKILL + f"{OCC}o9,optional,x,{SKILL}s3\n", 4, "o9"),
        ("broaderRelationsOccPillar.csv", BROADER_OCC + f"O,{OCC}o1,O,{OCC}zz\n", 4, "unknown"),
    ],
)
def test_malformed_input_names_file_and_line(
    esco_dir: Path, name: str, text: str, line: int, message: str
) -> None:
    write(esco_dir / name, text)
    with pytest.raises(TaxonomyFormatError, match=message) as info:
        load_esco(esco_dir)
    assert info.value.path.endswith(name)
    assert info.value.line == line


def test_wrong_encoding_is_a_format_error(esco_dir: Path) -> None:
    (esco_dir / "occupations_en.csv").write_bytes(
        OCCUPATIONS.replace("welder", "sv\xe4ts").encode("latin-1")
    )
    with pytest.raises(TaxonomyFormatError, match="UTF-8"):
        load_esco(esco_dir)


def test_corrupt_gzip_is_a_format_error(esco_dir: Path) -> None:
    (esco_dir / "skills_en.csv.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(TaxonomyFormatError, match="cannot read"):
        load_esco(esco_dir)


def test_dangling_relations_can_be_skipped(esco_dir: Path) -> None:
    write(
        esco_dir / "occupationSkillRelations.csv.gz",
        OCC_SKILL + f"{OCC}gone,essential,x,{SKILL}s3\n",
    )
    tax = load_esco(esco_dir, dangling="skip")
    assert tax.incoming(SKILL + "s3", RelationKind.ESSENTIAL_SKILL) == []


def test_missing_skills_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyFormatError, match="skills_"):
        load_esco(tmp_path)


def test_v12_layout_with_per_language_relation_files(tmp_path: Path) -> None:
    # ESCO v1.2 adds label columns and a language suffix to the relation files, and repeats
    # them in every language set; the loader keeps one copy of each relation.
    write(tmp_path / "skills_en.csv", SKILLS_EN)
    write(tmp_path / "skills_sv.csv", SKILLS_SV)
    write(
        tmp_path / "occupations_en.csv",
        OCCUPATIONS.replace(",code\n", ",code,naceCode\n").replace("0110.1\n", "0110.1,\n"),
    )
    for lang in ("en", "sv"):
        write(
            tmp_path / f"occupationSkillRelations_{lang}.csv",
            "occupationUri,occupationLabel,relationType,skillType,skillUri,skillLabel\n"
            f"{OCC}o1,welder,essential,skill/competence,{SKILL}s1,weld metal\n",
        )
        write(
            tmp_path / f"broaderRelationsSkillPillar_{lang}.csv",
            "conceptType,conceptUri,conceptLabel,broaderType,broaderUri,broaderLabel\n"
            f"KnowledgeSkillCompetence,{SKILL}s3,forge iron,KnowledgeSkillCompetence,{SKILL}s1,x\n",
        )
    tax = load_esco(tmp_path)
    assert tax.occupation_skills(OCC + "o1") == [(SKILL + "s1", True)]
    assert tax.broader(SKILL + "s3") == [SKILL + "s1"]
    assert len(tax.relations) == 2
    assert tax[SKILL + "s1"].preferred("sv") == "svetsa metall"


def test_spreadsheet_exports_with_bom_and_crlf_load(esco_dir: Path) -> None:
    (esco_dir / "skills_en.csv.gz").unlink()
    data = "\ufeff" + SKILLS_EN.replace("\n", "\r\n")
    (esco_dir / "skills_en.csv").write_bytes(data.encode("utf-8"))
    tax = load_esco(esco_dir)
    assert tax[SKILL + "s1"].preferred("en") == "weld metal"
    assert {lab.text for lab in tax[SKILL + "s1"].labels} >= {"join metal", "fuse metal parts"}


def test_a_single_skills_file_loads_alone(esco_dir: Path) -> None:
    tax = load_esco(esco_dir / "skills_en.csv.gz")
    assert sum(1 for _ in tax.skills()) == 3 and not tax.relations
