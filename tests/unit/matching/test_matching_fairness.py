"""Protected and personal fields are never inputs to a score."""

from __future__ import annotations

from matching import Need, NeedSkill, Portfolio

BASE = {
    "skills": [
        {"skill": "weld", "level": 3, "evidence": "validated"},
        {"skill": "cut-metal", "level": 2, "evidence": "self"},
    ],
    "languages": {"sv": "C1", "ar": "C2"},
    "municipality": "1290",
    "experience_text": "Svetsare på verkstad, MIG och TIG",
}
PERSONAL = [
    {
        "name": "Anna Svensson",
        "age": 24,
        "gender": "female",
        "origin": "Sverige",
        "email": "anna@example.se",
        "phone": "070-1234567",
        "about_me": "Jag gillar att rida.",
    },
    {
        "name": "Mohammed Al-Hassan",
        "age": 61,
        "gender": "male",
        "origin": "Syrien",
        "email": "m@example.com",
        "phone": "+46 70 765 43 21",
        "about_me": "Pappa till tre.",
    },
]


def test_changing_personal_fields_leaves_scores_identical(build):
    need = Need(
        [NeedSkill("weld", 2), NeedSkill("read-drawings"), NeedSkill("grind", must=False)],
        occupation="welder",
        languages={"sv": 4},
        municipality="1293",
        text="svetsare MIG",
    )
    scores = []
    for personal in PERSONAL:
        portfolio = Portfolio.from_mapping({"id": 5, **BASE, **personal})
        other = Portfolio.from_mapping({"id": 6, **BASE, "skills": BASE["skills"][:1], **personal})
        matcher = build([portfolio, other])
        found = matcher.search(need, k=2)
        scores.append([(m.portfolio_id, m.score, m.explanation) for m in found])
    assert scores[0] == scores[1]
