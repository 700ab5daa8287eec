"""The market of a CPV branch, from the lot-level statistics: how much competition it gets (tenders per lot,
the share of lots with a single tender) and which suppliers win there, how many of them small companies.
What a network needs to know before its supplier dialogue."""

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.statistics.models import LotAward, Procurement, ProcurementLot
from blueprints.statistics.power import WINDOW_YEARS

SMALL_SIZES = ("Små företag", "Mikroföretag")


@dataclass(frozen=True)
class Winner:
    """A supplier that won lots in the branch."""

    name: str
    size: str
    lots: int

    @property
    def is_small(self) -> bool:
        """A small or micro company."""
        return self.size in SMALL_SIZES


@dataclass(frozen=True)
class Market:
    """Competition and winners in a branch over some years."""

    lots: int  # lots whose tenders are known
    tenders_per_lot: float | None
    single_tender_share: float | None
    suppliers: list[Winner]  # the most frequent winners
    winners: int  # different suppliers that won
    small_winners: int  # of which small or micro companies

    @property
    def small_share(self) -> float | None:
        """Small and micro companies' share of the winners."""
        return self.small_winners / self.winners if self.winners else None


def _within(model: type, ranges: list[tuple[str, str]], years: tuple[int, int] | None) -> list[sa.ColumnElement[bool]]:
    """In the branches, in the years asked for, else in the last three years the lot statistics hold."""
    cpv, year = model.cpv_code, model.year  # type: ignore[attr-defined]
    conditions = [sa.or_(*(sa.and_(cpv >= low, cpv < high) for low, high in ranges))]
    if years is not None:
        conditions.append(year.between(*years))
    else:
        # The statistics' latest year, from the procurements' year index (the lot tables have none; theirs is
        # read only when no procurements are imported).
        latest = sa.func.coalesce(
            sa.select(sa.func.max(Procurement.year)).scalar_subquery(), sa.select(sa.func.max(year)).scalar_subquery()
        )
        conditions.append(year > latest - WINDOW_YEARS)
    return conditions


def market_of(ranges: Collection[tuple[str, str]], years: tuple[int, int] | None = None, top: int = 10) -> Market:
    """The market in the branches (``statistics.power.branch_ranges``) in the years asked for, else in the
    statistics' last three years (what a network meets now), in two statements."""
    ranges = list(ranges)
    if not ranges:
        return Market(0, None, None, [], 0, 0)
    lots, tenders, single = db.session.execute(
        sa.select(
            sa.func.count(ProcurementLot.tenders),
            sa.func.avg(ProcurementLot.tenders),
            sa.func.sum(sa.case((ProcurementLot.tenders == 1, 1), else_=0)),
        ).where(*_within(ProcurementLot, ranges, years))
    ).one()
    per_supplier = (
        sa.select(
            LotAward.supplier_name.label("name"),
            sa.func.max(LotAward.supplier_size).label("size"),
            sa.func.count().label("lots"),  # a supplier is on a lot once (lot_key, supplier_name is unique)
        )
        .where(*_within(LotAward, ranges, years), LotAward.supplier_name != "Personuppgift")
        .group_by(LotAward.supplier_name)
        .subquery()
    )
    # One statement: the top winners, and (on every row) how many winners there are and how many are small.
    rows = db.session.execute(
        sa.select(
            per_supplier.c.name,
            per_supplier.c.size,
            per_supplier.c.lots,
            sa.func.count().over(),
            sa.func.sum(sa.case((per_supplier.c.size.in_(SMALL_SIZES), 1), else_=0)).over(),
        )
        .order_by(per_supplier.c.lots.desc(), per_supplier.c.name)
        .limit(top)
    ).all()
    winners = rows[0][3] if rows else 0
    small = int(rows[0][4] or 0) if rows else 0
    return Market(
        lots=lots or 0,
        tenders_per_lot=float(tenders) if tenders is not None else None,
        single_tender_share=(single or 0) / lots if lots else None,
        suppliers=[Winner(name, size or "", count) for name, size, count, _all, _small in rows],
        winners=winners,
        small_winners=small,
    )
