"""Times are stored in UTC and shown in Swedish time, as people in Skåne read a clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from eportfolio.notifications.models import Notification
from eportfolio.web.views import local_time
from tests.conftest import login


def test_a_notification_late_in_the_evening_shows_the_swedish_date_and_hour(
    client: FlaskClient, create_user: Any, db_session: Session
) -> None:
    user = create_user("learner")
    summer = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)  # 00:30 on 2 July in Sweden
    db_session.add(
        Notification(user_id=user.id, kind="case_taken", params={"case": 7}, created_at=summer)
    )
    db_session.flush()
    login(client, user)
    page = client.get("/notifications").get_data(as_text=True)
    assert "2026-07-02 00:30" in page and "2026-07-01 22:30" not in page


def test_local_time_follows_winter_and_summer_time_and_reads_naive_values_as_utc() -> None:
    assert local_time(dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)) == "2026-01-15 13:00"
    assert local_time(dt.datetime(2026, 7, 15, 12, 0)) == "2026-07-15 14:00"
    assert local_time(dt.datetime(2026, 12, 31, 23, 5, tzinfo=dt.UTC), "%Y-%m-%d") == "2027-01-01"
    assert local_time(None) == ""
