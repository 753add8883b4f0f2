"""Text folding, tokenising, stemming and CV sentence-frame detection for label matching."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import Stemmer  # PyStemmer (Snowball)

_TOKEN = re.compile(r"[^\W_]+[+#]*")
# Letters NFKD does not decompose but people type without their diacritics.
_TRANSLITERATE = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d"})
_STEMMERS = {
    "en": "english",
    "sv": "swedish",
    "da": "danish",
    "nb": "norwegian",
    "no": "norwegian",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "fi": "finnish",
    "nl": "dutch",
    "it": "italian",
    "pt": "portuguese",
}
NUMBER = "0"  # stands for any number in frame patterns

# Phrases people wrap around a skill in a CV or a form. They are language, not taxonomy:
# a token matching one of them at the start or end of a query weighs (almost) nothing.
# Frames chain ("in my last job" + "i had to"), so list the parts, not every sentence.
_PREFIXES = {
    "en": """skills; skill; key skills; competences; experience in; experience with;
        experience of; experienced in; experienced with; years of experience in; extensive
        experience in; good knowledge of; good knowledge in; solid knowledge of; strong
        knowledge of; basic knowledge of; knowledge of; knowledge in; worked with; working
        with; i worked with; i have worked with; i can; i am able to; able to; ability to;
        i know how to; know how to; in my last job; in my previous job; in my current job;
        in my last role; in my previous role; at work; i had to; i have to; my tasks included;
        my duties included; i have; i am good at;
        good at; skilled at; skilled in; experienced at; expert in; expertise in; proficient
        in; proficiency in; familiar with; competent in; responsible for; trained in;
        qualified in; certified in; background in; hands on experience with""",
    "sv": """kompetenser; kompetens; kunskaper; färdigheter; erfarenhet av; erfarenhet inom;
        lång erfarenhet av; har erfarenhet av; god kunskap inom; god kunskap om; god kunskap i;
        goda kunskaper i; goda kunskaper inom; goda kunskaper om; kunskap om; kunskap inom;
        kunskap i; kunskaper i; kunskaper inom; har jobbat med; har arbetat med; arbetat med;
        jobbat med; jag kan; kan; van vid; jag är van vid; utbildad inom; utbildad i;
        utbildning inom; jag behärskar; behärskar; certifierad inom; ansvarig för;
        jag har arbetat med; jag har jobbat med; mångårig erfarenhet av; erfarenhet från;
        kunnig inom; kunnig i; i mitt förra jobb; i mitt nuvarande jobb; på jobbet; jag har;
        mina arbetsuppgifter var""",
}
_SUFFIXES = {
    "en": """daily; every day; each day; on a daily basis; regularly; for 0 years; 0 years;
        0 yrs; 0 year; 0 yr; years; yrs""",
    "sv": """dagligen; varje dag; i 0 år; 0 år; år""",
}


def fold(text: str) -> str:
    """Casefold and strip diacritics, so "Vårdhygien" and "vardhygien" share one key."""
    if text.isascii():  # most labels: nothing to strip
        return text.casefold()
    text = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATE))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Return the folded word tokens of ``text``; punctuation separates, "c++"/"c#" survive."""
    return _TOKEN.findall(fold(text))


def key(text: str) -> str:
    """Return the punctuation- and diacritics-blind key of a label."""
    return " ".join(tokens(text))


@lru_cache(maxsize=16)
def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    name = _STEMMERS.get(lang.split("-")[0])
    return Stemmer.Stemmer(name) if name else None


def stems(words: Sequence[str], lang: str) -> list[str]:
    """Snowball-stem folded tokens; languages without a stemmer keep their tokens."""
    stemmer = _stemmer(lang)
    return list(stemmer.stemWords(list(words))) if stemmer else list(words)


def _phrases(spec: str) -> list[tuple[str, ...]]:
    found = {tuple(tokens(p)) for p in spec.split(";") if p.strip()}
    return sorted(found, key=len, reverse=True)  # longest first: strip the whole frame


@lru_cache(maxsize=16)
def _frames(lang: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    base = lang.split("-")[0]
    return _phrases(_PREFIXES.get(base, "")), _phrases(_SUFFIXES.get(base, ""))


def _matches(words: Sequence[str], phrase: tuple[str, ...]) -> bool:
    return len(words) == len(phrase) and all(
        p == w or (p == NUMBER and w.isdigit()) for p, w in zip(phrase, words, strict=True)
    )


def frame_mask(words: Sequence[str], lang: str) -> list[bool]:
    """Mark the tokens that belong to a sentence frame around the skill (True = frame)."""
    prefixes, suffixes = _frames(lang)
    start, end = 0, len(words)
    changed = True
    while changed and start < end:
        changed = False
        for phrase in prefixes:
            if end - start > len(phrase) and _matches(words[start : start + len(phrase)], phrase):
                start += len(phrase)
                changed = True
                break
        for phrase in suffixes:
            if end - start > len(phrase) and _matches(words[end - len(phrase) : end], phrase):
                end -= len(phrase)
                changed = True
                break
    return [not start <= i < end for i in range(len(words))]


@lru_cache(maxsize=16)
def frame_words(lang: str) -> frozenset[str]:
    """Return every word of the sentence frames of ``lang`` (never a skill on its own)."""
    prefixes, suffixes = _frames(lang)
    return frozenset(w for phrase in prefixes + suffixes for w in phrase if w != NUMBER)
