"""Who bought something, according to the statistics: the organisations that procured in some CPV branches
(or under some words), with how often, how much, when last, where, and whether they already coordinate. The
ground for network discovery and for "Andra som köpt detta" on challenge and network pages."""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from blueprints.core.db import db, holds_word
from blueprints.organisations.models import Organisation
from blueprints.statistics.models import Procurement
from blueprints.statistics.power import WINDOW_YEARS

SORTS = ("value", "procurements", "latest", "name")


@dataclass(frozen=True)
class BuyerFilter:
    """Which procurements count: in these branches (ranges of CPV codes, see ``power.branch_ranges``), these
    years, under these words, by organisations of this län and kind, by this procedure, with these flags."""

    ranges: tuple[tuple[str, str], ...] = ()
    first_year: int | None = None
    last_year: int | None = None
    words: tuple[str, ...] = ()
    county: str = ""
    kind: str = ""
    procedure: str = ""
    flags: tuple[str, ...] = ()  # of FLAGS
    excluded: tuple[int, ...] = ()  # organisations left out (a challenge's own, a network's members)
    recent_years: int | None = None  # only the statistics' latest years (3: the pooled-power window)

    @property
    def is_empty(self) -> bool:
        """Nothing chosen that narrows by what was bought (a branch or words)."""
        return not self.ranges and not self.words


FLAGS = {
    "samordnad": Procurement.is_coordinated,
    "innovation": Procurement.is_innovation,
    "miljo": Procurement.is_environmental,
    "social": Procurement.is_social,
}


def _contains(word: str) -> sa.ColumnElement[bool]:
    """Procurements whose title holds the word, through the trigram index (migration 0011)."""
    return holds_word(Procurement.id, Procurement.search_text, "procurement_fts", word)


def matching(flt: BuyerFilter, *columns: Any) -> sa.Select[Any] | sa.CompoundSelect:
    """The ``columns`` of the procurements the filter chooses. Each branch range is read on its own and the
    ranges are put together (UNION ALL: they never overlap): for an OR of ranges SQLite scans a whole index."""
    others = conditions(flt)
    if not flt.ranges:
        return sa.select(*columns).where(*others)
    parts = [
        sa.select(*columns).where(Procurement.cpv_code >= low, Procurement.cpv_code < high, *others)
        for low, high in flt.ranges
    ]
    return parts[0] if len(parts) == 1 else sa.union_all(*parts)


def conditions(flt: BuyerFilter) -> list[sa.ColumnElement[bool]]:
    """The filter but its branches (see ``matching``) as conditions on ``Procurement`` alone (a län or kind as a
    subquery of organisations), so that what is added up is read from one covering index."""
    found: list[sa.ColumnElement[bool]] = []
    if flt.first_year is not None:
        found.append(Procurement.year >= flt.first_year)
    if flt.last_year is not None:
        found.append(Procurement.year <= flt.last_year)
    if flt.recent_years:
        latest = sa.select(sa.func.max(Procurement.year)).scalar_subquery()
        found.append(Procurement.year > latest - flt.recent_years)
    found.extend(_contains(word) for word in flt.words)
    if flt.procedure:
        found.append(Procurement.procedure == flt.procedure)
    found.extend(FLAGS[flag].is_(True) for flag in flt.flags if flag in FLAGS)
    chosen_organisations = []
    if flt.county:
        chosen_organisations.append(Organisation.county_code == flt.county)
    if flt.kind:
        chosen_organisations.append(Organisation.kind == flt.kind)
    if chosen_organisations:
        found.append(Procurement.organisation_id.in_(sa.select(Organisation.id).where(*chosen_organisations)))
    if flt.excluded:
        found.append(Procurement.organisation_id.not_in(flt.excluded))
    return found


@dataclass(frozen=True)
class BuyerRow:
    """An organisation and what it bought under the filter."""

    organisation_id: int
    name: str
    org_number: str
    county_code: str | None
    kind: str
    procurements: int
    value_sek: int
    latest: date | None
    coordinated: int
    in_networks: list[tuple[int, str]] = field(default_factory=list)
    has_challenge: bool = False

    @property
    def org_number_display(self) -> str:
        """212000-1132."""
        return f"{self.org_number[:6]}-{self.org_number[6:]}"


def _per_organisation(flt: BuyerFilter) -> sa.Subquery:
    """What each organisation bought under the filter (from the covering index, before any join)."""
    chosen = matching(
        flt,
        Procurement.organisation_id,
        Procurement.contracted_value_sek,
        Procurement.published_on,
        Procurement.is_coordinated,
    ).subquery("chosen")
    return (
        sa.select(
            chosen.c.organisation_id.label("organisation_id"),
            sa.func.count().label("procurements"),
            sa.func.coalesce(sa.func.sum(chosen.c.contracted_value_sek), 0).label("value"),
            sa.func.max(chosen.c.published_on).label("latest"),
            sa.func.sum(sa.case((chosen.c.is_coordinated, 1), else_=0)).label("coordinated"),
        )
        .group_by(chosen.c.organisation_id)
        .subquery("bought")
    )


