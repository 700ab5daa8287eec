"""Who bought something, according to the statistics: the organisations that procured in some CPV branches
(or under some words), with how often, how much, when last, where, and whether they already coordinate. The
ground for network discovery and for "Andra som köpt detta" on challenge and network pages."""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.core.formatting import search_text
from blueprints.organisations.models import Organisation
from blueprints.statistics.models import Procurement

SORTS = ("value", "procurements", "latest", "name")
_FTS = sa.table("procurement_fts", sa.column("rowid"), sa.column("search_text"))


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
    pattern = f"%{search_text(word)}%"
    if db.engine.dialect.name == "sqlite":
        return Procurement.id.in_(sa.select(_FTS.c.rowid).where(_FTS.c.search_text.like(pattern)))
    return Procurement.search_text.like(pattern)


def conditions(flt: BuyerFilter) -> list[sa.ColumnElement[bool]]:
    """The filter as conditions on ``Procurement`` (with ``Organisation`` joined when a län or kind is chosen)."""
    found: list[sa.ColumnElement[bool]] = []
    if flt.ranges:
        found.append(
            sa.or_(*(sa.and_(Procurement.cpv_code >= low, Procurement.cpv_code < high) for low, high in flt.ranges))
        )
    if flt.first_year is not None:
        found.append(Procurement.year >= flt.first_year)
    if flt.last_year is not None:
        found.append(Procurement.year <= flt.last_year)
    found.extend(_contains(word) for word in flt.words)
    if flt.procedure:
        found.append(Procurement.procedure == flt.procedure)
    found.extend(FLAGS[flag].is_(True) for flag in flt.flags if flag in FLAGS)
    if flt.county:
        found.append(Organisation.county_code == flt.county)
    if flt.kind:
        found.append(Organisation.kind == flt.kind)
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


_VALUE = sa.func.coalesce(sa.func.sum(Procurement.contracted_value_sek), 0)
_ORDER: dict[str, tuple[Any, ...]] = {
    "value": (_VALUE.desc(), sa.func.count().desc()),
    "procurements": (sa.func.count().desc(), _VALUE.desc()),
    "latest": (sa.func.max(Procurement.published_on).desc().nulls_last(), _VALUE.desc()),
    "name": (Organisation.sort_key,),
}


def buyers(flt: BuyerFilter, *, sort: str = "value", limit: int = 25, offset: int = 0) -> list[BuyerRow]:
    """One page of the organisations that bought under the filter (one statement)."""
    query = (
        sa.select(
            Organisation.id,
            Organisation.name,
            Organisation.org_number,
            Organisation.county_code,
            Organisation.kind,
            sa.func.count(),
            _VALUE,
            sa.func.max(Procurement.published_on),
            sa.func.sum(sa.case((Procurement.is_coordinated, 1), else_=0)),
        )
        .join(Organisation, Organisation.id == Procurement.organisation_id)
        .where(*conditions(flt))
        .group_by(Organisation.id, Organisation.name, Organisation.org_number, Organisation.county_code)
        .group_by(Organisation.kind, Organisation.sort_key)
        .order_by(*_ORDER.get(sort, _ORDER["value"]), Organisation.id)
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
    """Totals of the whole result, per county and per year, in one statement."""
    rows = (
        sa.select(
            Procurement.organisation_id, Organisation.county_code, Procurement.year, Procurement.contracted_value_sek
        )
        .join(Organisation, Organisation.id == Procurement.organisation_id)
        .where(*conditions(flt))
        .cte("chosen")
    )

    def grouped(dimension: str | None) -> sa.Select[tuple[str, str | None, int, int, int]]:
        key = sa.cast(rows.c[dimension], sa.String()) if dimension else sa.cast(sa.null(), sa.String())
        query = sa.select(
            sa.literal(dimension or "all").label("dimension"),
            key.label("key"),
            sa.func.count(sa.distinct(rows.c.organisation_id)),
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(rows.c.contracted_value_sek), 0),
        )
        return query.group_by(rows.c[dimension]) if dimension else query

    by_county: dict[str | None, tuple[int, int, int]] = {}
    by_year: dict[int, tuple[int, int, int]] = {}
    totals = (0, 0, 0)
    for dimension, key, organisations, count, value in db.session.execute(
        sa.union_all(grouped(None), grouped("county_code"), grouped("year"))
    ).tuples():
        figures = (organisations, count, int(value or 0))
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
    """The other organisations that bought most in the branches, all years (for "Andra som köpt detta")."""
    if not ranges:
        return []
    return buyers(BuyerFilter(ranges=ranges, excluded=tuple(sorted(set(excluding)))), sort="value", limit=limit)
