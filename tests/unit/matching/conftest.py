"""A small hand-built skill space: welding, warehouse and accounting skills."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from matching import (
    Evidence,
    Matcher,
    OccupationModel,
    OccupationProfile,
    Portfolio,
    PortfolioIndex,
    SkillClaim,
    SkillSpace,
)

SKILLS = [
    "weld",
    "weld-tig",
    "weld-mig",
    "read-drawings",
    "cut-metal",
    "grind",
    "drive-forklift",
    "stock",
    "lift",
    "pack",
    "accounting",
    "budget",
    "excel",
    "payroll",
]
EDGES = [
    ("weld-tig", "broader", "weld"),
    ("weld-mig", "broader", "weld"),
    ("cut-metal", "related", "weld"),
    ("accounting", "broader", "group:finance"),
    ("budget", "broader", "group:finance"),
    ("payroll", "broader", "group:finance"),
]
OCCUPATIONS = [
    OccupationProfile(
        "welder", "7212", ("weld", "read-drawings", "cut-metal", "grind"), ("weld-tig",)
    ),
    OccupationProfile("plater", "7213", ("cut-metal", "grind", "read-drawings"), ("weld",)),
    OccupationProfile("warehouse", "4321", ("drive-forklift", "stock", "lift", "pack"), ()),
    OccupationProfile("accountant", "2411", ("accounting", "budget", "excel", "payroll"), ()),
]


@pytest.fixture(scope="session")
def space() -> SkillSpace:
    return SkillSpace(cooccurrence=0.0).fit(SKILLS, EDGES, OCCUPATIONS)


@pytest.fixture(scope="session")
def model(space: SkillSpace) -> OccupationModel:
    return OccupationModel().fit(space)


def claims(*items: str | tuple[str, int, Evidence]) -> list[SkillClaim]:
    """Return claims; a bare skill id means level 3, documented."""
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(SkillClaim(item, 3, Evidence.DOCUMENTED))
        else:
            out.append(SkillClaim(*item))
    return out


@pytest.fixture
def build(space: SkillSpace, model: OccupationModel) -> Callable[..., Matcher]:
    """Return a function building a matcher over the given portfolios."""

    def make(portfolios: list[Portfolio], **params: float) -> Matcher:
        index = PortfolioIndex(space, model).fit(portfolios)
        return Matcher(**params).fit(index)

    return make
