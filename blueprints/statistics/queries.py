"""Reads of the procurement statistics."""

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.statistics.models import LotAward, Procurement, ProcurementLot, StatisticsImport
from blueprints.vocabulary.models import CpvCode


def already_imported(content: bytes) -> bool:
    """True when a file with exactly these bytes has been imported before."""
    digest = hashlib.sha256(content).hexdigest()
    return (
        db.session.scalar(sa.select(StatisticsImport.id).where(StatisticsImport.sha256 == digest).limit(1)) is not None
    )


def recent_imports(limit: int = 20) -> list[StatisticsImport]:
    """The latest imports, newest first."""
    return list(db.session.scalars(sa.select(StatisticsImport).order_by(StatisticsImport.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Overview:
    """What the statistics hold: procurements per year, with values known, and lots and winners."""

    years: list[tuple[int, int, int]]  # (year, procurements, with a contracted value)
    lots: int
    awards: int

    @property
    def procurements(self) -> int:
        """Procurements in all years."""
        return sum(count for _year, count, _valued in self.years)


def statistics_overview() -> Overview:
    """How many procurements each year holds, and how many lots and winners (three statements)."""
    per_year = db.session.execute(
        sa.select(Procurement.year, sa.func.count(), sa.func.count(Procurement.contracted_value_sek))
        .group_by(Procurement.year)
        .order_by(Procurement.year)
    ).tuples()
    return Overview(
        years=list(per_year),
        lots=db.session.scalar(sa.select(sa.func.count()).select_from(ProcurementLot)) or 0,
        awards=db.session.scalar(sa.select(sa.func.count()).select_from(LotAward)) or 0,
    )


@dataclass(frozen=True)
class YearRow:
    """One year of an organisation's (or a branch's) procurements."""

    year: int
    procurements: int
    valued: int  # of which with a contracted value
    value_sek: int


@dataclass(frozen=True)
class DivisionRow:
    """An organisation's procurements in one CPV division (all years)."""

    division: str  # two digits
    label: str
    procurements: int
    value_sek: int


@dataclass(frozen=True)
class History:
    """An organisation's procurements per year and per CPV division."""

    years: list[YearRow]
    divisions: list[DivisionRow]

    @property
    def procurements(self) -> int:
        """In all years."""
        return sum(row.procurements for row in self.years)


def history_of(organisation_id: int, language: str) -> History:
    """What the statistics hold of an organisation: per year, and per CPV division (two statements)."""
    per_year = db.session.execute(
        sa.select(
            Procurement.year,
            sa.func.count(),
            sa.func.count(Procurement.contracted_value_sek),
            sa.func.coalesce(sa.func.sum(Procurement.contracted_value_sek), 0),
        )
        .where(Procurement.organisation_id == organisation_id)
        .group_by(Procurement.year)
        .order_by(Procurement.year)
    ).tuples()
    division = sa.func.substr(Procurement.cpv_code, 1, 2).label("division")
    per_division = db.session.execute(
        sa.select(
            division,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Procurement.contracted_value_sek), 0),
            CpvCode.label_sv,
            CpvCode.label_en,
        )
        .outerjoin(CpvCode, CpvCode.code == division.concat("000000"))
        .where(Procurement.organisation_id == organisation_id, Procurement.cpv_code.is_not(None))
        .group_by(division, CpvCode.label_sv, CpvCode.label_en)
        .order_by(sa.func.count().desc(), division)
    ).tuples()
    return History(
        [YearRow(year, count, valued, int(value or 0)) for year, count, valued, value in per_year],
        [
            DivisionRow(code, (label_en if language == "en" else label_sv) or code, count, value)
            for code, count, value, label_sv, label_en in per_division
        ],
    )


def all_years() -> list[int]:
    """Every year the statistics hold, oldest first."""
    return list(db.session.scalars(sa.select(Procurement.year).distinct().order_by(Procurement.year)))


def procurements_per_group() -> dict[int, dict[str, int]]:
    """How many procurements each organisation made per CPV group ("601"), over every year held (for matching:
    an organisation that bought a branch before is a likelier partner in it)."""
    group = sa.func.substr(Procurement.cpv_code, 1, 3)
    rows = db.session.execute(
        sa.select(Procurement.organisation_id, group, sa.func.count())
        .where(Procurement.cpv_code.is_not(None), Procurement.cpv_code != "00000000")
        .group_by(Procurement.organisation_id, group)
    )
    bought: dict[int, dict[str, int]] = {}
    for organisation_id, prefix, count in rows.tuples():
        bought.setdefault(organisation_id, {})[prefix] = count
    return bought
