"""Figures computed from what the database has already grouped: response times in working days and
facilitators' available hours. Pure: no Flask, no database."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from blueprints.dashboards.periods import NEVER
from blueprints.support.constants import FIRST_RESPONSE_WORKING_DAYS
from blueprints.support.workdays import add_working_days, working_days_between


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


def response_key(submitted: date, answered: date | None) -> tuple[int, date]:
    """How a request submitted on a Swedish day and first answered on another (None: not yet) is counted: the
    working days waited (-1: none yet), and the first day on which an unanswered request is late (``never``
    for an answered one)."""
    if answered is None:
        return -1, add_working_days(submitted, FIRST_RESPONSE_WORKING_DAYS) + timedelta(days=1)
    return working_days_between(submitted, answered), NEVER


def response_times(counts: Iterable[tuple[int, date, int]], today: date) -> ResponseTimes:
    """From (working days waited for the first response or -1 for none yet, the first day on which an
    unanswered request is late, number of requests)."""
    requests = in_time = judged = 0
    waited: dict[int, int] = {}
    for days, late_from, count in counts:
        requests += count
        if days < 0:
            if today >= late_from:
                judged += count
            continue
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
