"""The week view's content: one ISO week of a facilitator's free slots, Monday first, holidays named."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _

from blueprints.core.args import week_arg
from blueprints.core.db import utcnow
from blueprints.core.formatting import STOCKHOLM
from blueprints.core.i18n import current_language
from blueprints.support.models import Booking, FacilitatorProfile, rules_of
from blueprints.support.queries import facilitator_profile, free_slots_between
from blueprints.support.slots import Interval, earliest_start
from blueprints.support.workdays import holiday_name


@dataclass(frozen=True)
class WeekDay:
    """One day of the week view: its free slots, or why it has none (a holiday; ``why_empty``: before the first
    bookable day, or beyond how far ahead one may book; empty when the day is simply full)."""

    day: date
    slots: list[Interval]
    holiday: str | None
    why_empty: str = ""

    @property
    def folds(self) -> bool:
        """A Saturday or Sunday with nothing to show folds away."""
        return self.day.weekday() >= 5 and not self.slots and not self.holiday


@dataclass(frozen=True)
class Week:
    """One ISO week of free slots, Monday first."""

    monday: date
    days: list[WeekDay]

    @property
    def label(self) -> str:
        """Vecka 48, 2026."""
        year, week, _weekday = self.monday.isocalendar()
        return _("Vecka %(week)s, %(year)s", week=week, year=year)

    def key(self, weeks: int = 0) -> str:
        """2026-W48 (this week, or ``weeks`` later), as in the URL."""
        year, week, _weekday = (self.monday + timedelta(weeks=weeks)).isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def has_slots(self) -> bool:
        """True when any day of the week has a free slot."""
        return any(day.slots for day in self.days)


def _week_monday(key: str | None, profile: FacilitatorProfile | None, wanted_from: date | None) -> date:
    """The Monday of ``2026-W48``; without one, of the week the request asked for (``wanted_from``) or the
    first bookable week, whichever comes later."""
    monday = week_arg(key)
    if monday is not None:
        return monday
    first = earliest_start(utcnow(), rules_of(profile)).astimezone(STOCKHOLM).date()
    if wanted_from is not None and wanted_from > first:
        first = wanted_from
    return first - timedelta(days=first.weekday())


def _why_empty(day: date, first: date, last: date) -> str:
    if day < first:
        return _("Tidigast bokningsbar %(date)s", date=format_date(first, "d MMMM"))
    if day > last:
        return _("Längre fram än det går att boka")
    return ""


def free_week(
    facilitator_id: int,
    kind: str,
    key: str | None,
    ignore: Booking | None = None,
    wanted_from: date | None = None,
) -> Week:
    """The week named by ``key`` (``2026-W48``; without one, the week asked for or the first bookable week) of
    free slots for a session of ``kind`` with the facilitator; ``ignore`` is a session being moved (its own
    time is free)."""
    profile = facilitator_profile(facilitator_id)
    rules = rules_of(profile)
    monday = _week_monday(key, profile, wanted_from)
    days = [monday + timedelta(days=i) for i in range(7)]
    slots = free_slots_between(facilitator_id, profile, kind, days[0], days[-1], ignore=ignore)
    language = current_language()
    today = utcnow().astimezone(STOCKHOLM).date()
    first = earliest_start(utcnow(), rules).astimezone(STOCKHOLM).date()
    last = today + timedelta(days=rules.horizon_days)
    return Week(
        monday=monday,
        days=[
            WeekDay(
                day,
                [s for s in slots if s.start.astimezone(STOCKHOLM).date() == day],
                holiday_name(day, language),
                _why_empty(day, first, last),
            )
            for day in days
        ],
    )
