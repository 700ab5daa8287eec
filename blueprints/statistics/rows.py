"""One row of a Statistikdatabasen export as Köpkraft stores it: parsed, checked, and marked where it could not
be verified (kept all the same), or refused with the reason when it cannot be stored at all. Pure: no Flask,
no database."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

from blueprints.statistics import files as col
from blueprints.statistics.models import LONG_TITLE, MISSING_CPV, MISSING_DATE, TITLE_LENGTH, UNVERIFIED_ORG_NUMBER

_CPV = re.compile(r"^\s*(\d{8})(?:-\d)?\b")
_DIGITS = re.compile(r"\D")
_SECTORS = {"kommun": "kommun", "region": "region", "stat": "stat", "annat": "annat"}


@dataclass
class Buyer:
    """The contracting authority a row names."""

    org_number: str  # ten digits
    name: str
    sector: str
    subsector: str
    legal_form: str
    verified: bool  # the organisationsnummer passes its check digit


@dataclass
class ParsedRow:
    """What the importer stores of one row (lot and supplier fields only in those layouts)."""

    number: int
    key: str  # the Upphandlings-ID
    year: int
    buyer: Buyer
    cpv_code: str | None
    title: str
    published_on: date | None
    procedure: str = ""
    contract_type: str = ""
    procurement_kind: str = ""
    is_coordinated: bool = False
    is_innovation: bool = False
    is_environmental: bool = False
    is_social: bool = False
    is_dynamic: bool = False
    has_lots: bool = False
    contracted_value_sek: int | None = None
    lot_key: str = ""
    tenders: int | None = None
    supplier: dict[str, str] = field(default_factory=dict)
    contracts: int = 1
    unverified: list[str] = field(default_factory=list)

    @property
    def record_key(self) -> str:
        """Names this procurement across files and imports: ID, buyer, publication day and title (see
        ``models.Procurement``)."""
        parts = (self.key, self.buyer.org_number, self.published_on.isoformat() if self.published_on else "")
        text = "\x1f".join((*parts, self.title.casefold()))
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def N_(message: str) -> str:
    """Mark a message for translation; it is translated where it is shown."""
    return message


class RowRefused(ValueError):
    """A row that cannot be stored at all (no key, no year, no buyer): the whole file is refused. ``message``
    is a msgid with ``%(value)s`` placeholders, translated where the report is shown."""

    def __init__(self, message: str, **params: str) -> None:
        super().__init__(message % params)
        self.message, self.params = message, params


def _flag(text: str) -> bool:
    return text.strip().casefold() in ("true", "ja", "1", "yes")


def _whole(text: str, what: str) -> int | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError as error:
        raise RowRefused(N_("%(what)s är inte ett tal: %(value)s"), what=what, value=text[:40]) from error
    if value < 0 or value != value or value > 10**15:
        raise RowRefused(N_("%(what)s är orimligt: %(value)s"), what=what, value=text[:40])
    return round(value)


def _date(text: str) -> date | None:
    text = text.strip()[:10]
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _buyer(cells: dict[str, str]) -> Buyer:
    number = _DIGITS.sub("", cells.get(col.BUYER_NUMBER, ""))
    if len(number) == 12 and number.startswith(("16", "19", "20")):
        number = number[2:]  # written with a century
    if not 6 <= len(number) <= 10:
        raise RowRefused(
            N_("organisationsnumret saknas eller har fel längd: %(value)s"), value=cells.get(col.BUYER_NUMBER, "")[:20]
        )
    try:
        orgnr.validate(number)
        verified = True
    except StdnumError:
        verified = False  # kept as given (a foreign or mistyped number), marked as not verified
    sector = _SECTORS.get(cells.get(col.SECTOR, "").strip().casefold(), "annat")
    name = " ".join(cells.get(col.BUYER_NAME, "").split())[:300] or number
    subsector = cells.get(col.SUBSECTOR, "").strip()
    return Buyer(number, name, sector, subsector, cells.get(col.LEGAL_FORM, "").strip(), verified)


def parse_row(number: int, cells: dict[str, str], layout: str) -> ParsedRow:
    """The row as stored, or RowRefused with the reason (in Swedish)."""
    key = cells.get(col.KEY, "").strip()
    if not key:
        raise RowRefused(N_("Upphandlings-ID saknas"))
    if len(key) > 80:
        raise RowRefused(N_("Upphandlings-ID är längre än 80 tecken"))
    year = _whole(cells.get(col.YEAR, ""), N_("Året"))
    if year is None or not 1990 <= year <= 2100:
        raise RowRefused(N_("året saknas eller är orimligt: %(value)s"), value=cells.get(col.YEAR, "")[:10])
    buyer = _buyer(cells)
    match = _CPV.match(cells.get(col.MAIN_CPV, ""))
    cpv_code = match.group(1) if match and match.group(1) != "00000000" else None
    title = " ".join(cells.get(col.TITLE, "").split())
    if not title:
        raise RowRefused(N_("titeln saknas"))
    row = ParsedRow(
        number=number,
        key=key,
        year=year,
        buyer=buyer,
        cpv_code=cpv_code,
        title=title[:TITLE_LENGTH],
        published_on=_date(cells.get(col.PUBLISHED, "")),
        procedure=cells.get(col.PROCEDURE, "").strip()[:120],
        contract_type=cells.get(col.CONTRACT_TYPE, "").strip()[:120],
        procurement_kind=cells.get(col.KIND, "").strip()[:60],
        is_coordinated=_flag(cells.get(col.COORDINATED, "")),
        is_innovation=_flag(cells.get(col.INNOVATION, "")),
        is_environmental=_flag(cells.get(col.ENVIRONMENTAL, "")),
        is_social=_flag(cells.get(col.SOCIAL, "")),
        is_dynamic=_flag(cells.get(col.DYNAMIC, "")),
        has_lots=_flag(cells.get(col.LOTS, "")),
    )
    if layout == col.VALUES:
        row.contracted_value_sek = _whole(cells.get(col.VALUE, ""), N_("Kontrakterat värde"))
    if layout in (col.TENDER_COUNTS, col.AWARDS):
        row.lot_key = cells.get(col.LOT_KEY, "").strip()
        if not row.lot_key:
            raise RowRefused(N_("Anbudsområdes-ID saknas"))
    if layout == col.TENDER_COUNTS:
        row.tenders = _whole(cells.get(col.TENDERS, ""), N_("Antalet anbud"))
    if layout == col.AWARDS:
        supplier = " ".join(cells.get(col.SUPPLIER, "").split())
        if not supplier:
            raise RowRefused(N_("leverantörens namn saknas"))
        row.supplier = {
            "name": supplier[:300],
            "size": cells.get(col.SUPPLIER_SIZE, "").strip()[:60],
            "sector": cells.get(col.SUPPLIER_SECTOR, "").strip()[:60],
            "legal_form": cells.get(col.SUPPLIER_LEGAL_FORM, "").strip()[:120],
            "sni": " / ".join(v for v in (cells.get(c, "").strip() for c in col.SUPPLIER_SNI) if v)[:200],
        }
        row.contracts = _whole(cells.get(col.SUPPLIER_CONTRACTS, ""), N_("Antalet kontrakterade anbud")) or 1
    if not buyer.verified:
        row.unverified.append(UNVERIFIED_ORG_NUMBER)
    if cpv_code is None:
        row.unverified.append(MISSING_CPV)
    if len(title) > TITLE_LENGTH:
        row.unverified.append(LONG_TITLE)
    if row.published_on is None:
        row.unverified.append(MISSING_DATE)
    return row
