"""Find the SSYK-4 code of an occupation name by its similarity to SSYK-4 labels.

Yrkesbarometern names its occupations in words close to, but not the same as, the SSYK 2012
labels ("Kockar" for "Kockar och kallskänkor", "Målare (med yrkesbevis)" for "Målare"). The
labels come in as a mapping so the function stays pure; JobTech's occupation names
(yrkesbenämningar) can be passed as extra labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz

_SSYK4 = re.compile(r"\d{4}")

_STOPWORDS = frozenset({"och", "inom", "av", "med", "i", "för", "samt", "flera", "fl", "m"})


def _name_key(name: str) -> str:
    # Barometer names drop "m.fl.", add "(med yrkesbevis)" and use "inom" where SSYK has a
    # comma; two are cut off inside a final "och" ("... äldreboende oc").
    name = re.sub(r"\(.*?(\)|$)", " ", name.casefold()).replace("m.fl.", " ")
    words = [w for w in re.findall(r"\w+", name) if w not in _STOPWORDS]
    if len(words) > 1 and words[-1] in ("o", "oc"):
        words.pop()
    return " ".join(words)


def _same_stem(word: str, other: str) -> bool:
    # Swedish inflects and compounds at the end of a word: "specialavdelningar" is
    # "specialavdelning", "civilingenjörer" is "civilingenjörsyrken", "controllrar" is
    # "controller", but "ingenjörer" is not "civilingenjörer".
    shared = next(
        (i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b), len(word)
    )
    shared = min(shared, len(other))
    return word == other or (shared >= 4 and shared >= 0.75 * min(len(word), len(other)))


def _name_score(query: str, label: str) -> float:
    # A barometer name is often a label with words left out or inflected differently
    # ("Kockar" for "Kockar och kallskänkor"): when each of its words has its stem in the
    # label, score how alike those words are. Otherwise only the whole names compared count,
    # so a short label inside a long name ("Skötare" in "Uppfödare och skötare av
    # lantbruksdjur") or one shared word ("maskinoperatörer") does not pass for a match.
    whole = float(fuzz.token_sort_ratio(query, label))
    label_words = label.split()
    best = []
    for word in query.split():
        alike = [fuzz.ratio(word, other) for other in label_words if _same_stem(word, other)]
        if not alike:
            return whole
        best.append(max(alike))
    return max(whole, sum(best) / len(best)) if best else whole


def match_ssyk4(
    names: Iterable[str],
    ssyk4_labels: Mapping[str, str],
    *,
    score_cutoff: float = 86.0,
    margin: float = 3.0,
) -> dict[str, str | None]:
    """Map occupation names to SSYK-4 codes by their similarity to labels (label -> code).

    A name gets a code only when that code's best label scores at least ``score_cutoff``
    and beats every other code's best label by ``margin``; otherwise it gets None. Passing
    JobTech's occupation names (yrkesbenämningar) as labels as well finds more codes.
    """
    codes_by_key: dict[str, set[str]] = {}
    keys_by_start: dict[str, set[str]] = {}
    for label, code in ssyk4_labels.items():
        key = _name_key(label)
        if not _SSYK4.fullmatch(code):
            raise ValueError(f"code {code!r} for {label!r} is not a 4-digit SSYK 2012 code")
        codes_by_key.setdefault(key, set()).add(code)
        for word in key.split():
            keys_by_start.setdefault(word[:4], set()).add(key)
    found: dict[str, str | None] = {}
    for name in names:
        query = _name_key(name)
        if len(codes_by_key.get(query, ())) == 1:
            found[name] = next(iter(codes_by_key[query]))  # the same words: no contest
            continue
        # A label that shares no word start with the name cannot come near the cutoff.
        near = set().union(*(keys_by_start.get(word[:4], set()) for word in query.split()))
        best: dict[str, float] = {}
        for key in near:
            for code in codes_by_key[key]:
                best[code] = max(best.get(code, 0.0), _name_score(query, key))
        ranked = [*sorted(best.values(), reverse=True), 0.0, 0.0]
        winner = max(best, key=best.__getitem__) if best else None
        confident = ranked[0] >= score_cutoff and ranked[0] - ranked[1] >= margin
        found[name] = winner if confident else None
    return found
