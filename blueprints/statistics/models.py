"""Sweden's procurement statistics as the agency publishes them (Statistikdatabasen): one row per advertised
procurement, its lots with the tenders they received, and the suppliers who won them; and a record of each
file imported."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.core.db import Model, utcnow
from blueprints.core.formatting import search_text
from blueprints.core.i18n import N_

if TYPE_CHECKING:
    from blueprints.organisations.models import Organisation

# What a row may carry that could not be verified (kept, marked, counted in the import's report).
UNVERIFIED_ORG_NUMBER = "organisationsnummer"  # fails its check digit
MISSING_CPV = "cpv"  # "00000000 Uppgift saknas", empty or malformed
LONG_TITLE = "titel"  # longer than the 1,000 characters kept
MISSING_DATE = "datum"
UNVERIFIED = {  # msgids, translated where they are shown
    UNVERIFIED_ORG_NUMBER: N_("Organisationsnumret stämmer inte med sin kontrollsiffra"),
    MISSING_CPV: N_("CPV-kod saknas"),
    LONG_TITLE: N_("Titeln är avkortad"),
    MISSING_DATE: N_("Publiceringsdatum saknas"),
}
TITLE_LENGTH = 1000
SECTORS = ("kommun", "region", "stat", "annat")


class Procurement(Model):
    """One advertised procurement, with what an analyst filters on.

    Its Upphandlings-ID alone does not name it: call-offs by several buyers share their framework agreement's
    ID, and one agency gave two procurements the same ID. A row is the procurement of one buyer, published on
    one day under one title (``record_key``, a digest of the four; titles compared without case, which differs
    between the agency's files), so re-importing a file updates its rows and the value file enriches the
    count file's rows, whichever comes first."""

    __table_args__ = (
        sa.CheckConstraint("year BETWEEN 1990 AND 2100", name="year"),
        sa.CheckConstraint("contracted_value_sek IS NULL OR contracted_value_sek >= 0", name="value"),
        # Discovery: a CPV branch (a range of codes) over years; an organisation's purchases in a branch.
        # Both hold every column discovery, pooled power and "Andra som köpt detta" add up, so a branch's
        # procurements are read from the index alone (SQLite: 117 → 13 ms for group 45 at 200,000 rows).
        sa.Index(
            "ix_procurement_cpv_year_org",
            "cpv_code",
            "year",
            "organisation_id",
            "contracted_value_sek",
            "published_on",
            "is_coordinated",
        ),
        sa.Index(  # with the id: PostgreSQL's indexes do not hold the row's id as SQLite's do
            "ix_procurement_org_cpv_year",
            "organisation_id",
            "cpv_code",
            "year",
            "contracted_value_sek",
            "published_on",
            "is_coordinated",
            "id",
        ),
        sa.Index("ix_procurement_year", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    procurement_key: Mapped[str] = mapped_column(sa.String(80), index=True)  # the Upphandlings-ID
    year: Mapped[int] = mapped_column(sa.SmallInteger)
    published_on: Mapped[date | None]
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    buyer_name: Mapped[str] = mapped_column(sa.String(300))  # as the file gives it
    buyer_org_number: Mapped[str] = mapped_column(sa.String(20))
    sector: Mapped[str] = mapped_column(sa.String(10), default="annat")
    cpv_code: Mapped[str | None] = mapped_column(sa.String(8))  # the main CPV code; None when missing
    title: Mapped[str] = mapped_column(sa.String(TITLE_LENGTH))
    procedure: Mapped[str] = mapped_column(sa.String(120), default="")
    contract_type: Mapped[str] = mapped_column(sa.String(120), default="")
    procurement_kind: Mapped[str] = mapped_column(sa.String(60), default="")  # Upphandlingsslag: LOU, LUF, ...
    is_coordinated: Mapped[bool] = mapped_column(default=False)  # Samordnad upphandling
    is_innovation: Mapped[bool] = mapped_column(default=False)
    is_environmental: Mapped[bool] = mapped_column(default=False)
    is_social: Mapped[bool] = mapped_column(default=False)
    is_dynamic: Mapped[bool] = mapped_column(default=False)  # Dynamiskt inköpssystem
    has_lots: Mapped[bool] = mapped_column(default=False)  # divided into lots (anbudsområden)
    contracted_value_sek: Mapped[int | None] = mapped_column(sa.BigInteger)
    unverified: Mapped[str] = mapped_column(sa.String(100), default="")  # codes of UNVERIFIED, space-separated
    search_text: Mapped[str] = mapped_column(sa.String(TITLE_LENGTH), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped["Organisation"] = relationship()

    @property
    def unverified_reasons(self) -> list[str]:
        """What could not be verified, in words."""
        return [UNVERIFIED[code] for code in self.unverified.split() if code in UNVERIFIED]


@sa.event.listens_for(Procurement, "before_insert")
@sa.event.listens_for(Procurement, "before_update")
def _index_procurement(mapper: Any, connection: sa.Connection, row: Procurement) -> None:
    row.search_text = search_text(row.title)[:TITLE_LENGTH]


class ProcurementLot(Model):
    """One lot (anbudsområde) of a procurement and how many tenders it received. The procurement's year,
    buyer and CPV code are kept on the lot too (a few lots' procurements are missing from the main file)."""

    __table_args__ = (sa.Index("ix_procurement_lot_cpv_year", "cpv_code", "year", "tenders"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    procurement_key: Mapped[str] = mapped_column(sa.String(80), index=True)
    year: Mapped[int] = mapped_column(sa.SmallInteger)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    cpv_code: Mapped[str | None] = mapped_column(sa.String(8))
    tenders: Mapped[int | None] = mapped_column(sa.Integer)


class LotAward(Model):
    """A supplier that won a lot: its name, size, sector, legal form and line of business (SNI)."""

    __table_args__ = (
        sa.UniqueConstraint("lot_key", "supplier_name"),
        sa.Index("ix_lot_award_cpv_year", "cpv_code", "year", "supplier_name", "supplier_size"),  # the market
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_key: Mapped[str] = mapped_column(sa.String(120))
    procurement_key: Mapped[str] = mapped_column(sa.String(80), index=True)
    year: Mapped[int] = mapped_column(sa.SmallInteger)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    cpv_code: Mapped[str | None] = mapped_column(sa.String(8))
    supplier_name: Mapped[str] = mapped_column(sa.String(300))
    supplier_size: Mapped[str] = mapped_column(sa.String(60), default="")
    supplier_sector: Mapped[str] = mapped_column(sa.String(60), default="")
    supplier_legal_form: Mapped[str] = mapped_column(sa.String(120), default="")
    supplier_sni: Mapped[str] = mapped_column(sa.String(200), default="")
    contracts: Mapped[int] = mapped_column(default=1)

    @property
    def is_small(self) -> bool:
        """A small or micro company (not medium-sized or large)."""
        return self.supplier_size.casefold().startswith(("små", "mikro"))


class StatisticsImport(Model):
    """One file imported: which, by whom, when, and what it changed (the report, row by row)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    layout: Mapped[str] = mapped_column(sa.String(20))
    years: Mapped[str] = mapped_column(sa.String(100), default="")
    rows: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    organisations_created: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def unverified_rows(self) -> int:
        """Rows kept with something that could not be verified."""
        return int(self.report.get("unverified_rows", 0))

    @property
    def unverified_counts(self) -> list[tuple[str, int]]:
        """(what, how many rows), in words."""
        counts = self.report.get("unverified", {})
        return [(UNVERIFIED[code], counts[code]) for code in UNVERIFIED if counts.get(code)]