def _order(bought: sa.Subquery, sort: str) -> tuple[Any, ...]:
    return {
        "value": (bought.c.value.desc(), bought.c.procurements.desc()),
        "procurements": (bought.c.procurements.desc(), bought.c.value.desc()),
        "latest": (bought.c.latest.desc().nulls_last(), bought.c.value.desc()),
        "name": (Organisation.sort_key,),
    }.get(sort) or (bought.c.value.desc(), bought.c.procurements.desc())


def buyers(flt: BuyerFilter, *, sort: str = "value", limit: int = 25, offset: int = 0) -> list[BuyerRow]:
    """One page of the organisations that bought under the filter (one statement)."""
    bought = _per_organisation(flt)
    query = (
        sa.select(
            Organisation.id,
            Organisation.name,
            Organisation.org_number,
            Organisation.county_code,
            Organisation.kind,
            bought.c.procurements,
            bought.c.value,
            bought.c.latest,
            bought.c.coordinated,
        )
        .join(Organisation, Organisation.id == bought.c.organisation_id)
        .order_by(*_order(bought, sort), Organisation.id)
        .limit(limit)
        .offset(offset)
    )
    return [
        BuyerRow(id_, name, number, county, kind, count, int(value or 0), latest, int(coordinated or 0))
        for id_, name, number, county, kind, count, value, latest, coordinated in db.session.execute(query).tuples()
    ]


@dataclass(frozen=True)
class Summary:
    """The whole result at once: totals, and per county and per year (for the map and the chart)."""

    organisations: int
    procurements: int
    value_sek: int
    by_county: dict[str | None, tuple[int, int, int]]  # county: (organisations, procurements, value)
    by_year: dict[int, tuple[int, int, int]]  # year: (organisations, procurements, value)


def summary(flt: BuyerFilter) -> Summary:
    """Totals of the whole result, per county and per year, in one statement: the procurements are added up per
    organisation and year from the covering index first, then by county and year."""
    chosen = matching(flt, Procurement.organisation_id, Procurement.year, Procurement.contracted_value_sek).subquery(
        "matching"
    )
    per_year = (
        sa.select(
            chosen.c.organisation_id.label("organisation_id"),
            chosen.c.year.label("year"),
            sa.func.count().label("procurements"),
            sa.func.coalesce(sa.func.sum(chosen.c.contracted_value_sek), 0).label("value"),
        )
        .group_by(chosen.c.organisation_id, chosen.c.year)
        .subquery()
    )
    rows = (
        sa.select(per_year, Organisation.county_code)
        .join(Organisation, Organisation.id == per_year.c.organisation_id)
        .cte("chosen")
    )

    def grouped(dimension: str | None) -> sa.Select[tuple[str, str | None, int, int, int]]:
        key = sa.cast(rows.c[dimension], sa.String()) if dimension else sa.cast(sa.null(), sa.String())
        query = sa.select(
            sa.literal(dimension or "all").label("dimension"),
            key.label("key"),
            sa.func.count(sa.distinct(rows.c.organisation_id)),
            sa.func.coalesce(sa.func.sum(rows.c.procurements), 0),
            sa.func.coalesce(sa.func.sum(rows.c.value), 0),
        )
        return query.group_by(rows.c[dimension]) if dimension else query

    by_county: dict[str | None, tuple[int, int, int]] = {}
    by_year: dict[int, tuple[int, int, int]] = {}
    totals = (0, 0, 0)
    for dimension, key, organisations, count, value in db.session.execute(
        sa.union_all(grouped(None), grouped("county_code"), grouped("year"))
    ).tuples():
        figures = (organisations, int(count or 0), int(value or 0))
        if dimension == "all":
            totals = figures
        elif dimension == "county_code":
            by_county[key] = figures
        elif key is not None:
            by_year[int(key)] = figures
    return Summary(*totals, by_county, by_year)


def top_buyers(
    ranges: tuple[tuple[str, str], ...], *, excluding: Collection[int] = (), limit: int = 10
) -> list[BuyerRow]:
    """The other organisations that bought most in the branches in the statistics' last three years (for "Andra
    som köpt detta")."""
    if not ranges:
        return []
    flt = BuyerFilter(ranges=ranges, excluded=tuple(sorted(set(excluding))), recent_years=WINDOW_YEARS)
    return buyers(flt, sort="value", limit=limit)
