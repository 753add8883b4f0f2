"""Requests generated from the OpenAPI document, sent as each role: never a 5xx.

Schemathesis reads every operation's parameters and bodies from the document and sends
valid and invalid ones alike (huge numbers, odd strings, wrong types). Each is sent with a
token of every role, so both the refusals and the work behind them are reached.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings

from tests.conftest import csrf_token, login

ROLES = ["larande", "arbetsgivare", "bedomare", "ordforande", "samordnare", "admin"]
EXAMPLES = settings(
    max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def _tokens(app: Flask, demo: dict[str, Any]) -> dict[str, str]:
    tokens = {}
    for role in ROLES:
        client = app.test_client()
        login(client, demo[role])
        made = client.post(
            "/api/v1/me/tokens",
            json={"name": "fuzz"},
            headers={"X-CSRFToken": csrf_token(client, "/account")},
        )
        assert made.status_code == 201, made.get_data(as_text=True)
        tokens[role] = made.json["token"]
    return tokens


# The test client's multipart request bodies (not the app's) are left for the collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_generated_requests_never_fail_with_5xx(app: Flask, demo: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tokens = _tokens(app, demo)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60  # the whole API, not a few operations that happened to load

    for operation in operations:

        @EXAMPLES
        @given(case=operation.as_strategy())
        def send(case: Any) -> None:
            for role, token in tokens.items():
                response = case.call(headers={"Authorization": f"Bearer {token}"})
                if response.status_code >= 500:
                    failures.append(
                        f"{role}: {case.method} {case.formatted_path} query={case.query!r} "
                        f"body={case.body!r}"[:400]
                    )
                    return

        send()
    assert not failures, "\n".join(failures)
