"""Reporting periods: the presets, the previous period of equal length, months, whole months and the days around
them. Pure: no Flask, no database."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from blueprints.core.formatting import swedish_time_to_utc

THIS_MONTH, THIS_QUARTER, THIS_YEAR, LAST_12_MONTHS, CUSTOM = "manad", "kvartal", "ar", "12man", "egen"
LONGEST_DAYS = 5 * 366 + 1  # a custom period of at most five years
NEVER = date(1, 1, 1)  # before every period: a date column's "none" where a column may not be NULL


@dataclass(frozen=True)
class Period:
    """Whole Swedish calendar days from ``first`` to ``last``, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The first moment (UTC) of the period: midnight Swedish time."""
        return swedish_time_to_utc(self.first, time(0))

    @property
    def end(self) -> datetime:
        """The first moment (UTC) after the period."""
        return swedish_time_to_utc(self.last + timedelta(days=1), time(0))

    def previous(self) -> "Period":
        """The period of the same length just before: the year before a year, the quarter before a quarter."""
        if self.first.day == 1 and (self.last + timedelta(days=1)).day == 1:
            months = _months_between(self.first, self.last + timedelta(days=1))
            return Period(_add_months(self.first, -months), self.first - timedelta(days=1))
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        month = self.first.replace(day=1)
        result = []
        while month <= self.last:
            result.append(month)
            month = _add_months(month, 1)
        return result

    def month_starts(self) -> list[datetime]:
        """Where each month after the first begins (UTC), for putting timestamps into months."""
        return [swedish_time_to_utc(month, time(0)) for month in self.months()[1:]]

    def whole_months(self) -> tuple[date, date] | None:
        """The first days of the first and last whole calendar months within the period (None: there are none)."""
        first = self.first if self.first.day == 1 else _add_months(self.first.replace(day=1), 1)
        after = _add_months(self.last.replace(day=1), 1)
        last = _add_months(after, -1) if self.last == after - timedelta(days=1) else _add_months(after, -2)
        return (first, last) if first <= last else None

    def days_outside_whole_months(self) -> list[tuple[date, date]]:
        """The days before and after the whole months, as (first, last) ranges: the period itself when it holds
        no whole month."""
        months = self.whole_months()
        if months is None:
            return [(self.first, self.last)]
        before = (self.first, months[0] - timedelta(days=1))
        after = (_add_months(months[1], 1), self.last)
        return [(a, b) for a, b in (before, after) if a <= b]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def _months_between(first: date, after: date) -> int:
    return (after.year - first.year) * 12 + after.month - first.month


def preset_period(preset: str, today: date) -> Period:
    """This month, this quarter or this year up to its end, or the last 12 months up to today."""
    if preset == THIS_MONTH:
        first = today.replace(day=1)
        return Period(first, _add_months(first, 1) - timedelta(days=1))
    if preset == THIS_QUARTER:
        first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return Period(first, _add_months(first, 3) - timedelta(days=1))
    if preset == THIS_YEAR:
        return Period(date(today.year, 1, 1), date(today.year, 12, 31))
    return Period(_add_months(today, -12) + timedelta(days=1), today)
