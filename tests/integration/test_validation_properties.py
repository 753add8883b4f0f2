"""Random action sequences by random users never break the machine, the rules or the audit chain."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from eportfolio.audit import services as audit
from eportfolio.errors import DomainError
from eportfolio.validation import services
from eportfolio.validation.services import NotAllowed
from eportfolio.validation.states import Action, State, find
from tests.validation_world import VWorld, build

PEOPLE = ("learner", "other_learner", "assessor", "assessor2", "chair", "coordinator")
STEPS = st.lists(
    st.tuples(
        st.sampled_from(PEOPLE),
        st.integers(0, 1),  # which case
        st.sampled_from([*Action, "assess"]),
        st.sampled_from(["verified", "not_verified"]),
    ),
    max_size=30,
)


@pytest.fixture
def w(app_ctx: Flask, db_session: Session, create_user: Any, create_org: Any) -> VWorld:
    # Built once for all examples; each example works on two fresh cases of its own.
    return build(db_session, create_user, create_org)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_random_sequences_keep_every_rule(
    db_session: Session, w: VWorld, steps: list[tuple[str, int, Any, str]]
) -> None:
    users = {name: getattr(w, name) for name in PEOPLE}
    cases = [
        services.create_case(db_session, w.learner, w.council.id, w.claim_ids[:2]),
        services.create_case(
            db_session, w.learner, w.council.id, [w.claim_ids[2]], w.occupation_id
        ),
    ]
    for name, which, action, decision in steps:
        user, case = users[name], cases[which]
        before = case.state
        if action == "assess":
            _assess(db_session, user, case, decision)
            assert case.state is before
            continue
        step = find(before, Action(action))
        allowed = step is not None and bool(step.parts & services.parts_of(db_session, user, case))
        try:
            services.transition(db_session, user, case, action, reason="skäl")
        except NotAllowed:
            assert not allowed
            assert case.state is before
        except DomainError:
            assert case.state is before  # a precondition refused it; nothing moved
        else:
            assert allowed, f"{name} moved {before} by {action}"
            assert case.state is step.target
        assert case.state in set(State)
        if case.state is State.IN_ASSESSMENT:
            assert case.assessor_id is not None and case.assessor_id != case.learner_id
    assert audit.verify(db_session).ok


def _assess(session: Session, user: Any, case: Any, decision: str) -> None:
    holds = case.state is State.IN_ASSESSMENT and case.assessor_id == user.id
    for row in case.claims:
        data = {"method": "interview", "decision": decision, "verified_level": 2, "rationale": "r"}
        try:
            services.assess_claim(session, user, case, row.id, data)
        except NotAllowed:
            assert not holds
        else:
            assert holds
