"""Stored occupation fits: a worker's start reads them, and never trusts a stale one."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from eportfolio.matching_index.engine import Engine, build, empty_index
from eportfolio.matching_index.loading import store_fits
from eportfolio.matching_index.models import OccupationFit
from eportfolio.portfolios.models import Portfolio, SkillClaim
from matching import OccupationModel


def fits(engine: Engine) -> dict[int, list[tuple[int, float]]]:
    """Return each indexed portfolio's (occupation, fit) pairs."""
    index, out = engine.index, {}
    for pid, row in index.row_of_.items():
        _, occ, prob = index.occupation_fit_.of_rows([row])
        out[pid] = sorted(zip(occ.tolist(), prob.tolist(), strict=True))
    return out


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many portfolios each occupation-fit computation covers."""
    sizes: list[int] = []
    original = OccupationModel.posterior_top

    def counting(self: OccupationModel, x: Any, *args: Any, **kwargs: Any) -> Any:
        sizes.append(x.shape[0])
        return original(self, x, *args, **kwargs)

    monkeypatch.setattr(OccupationModel, "posterior_top", counting)
    return sizes


def test_a_start_reads_stored_fits_and_recomputes_only_changed_skills(
    db_session: Session, demo: dict[str, Any], computed: list[int]
) -> None:
    from eportfolio.regional.demo import scale

    scale(db_session, 80)
    db_session.flush()
    fresh = build(db_session)
    assert sum(computed) == len(fresh.index)  # nothing stored yet: every fit computed

    counts = store_fits(db_session, empty_index(db_session))
    assert counts["portfolios"] == len(fresh.index) and counts["written"] > len(fresh.index)
    computed.clear()
    assert fits(build(db_session)) == fits(fresh)
    assert sum(computed) == 0  # all read

    # One learner adds a skill: only that portfolio's stored fits no longer hold.
    claim = db_session.scalars(select(SkillClaim).order_by(SkillClaim.id)).first()
    assert claim is not None
    other = db_session.scalar(
        select(SkillClaim.concept_id)
        .where(SkillClaim.portfolio_id != claim.portfolio_id)
        .where(
            SkillClaim.concept_id.not_in(
                select(SkillClaim.concept_id).where(SkillClaim.portfolio_id == claim.portfolio_id)
            )
        )
        .limit(1)
    )
    db_session.add(
        SkillClaim(portfolio_id=claim.portfolio_id, concept_id=other, level=2, text_as_typed="x")
    )
    db_session.flush()
    computed.clear()
    changed = build(db_session)
    assert sum(computed) == 1
    computed.clear()
    db_session.execute(update(OccupationFit).values(model_key="another taxonomy"))
    everything_again = build(db_session)
    assert sum(computed) == len(changed.index)  # a new model: nothing stored holds
    assert fits(changed) == fits(everything_again)


def test_store_fits_forgets_a_withdrawn_learner_and_writes_nothing_twice(
    db_session: Session, demo: dict[str, Any]
) -> None:
    from eportfolio.privacy.services import withdraw_matching_consent

    store_fits(db_session, empty_index(db_session))
    learner = demo["svetsare"] if "svetsare" in demo else demo["larande"]
    portfolio = db_session.scalar(select(Portfolio).where(Portfolio.user_id == learner.id))
    assert portfolio is not None
    mine = select(func.count()).where(OccupationFit.portfolio_id == portfolio.id)
    assert db_session.scalar(mine) > 0
    again = store_fits(db_session, empty_index(db_session))
    assert again == {"portfolios": 0, "written": 0, "deleted": 0}
    withdraw_matching_consent(db_session, learner)
    db_session.flush()
    assert store_fits(db_session, empty_index(db_session))["deleted"] > 0
    assert db_session.scalar(mine) == 0


def test_the_command_stores_fits(app: Any, demo: dict[str, Any], db_session: Session) -> None:
    result = app.test_cli_runner().invoke(args=["matching", "store-fits"])
    assert result.exit_code == 0, result.output
    assert "fits of" in result.output


def test_a_skill_nobody_held_before_leaves_everyone_elses_fits_valid(
    db_session: Session, demo: dict[str, Any], computed: list[int]
) -> None:
    from eportfolio.regional.demo import scale
    from eportfolio.taxonomy_store.models import Concept

    scale(db_session, 40)
    db_session.flush()
    store_fits(db_session, empty_index(db_session))
    space = build(db_session).space
    held = set(db_session.scalars(select(Concept.uri).join(SkillClaim)))
    newest = next(u for u in reversed(space.skill_ids_.tolist()) if u not in held)
    concept = db_session.scalar(select(Concept.id).where(Concept.uri == newest))
    portfolio = db_session.scalars(select(SkillClaim.portfolio_id)).first()
    db_session.add(
        SkillClaim(portfolio_id=portfolio, concept_id=concept, level=3, text_as_typed="ny")
    )
    db_session.flush()
    computed.clear()
    build(db_session)
    assert sum(computed) == 1  # that learner's fits only
