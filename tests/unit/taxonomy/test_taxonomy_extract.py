"""Extractor: concepts a job ad or CV paragraph mentions, with spans into the original text."""

from __future__ import annotations

import pytest

from taxonomy.extract import Mention, extract
from taxonomy.normalise import Normaliser

LABELS = [
    ("forklift", "operate forklift", "en"),
    ("safety", "health and safety regulations", "en"),
    ("excel", "Microsoft Office Excel", "en"),
    ("drawings", "technical drawings", "en"),
    ("weld", "welding", "en"),
    ("team", "work in a team", "en"),
    ("demens", "Demensvård", "sv"),
    ("svets", "MAG/MIG-svetsning", "sv"),
    ("c", "C, programmeringsspråk", "sv"),
    ("befal", "Fartygsbefäl klass VIII (behörighet)", "sv"),
]


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser.from_labels(LABELS)


def spans(text: str, mentions: list[Mention]) -> dict[str, str]:
    return {m.concept_id: text[m.start : m.end] for m in mentions}


def test_finds_labels_in_a_job_ad_with_exact_spans(normaliser: Normaliser) -> None:
    ad = (
        "We need a Welder!\nYou will operate forklifts daily and read Technical Drawings; "
        "knowledge of health & safety regulations is required."
    )
    found = extract(normaliser, ad, "en")
    assert spans(ad, found) == {
        "forklift": "operate forklifts",
        "drawings": "Technical Drawings",
        "safety": "health & safety regulations",
    }
    assert [m.start for m in found] == sorted(m.start for m in found)
    assert all(0.8 <= m.score <= 1.0 for m in found)


def test_spans_do_not_overlap_and_frames_stay_outside(normaliser: Normaliser) -> None:
    text = "Experience in Microsoft Office Excel, 5 years."
    (mention,) = extract(normaliser, text, "en")
    assert mention.concept_id == "excel"
    assert text[mention.start : mention.end] == "Microsoft Office Excel"
    # A dropped word lowers the score: below the default floor, above a lower one.
    assert extract(normaliser, "Experience in Microsoft Excel.", "en") == []
    (loose,) = extract(normaliser, "Experience in Microsoft Excel.", "en", min_score=0.8)
    assert (loose.concept_id, loose.start, loose.end) == ("excel", 14, 29)


def test_swedish_text_with_diacritics_and_commas(normaliser: Normaliser) -> None:
    text = "Erfarenhet av demensvård. Meriterande: svetsning MIG/MAG och C, programmeringsspråk."
    found = spans(text, extract(normaliser, text, "sv"))
    assert found["demens"] == "demensvård"
    assert found["svets"] == "svetsning MIG/MAG"
    assert found["c"] == "C, programmeringsspråk"


def test_distinct_false_keeps_every_mention(normaliser: Normaliser) -> None:
    text = "Operate forklift. Then operate forklift again."
    assert len(extract(normaliser, text, "en")) == 1
    assert len(extract(normaliser, text, "en", distinct=False)) == 2


def test_min_score_filters_weak_matches(normaliser: Normaliser) -> None:
    text = "We like teamwork and good weather."
    assert extract(normaliser, text, "en", min_score=0.99) == []


def test_empty_text(normaliser: Normaliser) -> None:
    assert extract(normaliser, "", "en") == []
    assert extract(normaliser, " .;\n", "en") == []


def test_a_label_with_brackets_is_one_span(normaliser: Normaliser) -> None:
    text = "Krav: Fartygsbefäl klass VIII (behörighet) och 3 års erfarenhet."
    (mention,) = extract(normaliser, text, "sv")
    assert text[mention.start : mention.end] == "Fartygsbefäl klass VIII (behörighet)"
    assert mention.concept_id == "befal" and mention.score == 1.0


def test_short_acronym_labels_do_not_match_ordinary_words() -> None:
    from taxonomy import Concept, ConceptKind, Label, LabelKind, Taxonomy
    from taxonomy.extract import extract
    from taxonomy.normalise import Normaliser

    tax = Taxonomy()
    tax.add(
        Concept(
            "s:ar",
            ConceptKind.SKILL,
            "test",
            [Label("Kundreskontra", "sv"), Label("AR", "sv", LabelKind.ALTERNATIVE)],
        )
    )
    tax.add(Concept("s:b", ConceptKind.SKILL, "test", [Label("B-körkort", "sv")]))
    normaliser = Normaliser.from_taxonomy(tax)
    found = extract(normaliser, "B-körkort är ett krav, AR är ett plus.")
    assert [(m.concept_id, m.label) for m in found] == [("s:b", "B-körkort"), ("s:ar", "AR")]
