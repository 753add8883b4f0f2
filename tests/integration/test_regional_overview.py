"""Regional figures on a hand-built region: known answers, suppression, the engine's own scores."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from eportfolio.employers.models import Need
from eportfolio.regional import modules, report, services, supply, throughput
from eportfolio.regional.models import TrainingModule, TrainingModuleSkill
from tests import regional_world as rw

OSBY, HASSLEHOLM = "1273", "1293"


@pytest.fixture
def region(app_ctx: Any, db_session: Any, create_user: Any) -> rw.RegionWorld:
    return rw.build(db_session, create_user)


def _row(rows: list[dict[str, Any]], group: str) -> dict[str, Any]:
    return next(r for r in rows if r["ssyk4"] == group)


def test_supply_counts_match_the_hand_built_region(db_session: Any, region: rw.RegionWorld) -> None:
    data = supply.compute(db_session)
    osby = _row(report.supply_rows(data, OSBY, None, "sv"), "7212")
    assert osby["qualified"] == 10
    assert osby["validated"] == 5
    assert osby["targeting"] == 16
    assert osby["shortage"] == "brist"
    assert osby["ads"] == 12 and osby["ads_skane"] == 42
    hassleholm = _row(report.supply_rows(data, HASSLEHOLM, None, "sv"), "7212")
    assert hassleholm["qualified"] is None  # 2 people: "<5"
    region_row = _row(report.supply_rows(data, report.REGION, None, "sv"), "7212")
    assert region_row["qualified"] == 12


def test_hidden_cells_cannot_be_recovered_from_the_region_total(
    db_session: Any, region: rw.RegionWorld
) -> None:
    data = supply.compute(db_session)
    k = data["groups"].index("7212")
    cells = data["qualified"]["cells"][k]
    total = data["qualified"]["row_totals"][k]
    hidden = [c for c in cells if c is None]
    assert len(hidden) != 1
    assert total is None or len(hidden) == 0 or len(hidden) >= 2
    # Reached but not validated (reached minus validated) is never a small number.
    for reached, validated in zip(cells, data["validated"]["cells"][k], strict=True):
        if reached is not None and validated is not None:
            assert reached - validated == 0 or reached - validated >= 5


def test_gap_skills_rank_what_lifts_the_near_people(
    db_session: Any, region: rw.RegionWorld
) -> None:
    data = supply.compute(db_session)
    rows = report.gap_rows(db_session, data, OSBY, "7212", "sv")
    assert rows, "the six near welders must show up"
    lifted = {r["skill"]: r["lifted"] for r in rows}
    assert lifted[rw.TIG] == 6
    assert set(lifted) <= region.lifting
    assert all(v == 6 for v in lifted.values())


def test_coverage_is_the_engine_recommenders_fit(db_session: Any, region: rw.RegionWorld) -> None:
    from eportfolio.matching_index.engine import engine, to_record
    from eportfolio.portfolios.models import Portfolio

    model = supply.build_model(db_session)
    eng = engine(db_session)
    o = eng.space.occupation_index_[rw.WELDER]
    portfolios = db_session.query(Portfolio).all()
    record = supply._portfolios(db_session, model)
    ours = supply.coverage(model, record["all"])
    row_of = {pid: k for k, pid in enumerate(p.id for p in db_session.query(Portfolio.id))}
    for p in portfolios:
        theirs = eng.recommender._coverage(to_record(p), np.array([o]))[0]
        assert ours[row_of[p.id], model.space.occupation_index_[rw.WELDER]] == pytest.approx(
            theirs.fit, abs=1e-3
        )
        if theirs.fit < 60:
            gains = {g.skill: g.gain for g in theirs.gaps}
            assert rw.TIG in gains and theirs.fit + gains[rw.TIG] >= 60 - 1e-6


def test_open_needs_count_per_kommun(
    db_session: Any, region: rw.RegionWorld, create_org: Any
) -> None:
    org = create_org("employer")
    welder = region.ids[rw.WELDER]
    db_session.add_all(
        [
            Need(
                organisation_id=org.id,
                title="Svetsare",
                occupation_concept_id=welder,
                municipality_code=OSBY,
                is_open=True,
            ),
            Need(
                organisation_id=org.id,
                title="Svetsare 2",
                occupation_concept_id=welder,
                municipality_code=OSBY,
                is_open=False,
            ),
        ]
    )
    db_session.flush()
    data = supply.compute(db_session)
    assert _row(report.supply_rows(data, OSBY, None, "sv"), "7212")["needs"] == 1


def test_modules_teaching_answers_where_to_learn(
    db_session: Any, region: rw.RegionWorld, create_org: Any
) -> None:
    centre = create_org("learning_centre", name="Lärcentrum Test")
    module = TrainingModule(organisation_id=centre.id, name="TIG-kurs")
    module.skills = [TrainingModuleSkill(concept_id=region.ids[rw.TIG])]
    db_session.add(module)
    db_session.flush()
    found = modules.modules_teaching(db_session, [region.ids[rw.TIG], region.ids[rw.WELDER]])
    assert [m.name for m in found[region.ids[rw.TIG]]] == ["TIG-kurs"]
    assert region.ids[rw.WELDER] not in found
    data = supply.compute(db_session)
    tig = next(
        r for r in report.gap_rows(db_session, data, OSBY, None, "sv") if r["skill"] == rw.TIG
    )
    assert tig["modules"] == [{"id": module.id, "name": "TIG-kurs", "centre": "Lärcentrum Test"}]


def test_snapshot_is_reused_and_recomputed_when_data_changes(
    db_session: Any, region: rw.RegionWorld, create_user: Any
) -> None:
    first, at, fresh = services.overview(db_session)
    assert fresh
    again, at2, _ = services.overview(db_session)
    assert at2 == at and again == first
    rw.add_person(db_session, create_user, OSBY, [rw.TIG])
    _data, at3, fresh3 = services.overview(db_session)
    assert fresh3 and at3 >= at


def test_large_data_serves_the_stale_snapshot_without_recomputing(
    app: Any, db_session: Any, region: rw.RegionWorld, create_user: Any
) -> None:
    services.overview(db_session)
    rw.add_person(db_session, create_user, OSBY, [rw.TIG])
    app.config["REGIONAL_INLINE_LIMIT"] = 1
    try:
        _data, _at, fresh = services.overview(db_session)
    finally:
        app.config.pop("REGIONAL_INLINE_LIMIT")
    assert not fresh
    assert services.refresh(db_session, force=False)
    _data, _at, fresh = services.overview(db_session)
    assert fresh


def test_validation_throughput_per_council(
    db_session: Any, region: rw.RegionWorld, create_org: Any, create_user: Any
) -> None:
    council = create_org("council", name="Rådet")
    learner = create_user("learner")
    rw.add_cases(db_session, council.id, learner.id, region.ids[rw.WELDER])
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    data = throughput.compute(db_session, "2026", now=now)
    row = report.validation_rows(data["council"], data["states"])[0]
    assert row["label"] == "Rådet"
    assert row["total"] == 16
    assert row["certified"] == 6 and row["not_certified"] == 5 and row["submitted"] == 5
    assert row["in_assessment"] is None  # zero is below 5 too
    assert row["certification_rate"] == pytest.approx(54.5)
    assert row["decision_median"] == 20.0  # 5,10,10,15,20,[20],25,30,40,50,60 days
    assert row["decision_p90"] == 50.0
    assert row["waiting_median"] == (now - dt.datetime(2026, 3, 1, tzinfo=dt.UTC)).days
    occupation = report.validation_rows(data["occupation"], data["states"])[0]
    assert occupation["total"] == 16
