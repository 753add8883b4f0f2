"""Text folding, tokenising, stemming and sentence-frame detection."""

from __future__ import annotations

import pytest

from taxonomy.text import fold, frame_mask, frame_words, key, stems, tokens


def test_fold_strips_case_and_diacritics() -> None:
    assert fold("Vårdhygien ÖVER Ärenden") == "vardhygien over arenden"
    assert fold("Smørrebrød Straße") == "smorrebrod strasse"


def test_tokens_split_on_punctuation_but_keep_language_names() -> None:
    words = tokens("human-robot (HRC), C++ & C#; R/3")
    assert words == ["human", "robot", "hrc", "c++", "c#", "r", "3"]
    assert key("  Sminkning,  Film/TV. ") == "sminkning film tv"


def test_stems_per_language() -> None:
    assert stems(["operating", "forklifts"], "en") == ["oper", "forklift"]
    assert stems(["industrirobotar"], "sv") == ["industrirobot"]
    assert stems(["palabras"], "xx") == ["palabras"]  # no stemmer: unchanged


@pytest.mark.parametrize(
    ("text", "lang", "content"),
    [
        ("I can operate forklift", "en", "operate forklift"),
        ("good knowledge of tax law (12 years)", "en", "tax law"),
        ("- carry out audits, 3 yrs", "en", "carry out audits"),
        ("in my last job I had to plan shifts every day", "en", "plan shifts"),
        ("har jobbat med svetsning dagligen", "sv", "svetsning"),
        ("Kompetenser: montering i 9 år", "sv", "montering"),
        ("kan", "sv", "kan"),  # a frame word alone is the content
        ("skills", "en", "skills"),
    ],
)
def test_frame_mask_keeps_the_skill(text: str, lang: str, content: str) -> None:
    words = tokens(text)
    mask = frame_mask(words, lang)
    assert " ".join(w for w, is_frame in zip(words, mask, strict=True) if not is_frame) == content


def test_frame_words() -> None:
    assert {"experience", "daily", "years"} <= frame_words("en")
    assert {"erfarenhet", "dagligen"} <= frame_words("sv")
    assert frame_words("xx") == frozenset()
