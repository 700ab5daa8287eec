"""The SQL written by hand for each database: a timestamp's Swedish day around the clock changes, and hours
between timestamps summed over rows, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from blueprints.core.db import UTCDateTime, db
from blueprints.dashboards.sql import stockholm_date, total_hours


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


def _intervals(*pairs: tuple[str, str]) -> sa.Subquery:
    rows = [sa.select(_at(start).label("start"), _at(end).label("end")) for start, end in pairs]
    return sa.union_all(*rows).subquery()


def test_total_hours_sums_real_hours_over_rows(app):
    # 00:30–03:00 UTC on the night the clocks go forward is 2.5 real hours; a span over a day boundary counts
    # every hour (26), not a day and two hours as a number of days.
    intervals = _intervals(
        ("2025-03-30 00:30:00", "2025-03-30 03:00:00"), ("2025-03-29 00:00:00", "2025-03-30 02:00:00")
    )
    assert _on_database(app, sa.select(total_hours(intervals.c.start, intervals.c.end)).scalar_subquery()) == (
        pytest.approx(28.5)
    )


def test_total_hours_of_no_rows_is_none(app):
    intervals = _intervals(("2025-03-30 00:30:00", "2025-03-30 03:00:00"))
    empty = sa.select(total_hours(intervals.c.start, intervals.c.end)).where(intervals.c.start > intervals.c.end)
    assert _on_database(app, empty.scalar_subquery()) is None
