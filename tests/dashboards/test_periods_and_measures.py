"""The pure parts: periods and their predecessors, response times in working days, available hours."""

from datetime import date, time, timedelta

import pytest

from blueprints.core.charts import bar_chart, column_chart
from blueprints.dashboards.measures import response_key, response_times, weighted_median
from blueprints.dashboards.periods import Period, preset_period
from blueprints.support.slots import Availability, Interval, Window, open_hours, open_time
from tests.dashboards.conftest import local

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("preset", "first", "last", "previous_first", "previous_last"),
    [
        ("manad", date(2026, 11, 1), date(2026, 11, 30), date(2026, 10, 1), date(2026, 10, 31)),
        ("kvartal", date(2026, 10, 1), date(2026, 12, 31), date(2026, 7, 1), date(2026, 9, 30)),
        ("ar", date(2026, 1, 1), date(2026, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),
        ("12man", date(2025, 11, 22), date(2026, 11, 21), date(2024, 11, 22), date(2025, 11, 21)),
    ],
)
def test_presets_and_the_previous_period(preset, first, last, previous_first, previous_last):
    period = preset_period(preset, TODAY)
    assert (period.first, period.last) == (first, last)
    assert (period.previous().first, period.previous().last) == (previous_first, previous_last)


def test_period_limits_are_swedish_midnights():
    period = Period(date(2026, 7, 1), date(2026, 7, 31))
    assert period.start == local("2026-07-01", "00:00")  # 22:00 UTC the day before, in summer
    assert period.start.hour == 22
    assert period.end == local("2026-08-01", "00:00")
    assert [m.month for m in Period(date(2025, 11, 15), date(2026, 2, 3)).months()] == [11, 12, 1, 2]


def test_response_times_count_working_days_only():
    counts = [
        (date(2025, 4, 17), date(2025, 4, 22), 1),  # Thursday before Good Friday → Tuesday after Easter Monday
        (date(2025, 12, 19), date(2025, 12, 29), 1),  # Friday before Christmas → Monday after: 3 working days
        (date(2025, 9, 1), date(2025, 9, 10), 1),  # 7 working days: late
        (date(2025, 6, 19), date(2025, 6, 20), 1),  # answered on midsommarafton (not a working day): 0
        (date(2026, 11, 19), None, 2),  # unanswered, target not yet passed: not judged
        (date(2026, 11, 2), None, 1),  # unanswered, past the target: late
    ]
    result = response_times([(*response_key(submitted, answered), n) for submitted, answered, n in counts], TODAY)
    assert result.requests == 7
    assert result.judged == 5
    assert result.answered_in_time == 3
    assert result.median_days == 2.0  # of 0, 1, 3 and 7: the mean of the middle two
    assert result.share_in_time == pytest.approx(3 / 5)


def test_weighted_median():
    assert weighted_median({}) is None
    assert weighted_median({4: 1}) == 4
    assert weighted_median({1: 2, 9: 1}) == 1
    assert weighted_median({1: 1, 3: 1}) == 2


def _week(*absences: Interval, extras: tuple[Interval, ...] = ()) -> Availability:
    windows = tuple(Window(weekday, time(8), time(17)) for weekday in range(5))
    return Availability(windows, extras, tuple(absences))


def test_open_hours_of_a_plain_week_and_one_with_good_friday():
    assert open_hours(_week(), date(2025, 3, 10), date(2025, 3, 16)) == 45
    assert open_hours(_week(), date(2025, 4, 14), date(2025, 4, 20)) == 36


def test_open_hours_with_absence_and_extra_time_agree_with_the_booking_calendar():
    absence = Interval(local("2025-03-12", "12:00"), local("2025-03-14", "10:00"))
    extra = Interval(local("2025-03-15", "10:00"), local("2025-03-15", "12:00"))  # a Saturday
    availability = _week(absence, extras=(extra,))
    period = Period(date(2025, 3, 1), date(2025, 3, 31))
    expected = sum((i.end - i.start for i in open_time(availability, period.first, period.last)), timedelta())
    assert open_hours(availability, period.first, period.last) == pytest.approx(expected.total_seconds() / 3600)
    # 21 working days × 9 h, less Wednesday afternoon (5 h), Thursday (9 h) and Friday morning (2 h), plus 2 h.
    assert open_hours(availability, period.first, period.last) == pytest.approx(21 * 9 - 5 - 9 - 2 + 2)


def test_charts_scale_to_the_largest_value():
    chart = bar_chart(["A", "B"], [10, 5], ["10", "5"])
    assert [bar.width for bar in chart.bars] == [300, 150]
    assert bar_chart(["A"], [0], ["0"]).bars[0].width == 0  # no division by zero
    columns = column_chart(["jan", "feb"], [[4, 2], [1, 0]], [["4", "2"], ["1", "0"]])
    assert len(columns.bars) == 4
    assert max(bar.height for bar in columns.bars) == columns.bars[0].height
