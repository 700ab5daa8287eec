"""Swedish working days: weekends, public holidays and the de facto holidays (midsommarafton, julafton,
nyårsafton) are not working days. Pure: no Flask, no database."""

from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=64)
def _holidays_of(year: int, language: str = "sv") -> dict[date, str]:
    """The year's public and de facto holidays with their names (Swedish, or English). The holidays package
    (0.1 s to import, every country's calendar) is loaded at the first question, not by every process."""
    import holidays

    calendar = holidays.Sweden(
        years=year,
        include_sundays=False,
        categories=("public", "de_facto"),
        language="sv" if language == "sv" else "en_US",
    )
    return dict(calendar)


def is_holiday(day: date) -> bool:
    """True on a Swedish public holiday or de facto holiday (never bookable)."""
    return day in _holidays_of(day.year)


def holiday_name(day: date, language: str = "sv") -> str | None:
    """The holiday's name in Swedish (or English), or None on an ordinary day."""
    return _holidays_of(day.year, language).get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and not is_holiday(day)


def add_working_days(day: date, count: int) -> date:
    """The working day ``count`` working days after ``day`` (``day`` itself need not be a working day)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    days = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            days += 1
    return days
