"""The dashboard's filter: period (a preset or two dates), län, need area and organisation kind, read from
the URL so that a filtered view can be shared, bookmarked and reached with the back button."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.core.args import ListState, date_arg, int_arg
from blueprints.dashboards.periods import (
    CUSTOM,
    LAST_12_MONTHS,
    LONGEST_DAYS,
    THIS_MONTH,
    THIS_QUARTER,
    THIS_YEAR,
    Period,
    preset_period,
)
from blueprints.dashboards.queries import Scope
from blueprints.organisations.regions import COUNTIES, KINDS

PERIODS = {
    THIS_MONTH: _l("Denna månad"),
    THIS_QUARTER: _l("Detta kvartal"),
    THIS_YEAR: _l("Detta år"),
    LAST_12_MONTHS: _l("Senaste 12 månaderna"),
    CUSTOM: _l("Egna datum"),
}


@dataclass(frozen=True)
class DashboardFilter(ListState):
    """What the dashboard shows; ``start`` and ``end`` (ISO dates) count only for the period "egen"."""

    period: str = LAST_12_MONTHS
    start: str = ""
    end: str = ""
    county: str = ""
    need_area: int | None = None
    org_kind: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str], need_area_ids: Collection[int]) -> tuple["DashboardFilter", list[str]]:
        """The filter from query arguments, and a message for each value that could not be used (left out)."""
        errors: list[str] = []

        def pick(name: str, allowed: Collection[str], message: str) -> str:
            value = args.get(name, "").strip()
            if value and value not in allowed:
                errors.append(message)
                return ""
            return value

        period = pick("period", PERIODS, _("Okänd period.")) or LAST_12_MONTHS
        need_area = int_arg(args.get("need_area"))
        if args.get("need_area", "").strip() and need_area not in need_area_ids:
            errors.append(_("Okänt behovsområde."))
            need_area = None
        county = pick("county", COUNTIES, _("Okänt län."))
        org_kind = pick("org_kind", KINDS, _("Okänd organisationstyp."))
        start, end = args.get("start", "").strip(), args.get("end", "").strip()
        if period == CUSTOM:
            message = _custom_period_error(start, end)
            if message:
                errors.append(message)
                period, start, end = LAST_12_MONTHS, "", ""
        else:
            start = end = ""
        return cls(period, start, end, county, need_area, org_kind), errors

    def describe(self, need_areas: Collection[tuple[int, str]]) -> str:
        """The län, need area and organisation kind chosen, in words ("the whole country …" when none)."""
        parts = [
            str(COUNTIES[self.county]) if self.county else "",
            next((name for area_id, name in need_areas if area_id == self.need_area), ""),
            str(KINDS[self.org_kind]) if self.org_kind else "",
        ]
        return ", ".join(p for p in parts if p) or _("hela landet, alla behovsområden och organisationstyper")

    def resolve(self, today: date) -> Period:
        """The chosen period."""
        if self.period == CUSTOM:
            first, last = date_arg(self.start), date_arg(self.end)
            assert first is not None and last is not None  # a custom period is checked before it is used
            return Period(first, last)
        return preset_period(self.period, today)

    def scope(self, today: date) -> Scope:
        return Scope(self.resolve(today), self.county, self.need_area, self.org_kind)


def _custom_period_error(start: str, end: str) -> str | None:
    first, last = date_arg(start), date_arg(end)
    if first is None or last is None:
        return _("Ange både från- och till-datum som ÅÅÅÅ-MM-DD, till exempel 2026-01-01.")
    if first > last:
        return _("Från-datumet måste vara samma dag som eller före till-datumet.")
    if (last - first).days + 1 > LONGEST_DAYS:
        return _("En period kan vara högst fem år.")
    if first.year < 2000:
        return _("Perioden kan börja tidigast år 2000.")
    return None
