"""The throughput tables count every state a validation case can be in."""

from eportfolio.regional.throughput import OPEN, STATES
from eportfolio.validation.states import FINAL_STATES, State


def test_every_case_state_has_a_column() -> None:
    assert set(STATES) == {s.value for s in State} - {State.DRAFT.value}


def test_open_cases_are_those_without_a_final_state() -> None:
    assert {
        "submitted",
        "in_assessment",
        "awaiting_learner",
        "reassessment_requested",
        "assessed",
    } == OPEN
    assert not OPEN & {s.value for s in FINAL_STATES}
