"""The state machine table on its own: which moves exist, and for whom."""

from __future__ import annotations

from eportfolio.validation.states import (
    FINAL_STATES,
    TRANSITIONS,
    Action,
    Part,
    State,
    actions_from,
    find,
)


def test_each_state_and_action_has_at_most_one_transition() -> None:
    keys = [(t.source, t.action) for t in TRANSITIONS]
    assert len(keys) == len(set(keys))


def test_the_issue_path_exists_with_its_parts() -> None:
    path = [
        (State.DRAFT, Action.SUBMIT, State.SUBMITTED, Part.LEARNER),
        (State.SUBMITTED, Action.TAKE, State.IN_ASSESSMENT, Part.ELIGIBLE_ASSESSOR),
        (State.IN_ASSESSMENT, Action.REQUEST_EVIDENCE, State.AWAITING_LEARNER, Part.CASE_ASSESSOR),
        (State.AWAITING_LEARNER, Action.RESUBMIT, State.IN_ASSESSMENT, Part.LEARNER),
        (State.IN_ASSESSMENT, Action.CONCLUDE, State.ASSESSED, Part.CASE_ASSESSOR),
        (State.ASSESSED, Action.CERTIFY, State.CERTIFIED, Part.CHAIR),
        (State.CERTIFIED, Action.REQUEST_REASSESSMENT, State.REASSESSMENT_REQUESTED, Part.LEARNER),
        (State.REASSESSMENT_REQUESTED, Action.TAKE, State.IN_ASSESSMENT, Part.ELIGIBLE_ASSESSOR),
    ]
    for source, action, target, part in path:
        step = find(source, action)
        assert step is not None and step.target is target and step.parts == {part}


def test_only_the_learner_withdraws_and_only_before_assessed() -> None:
    sources = {t.source for t in TRANSITIONS if t.action is Action.WITHDRAW}
    assert sources == {
        State.DRAFT,
        State.SUBMITTED,
        State.IN_ASSESSMENT,
        State.AWAITING_LEARNER,
    }
    assert all(t.parts == {Part.LEARNER} for t in TRANSITIONS if t.action is Action.WITHDRAW)


def test_the_chair_alone_decides_certification() -> None:
    deciding = [t for t in TRANSITIONS if t.target in (State.CERTIFIED, State.NOT_CERTIFIED)]
    assert deciding and all(t.parts == {Part.CHAIR} for t in deciding)
    assert all(t.source is State.ASSESSED for t in deciding)


def test_withdrawn_is_final_and_decisions_only_lead_to_omprovning() -> None:
    assert actions_from(State.WITHDRAWN) == []
    for state in FINAL_STATES - {State.WITHDRAWN}:
        assert [t.action for t in actions_from(state)] == [Action.REQUEST_REASSESSMENT]


def test_a_move_that_is_not_listed_does_not_exist() -> None:
    assert find(State.DRAFT, Action.CERTIFY) is None
    assert find(State.SUBMITTED, Action.CONCLUDE) is None
    assert find(State.ASSESSED, Action.WITHDRAW) is None
