"""Hours between timestamps summed over rows, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from blueprints.core.db import UTCDateTime, db
from blueprints.support.sql import total_hours


def _on_database(app, expression):
    with app.app_context():
        return db.session.scalar(sa.select(expression))


def _at(text: str):
    return sa.literal(datetime.fromisoformat(text).replace(tzinfo=UTC), UTCDateTime())


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
