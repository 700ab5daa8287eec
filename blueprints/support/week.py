"""The week view's content: one ISO week of a facilitator's free slots, Monday first, holidays named."""

from dataclasses import dataclass
from datetime import date, timedelta

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
    """One day of the week view: its free slots, or the holiday that closes it."""

    day: date
    slots: list[Interval]
    holiday: str | None


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


def _week_monday(key: str | None, profile: FacilitatorProfile | None) -> date:
    """The Monday of ``2026-W48``, or of the first bookable week when the key is missing or malformed."""
    monday = week_arg(key)
    if monday is not None:
        return monday
    first = earliest_start(utcnow(), rules_of(profile)).astimezone(STOCKHOLM).date()
    return first - timedelta(days=first.weekday())


def free_week(facilitator_id: int, kind: str, key: str | None, ignore: Booking | None = None) -> Week:
    """The week named by ``key`` (``2026-W48``; the first bookable week when missing) of free slots for a
    session of ``kind`` with the facilitator; ``ignore`` is a session being moved (its own time is free)."""
    profile = facilitator_profile(facilitator_id)
    monday = _week_monday(key, profile)
    days = [monday + timedelta(days=i) for i in range(7)]
    slots = free_slots_between(facilitator_id, profile, kind, days[0], days[-1], ignore=ignore)
    language = current_language()
    return Week(
        monday=monday,
        days=[
            WeekDay(day, [s for s in slots if s.start.astimezone(STOCKHOLM).date() == day], holiday_name(day, language))
            for day in days
        ],
    )
