"""Fixtures over the hand-built skill space of ``matching_world``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from matching_world import EDGES, OCCUPATIONS, SKILLS

from matching import Matcher, OccupationModel, Portfolio, PortfolioIndex, SkillSpace


@pytest.fixture(scope="session")
def space() -> SkillSpace:
    return SkillSpace(cooccurrence=0.0).fit(SKILLS, EDGES, OCCUPATIONS)


@pytest.fixture(scope="session")
def model(space: SkillSpace) -> OccupationModel:
    return OccupationModel().fit(space)


@pytest.fixture
def build(space: SkillSpace, model: OccupationModel) -> Callable[..., Matcher]:
    """Return a function building a matcher over the given portfolios."""

    def make(portfolios: list[Portfolio], **params: float) -> Matcher:
        index = PortfolioIndex(space, model).fit(portfolios)
        return Matcher(**params).fit(index)

    return make
