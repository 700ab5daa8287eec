"""Figures computed from what the database has already grouped: response times in working days and
facilitators' available hours. Pure: no Flask, no database."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from blueprints.core.formatting import STOCKHOLM
from blueprints.dashboards.periods import Period
from blueprints.support.constants import FIRST_RESPONSE_WORKING_DAYS
from blueprints.support.slots import Availability, Interval, open_time
from blueprints.support.workdays import add_working_days, is_holiday, working_days_between


@dataclass(frozen=True)
class ResponseTimes:
    """First responses to the requests of one period."""

    requests: int  # submitted in the period
    answered_in_time: int  # answered within the target
    judged: int  # answered, or unanswered past the target (the share's denominator)
    median_days: float | None  # working days to the first response, over the answered requests

    @property
    def share_in_time(self) -> float | None:
        return self.answered_in_time / self.judged if self.judged else None


def response_times(counts: Iterable[tuple[date, date | None, int]], today: date) -> ResponseTimes:
    """From (day submitted, day first answered or None, number of requests)."""
    requests = in_time = judged = 0
    waited: dict[int, int] = {}
    for submitted, answered, count in counts:
        requests += count
        if answered is None:
            if today > add_working_days(submitted, FIRST_RESPONSE_WORKING_DAYS):
                judged += count
            continue
        days = working_days_between(submitted, answered)
        waited[days] = waited.get(days, 0) + count
        judged += count
        if days <= FIRST_RESPONSE_WORKING_DAYS:
            in_time += count
    return ResponseTimes(requests, in_time, judged, weighted_median(waited))


def weighted_median(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many times}; the mean of the two middle ones when even."""
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())

    def nth(position: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if position < seen:
                return value
        raise IndexError(position)

    return (nth((total - 1) // 2) + nth(total // 2)) / 2


def _hours(interval: Interval) -> float:
    return (interval.end - interval.start).total_seconds() / 3600


def available_hours(availability: Availability, period: Period) -> float:
    """The facilitator's working time in the period (windows and extra time, less absence and holidays),
    the same as the booking calendar's open time: computed day by day only where there are exceptions."""
    per_weekday: dict[int, float] = {}
    for window in availability.windows:
        length = datetime.combine(period.first, window.end) - datetime.combine(period.first, window.start)
        per_weekday[window.weekday] = per_weekday.get(window.weekday, 0.0) + max(length.total_seconds(), 0) / 3600
    days = period.weekdays_without_holidays
    total = sum(hours * days[weekday] for weekday, hours in per_weekday.items())
    for day in _days_with_exceptions(availability, period):
        if not is_holiday(day):
            total -= per_weekday.get(day.weekday(), 0.0)
        total += sum(_hours(piece) for piece in open_time(availability, day, day))
    return total


def _days_with_exceptions(availability: Availability, period: Period) -> set[date]:
    days: set[date] = set()
    for exception in (*availability.extras, *availability.absences):
        day = max(exception.start.astimezone(STOCKHOLM).date(), period.first)
        last = min((exception.end - timedelta(microseconds=1)).astimezone(STOCKHOLM).date(), period.last)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days
