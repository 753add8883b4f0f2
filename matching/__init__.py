"""The matching engine: skill space, portfolio index, need search, explanations, reverse matching.

Pure numpy/scipy/scikit-learn; it never imports Flask, SQLAlchemy or ``eportfolio``.

Once per taxonomy version::

    space = SkillSpace.from_taxonomy(tax)          # or SkillSpace().fit(ids, edges, profiles)
    model = OccupationModel().fit(space)

Once per worker, then one call per portfolio change::

    index = PortfolioIndex(space, model, TextVectoriser()).fit(portfolios)   # or fit_arrays(...)
    index.add(portfolio); index.update(portfolio); index.remove(portfolio_id)

Employer side::

    matcher = Matcher().fit(index)
    matcher.search(need, k=20)  -> [Match(portfolio_id, score 0..100, Explanation)]
    matcher.explain(need, [portfolio_id, ...]) -> [Explanation]

Learner side::

    rec = Recommender().fit(matcher)
    rec.occupations(portfolio)                 # -> [Fit] with gaps
    rec.needs(portfolio, {key: need})
    rec.bristyrken(portfolio, {occupation_id: shortage 0..1})
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
