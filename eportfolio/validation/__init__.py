"""Validation by the valideringsråd: councils, cases, the state machine and the review queue."""
