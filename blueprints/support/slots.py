"""Free booking slots of one facilitator. Pure: no Flask, no database.

Working windows are wall-clock times in Swedish time (09:00-16:00 stays 09:00-16:00 in summer and winter);
everything else is an aware UTC interval, so lengths are real minutes also on the days the clocks change.
"""

import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from blueprints.core.formatting import STOCKHOLM, swedish_time_to_utc
from blueprints.support.workdays import add_working_days, is_holiday


@dataclass(frozen=True)
class Window:
    """A weekly working window: weekday (0 = Monday) and local start and end times."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Interval:
    """A span of time between two aware datetimes, end excluded."""

    start: datetime
    end: datetime

    def overlaps(self, other: "Interval") -> bool:
        """True when the two share any moment."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Rules:
    """The facilitator's booking rules."""

    buffer: timedelta = timedelta(minutes=15)
    notice_working_days: int = 2
    horizon_days: int = 90
    step: timedelta = timedelta(minutes=30)


def earliest_start(now: datetime, rules: Rules) -> datetime:
    """The first bookable moment: the start of the day ``notice_working_days`` working days from today."""
    today = now.astimezone(STOCKHOLM).date()
    return swedish_time_to_utc(add_working_days(today, rules.notice_working_days), time(0))


def last_bookable_day(now: datetime, rules: Rules) -> date:
    """The last day within the booking horizon."""
    return now.astimezone(STOCKHOLM).date() + timedelta(days=rules.horizon_days)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals, key=lambda i: i.start):
        if merged and interval.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Interval(last.start, max(last.end, interval.end))
        else:
            merged.append(interval)
    return merged


def _cut(piece: Interval, hole: Interval) -> list[Interval]:
    if not piece.overlaps(hole):
        return [piece]
    parts = (Interval(piece.start, hole.start), Interval(hole.end, piece.end))
    return [part for part in parts if part.start < part.end]


def _subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    result = []
    for interval in intervals:
        pieces = [interval]
        for hole in holes:
            pieces = [part for piece in pieces for part in _cut(piece, hole)]
        result.extend(pieces)
    return result


@dataclass(frozen=True)
class Availability:
    """What a facilitator's calendar holds: weekly windows, extra time, absence and sessions already booked."""

    windows: tuple[Window, ...] = ()
    extras: tuple[Interval, ...] = ()
    absences: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()


def open_time(availability: Availability, first_day: date, last_day: date) -> list[Interval]:
    """When the facilitator works between two days: windows and extra time, less absence and holidays."""
    pieces: list[Interval] = []
    for day in _days(first_day, last_day):
        if is_holiday(day):
            continue
        day_span = Interval(swedish_time_to_utc(day, time(0)), swedish_time_to_utc(day + timedelta(days=1), time(0)))
        pieces.extend(
            Interval(swedish_time_to_utc(day, w.start), swedish_time_to_utc(day, w.end))
            for w in availability.windows
            if w.weekday == day.weekday() and w.start < w.end
        )
        pieces.extend(
            Interval(max(e.start, day_span.start), min(e.end, day_span.end))
            for e in availability.extras
            if e.overlaps(day_span)
        )
    return _subtract(_merge(pieces), _merge(availability.absences))


def open_hours(availability: Availability, first_day: date, last_day: date) -> float:
    """The hours of ``open_time`` between two days, computed per weekday (each window's length times the
    weekday's days that are not holidays) and day by day only where there is absence or extra time."""
    per_weekday: dict[int, float] = {}
    for window in availability.windows:
        length = datetime.combine(first_day, window.end) - datetime.combine(first_day, window.start)
        per_weekday[window.weekday] = per_weekday.get(window.weekday, 0.0) + max(length.total_seconds(), 0) / 3600
    days = _weekdays_without_holidays(first_day, last_day)
    total = sum(hours * days[weekday] for weekday, hours in per_weekday.items())
    for day in _days_with_exceptions(availability, first_day, last_day):
        if not is_holiday(day):
            total -= per_weekday.get(day.weekday(), 0.0)
        total += sum(_hours(piece) for piece in open_time(availability, day, day))
    return total


@functools.lru_cache(maxsize=64)
def _weekdays_without_holidays(first_day: date, last_day: date) -> Counter[int]:
    """How many days that are not holidays fall on each weekday (0 = Monday) between two days: the same for
    every facilitator, so counted once per span."""
    return Counter(day.weekday() for day in _days(first_day, last_day) if not is_holiday(day))


def _hours(interval: Interval) -> float:
    return (interval.end - interval.start).total_seconds() / 3600


def _days_with_exceptions(availability: Availability, first_day: date, last_day: date) -> set[date]:
    days: set[date] = set()
    for exception in (*availability.extras, *availability.absences):
        day = max(exception.start.astimezone(STOCKHOLM).date(), first_day)
        last = min((exception.end - timedelta(microseconds=1)).astimezone(STOCKHOLM).date(), last_day)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def free_slots(
    availability: Availability,
    *,
    length: timedelta,
    rules: Rules,
    now: datetime,
    first_day: date,
    last_day: date,
) -> list[Interval]:
    """Every start (on the rules' step) where a session of ``length`` fits: inside open time, after the minimum
    notice, within the horizon, and at least the buffer away from every busy interval."""
    earliest = max(earliest_start(now, rules), now)
    last_day = min(last_day, last_bookable_day(now, rules))
    blocked = _merge(Interval(b.start - rules.buffer, b.end + rules.buffer) for b in availability.busy)
    slots = []
    for piece in open_time(availability, first_day, last_day):
        start = piece.start
        while start + length <= piece.end:
            slot = Interval(start, start + length)
            if start >= earliest and not any(slot.overlaps(b) for b in blocked):
                slots.append(slot)
            start += rules.step
    return slots


def is_free(slot: Interval, availability: Availability, *, rules: Rules, now: datetime) -> bool:
    """True when ``slot`` is one of the free slots offered on its day."""
    day = slot.start.astimezone(STOCKHOLM).date()
    offered = free_slots(availability, length=slot.end - slot.start, rules=rules, now=now, first_day=day, last_day=day)
    return slot in offered
