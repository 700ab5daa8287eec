"""The SQL written by hand for each database: a timestamp's Swedish day around the clock changes, and hours
between two timestamps, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from blueprints.core.db import UTCDateTime, db
from blueprints.dashboards.sql import hours_between, stockholm_date


def _on_database(app, expression):
    with app.app_context():
        return db.session.scalar(sa.select(expression))


def _at(text: str):
    return sa.literal(datetime.fromisoformat(text).replace(tzinfo=UTC), UTCDateTime())


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        ("2025-03-29 22:59:59", "2025-03-29"),  # winter time: 23:59:59 in Sweden
        ("2025-03-29 23:00:00", "2025-03-30"),  # midnight in Sweden
        ("2025-03-30 00:59:00", "2025-03-30"),  # 01:59, the clocks go forward at 01:00 UTC
        ("2025-03-30 21:59:00", "2025-03-30"),  # summer time: 23:59
        ("2025-03-30 22:00:00", "2025-03-31"),  # midnight in summer
        ("2025-10-25 22:30:00", "2025-10-26"),  # still summer time: 00:30 on the 26th
        ("2025-10-26 01:00:00", "2025-10-26"),  # back to winter time: 02:00
        ("2025-10-26 22:59:00", "2025-10-26"),  # winter time: 23:59
        ("2025-12-31 23:30:00", "2026-01-01"),  # New Year in Sweden, not yet in UTC
    ],
)
def test_swedish_day_of_a_timestamp(app, utc, day):
    assert str(_on_database(app, stockholm_date(_at(utc)))) == day


def test_hours_between(app):
    assert _on_database(app, hours_between(_at("2025-03-30 00:30:00"), _at("2025-03-30 03:00:00"))) == pytest.approx(
        2.5
    )
