"""The matching engine: skill space, portfolio index, need search, explanations, reverse matching.

Pure numpy/scipy/scikit-learn; it never imports Flask, SQLAlchemy or ``eportfolio``.
"""

from matching.explain import Explanation, Match, SkillTerm, Status
from matching.index import PortfolioIndex
from matching.occupations import OccupationModel
from matching.records import Evidence, Need, NeedSkill, Portfolio, SkillClaim, cefr_level
from matching.reverse import Fit, Gap, Recommender
from matching.search import Matcher
from matching.space import Link, OccupationProfile, SkillSpace
from matching.text import TextVectoriser

__all__ = [
    "Evidence",
    "Explanation",
    "Fit",
    "Gap",
    "Link",
    "Match",
    "Matcher",
    "Need",
    "NeedSkill",
    "OccupationModel",
    "OccupationProfile",
    "Portfolio",
    "PortfolioIndex",
    "Recommender",
    "SkillClaim",
    "SkillSpace",
    "SkillTerm",
    "Status",
    "TextVectoriser",
    "cefr_level",
]
