"""The two prefilters that pick which labels the word-level scorer looks at."""

from __future__ import annotations

from taxonomy.normalise.ngrams import GramIndex, grams
from taxonomy.normalise.words import WordIndex, deletions

DOCS = [["scala"], ["scale", "model"], ["manage", "content"], ["content", "marketing"], ["clay"]]


def test_grams_pad_words() -> None:
    assert grams(["ab"]) == [" ab", "ab "]
    assert grams(["a"]) == [" a "]


def test_gram_index_ranks_by_cosine() -> None:
    index = GramIndex(DOCS)
    assert list(index.top(["content", "marketing"], 2)) == [3, 2]
    assert index.scores(["zzzz"]).max() == 0.0
    assert len(index.top(["scale"], 50)) == len(DOCS)


def test_word_index_finds_one_edit_misspellings() -> None:
    idf = {"scala": 3.0, "scale": 2.0, "model": 1.0, "content": 1.5, "clay": 3.0}
    index = WordIndex(DOCS, idf)
    assert index.top(["sclaa"], 3, 1000)[0] == 0  # swapped letters
    assert set(index.top(["cntent"], 3, 1000)) == {2, 3}  # dropped letter
    assert index.top(["qqqqq"], 3, 1000) == []
    assert "sala" in deletions("scala")
