"""Pooled purchasing power (samlad köpkraft), from what organisations actually bought.

Definition (the same on every page, the API and the dashboard): the contracted value that a group of
organisations procured in a set of CPV branches, according to the procurement statistics, per year over the
last three years the statistics hold, and as an average per year. A CPV code stands for its whole branch
(60100000 takes in all of group 601). Each procurement is counted once, however many of the group's codes it
falls under; so each organisation counts once, and never with its whole budget. Procurements whose value the
agency does not know are counted, but add nothing to the value.
"""

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.statistics.models import Procurement
from blueprints.vocabulary.cpv import branch_range

WINDOW_YEARS = 3
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class PowerYear:
    """One year of a group's purchases in its branches."""

    year: int
    procurements: int
    value_sek: int
    organisations: int  # of the group, that bought in the branches that year


@dataclass(frozen=True)
class PooledPower:
    """A group's purchases in its branches over the statistics' last three years."""

    years: list[PowerYear]
    held_years: list[int]  # the window's years that the statistics hold
    organisations: int  # in the group
    by_organisation: dict[int, tuple[int, int]]  # organisation id: (procurements, value) over the window

    @property
    def annual_sek(self) -> int | None:
        """The average per year of the years the statistics hold (None without statistics)."""
        return round(sum(y.value_sek for y in self.years) / len(self.held_years)) if self.held_years else None

    @property
    def procurements(self) -> int:
        """Procurements behind the figure, all years."""
        return sum(y.procurements for y in self.years)


def held_years() -> list[int]:
    """The years of the window that the statistics hold: the latest year and the two before it (one statement)."""
    latest = sa.select(sa.func.max(Procurement.year)).scalar_subquery()
    return list(
        db.session.scalars(
            sa.select(Procurement.year)
            .where(Procurement.year > latest - WINDOW_YEARS)
            .distinct()
            .order_by(Procurement.year)
        )
    )


def disjoint_ranges(ranges: Any) -> list[tuple[str, str]]:
    """Branch ranges without one inside another (so nothing is counted twice)."""
    kept: list[tuple[str, str]] = []
    for low, high in sorted(set(ranges)):
        if not any(low.startswith(outer) for outer, _end in kept):
            kept.append((low, high))
    return kept


def branch_ranges(cpv_codes: Collection[str]) -> list[tuple[str, str]]:
    """The codes' branches as ranges of codes (60100000: "601" to "602"), none inside another."""
    return disjoint_ranges(branch_range(code) for code in cpv_codes)


def _in_branches(ranges: list[tuple[str, str]]) -> sa.ColumnElement[bool]:
    return sa.or_(*(sa.and_(Procurement.cpv_code >= low, Procurement.cpv_code < high) for low, high in ranges))


def pooled_power(organisation_ids: Collection[int], cpv_codes: Collection[str]) -> PooledPower:
    """The group's purchases in the codes' branches, per year of the window and per organisation (three
    statements)."""
    years = held_years()
    organisations = len(set(organisation_ids))
    ranges = branch_ranges(cpv_codes)
    if not years or not organisations or not ranges:
        return PooledPower([], years, organisations, {})
    value = sa.func.coalesce(sa.func.sum(Procurement.contracted_value_sek), 0)
    bought = sa.select(sa.func.count(), value).where(
        Procurement.organisation_id.in_(sorted(set(organisation_ids))),
        Procurement.year.between(years[0], years[-1]),
        _in_branches(ranges),
    )
    per_year = db.session.execute(
        bought.add_columns(Procurement.year, sa.func.count(sa.distinct(Procurement.organisation_id)))
        .group_by(Procurement.year)
        .order_by(Procurement.year)
    ).tuples()
    per_organisation = db.session.execute(
        bought.add_columns(Procurement.organisation_id).group_by(Procurement.organisation_id)
    ).tuples()
    return PooledPower(
        [PowerYear(year, count, int(total or 0), buyers) for count, total, year, buyers in per_year],
        years,
        organisations,
        {organisation: (count, int(total or 0)) for count, total, organisation in per_organisation},
    )


def annual_power_of_groups(groups: Mapping[K, tuple[Collection[int], Collection[str]]]) -> dict[K, int]:
    """The average yearly pooled power of several groups at once ({key: (organisation ids, CPV codes)}): for a
    list of networks or suggestions, in two statements (the window's years, the sums)."""
    years = held_years()
    if not years or not groups:
        return {}
    parts: list[sa.Select[Any]] = []
    for number, (organisation_ids, codes) in enumerate(groups.values()):
        ranges = branch_ranges(codes)
        if not ranges or not organisation_ids:
            continue
        parts.append(
            sa.select(sa.literal(number).label("group_number"), Procurement.id, Procurement.contracted_value_sek).where(
                Procurement.organisation_id.in_(sorted(set(organisation_ids))),
                Procurement.year.between(years[0], years[-1]),
                _in_branches(ranges),
            )
        )
    if not parts:
        return {}
    matched = sa.union(*parts).subquery()  # UNION (not ALL): a procurement once per group
    totals = db.session.execute(
        sa.select(matched.c.group_number, sa.func.coalesce(sa.func.sum(matched.c.contracted_value_sek), 0)).group_by(
            matched.c.group_number
        )
    ).tuples()
    keys = list(groups)
    return {keys[number]: round(total / len(years)) for number, total in totals}
