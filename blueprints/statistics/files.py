"""Reading a Statistikdatabasen export: XLSX or CSV (UTF-8 or Windows-1252), any year, in one of its four
layouts, told apart by the header row. Every cell comes back as text; nothing is stored here."""

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.core.db import DomainError
from blueprints.core.spreadsheets import check_unpacked_size, is_xlsx, refuse_too_many_rows, xlsx_rows

MAX_BYTES = 40 * 1024 * 1024
MAX_ROWS = 500_000

# The columns every layout starts with (the names are Statistikdatabasen's own).
YEAR = "År"
BUYER_NAME = "Namn för köpare"
BUYER_NUMBER = "Organisationsnummer för köpare"
SECTOR = "Sektor för köpare"
SUBSECTOR = "Delsektor för köpare"
LEGAL_FORM = "Juridisk form för köpare"
KIND = "Upphandlingsslag"
MAIN_CPV = "Huvudsaklig CPV-kod"
PROCEDURE = "Förfarande"
CONTRACT_TYPE = "Typ av avtal"
DYNAMIC = "Dynamiskt inköpssystem"
LOTS = "Anbudsområden"
COORDINATED = "Samordnad upphandling"
ENVIRONMENTAL = "Miljömässigt hållbar upphandling"
SOCIAL = "Socialt hållbar upphandling"
INNOVATION = "Innovationsupphandling"
KEY = "Upphandlings-ID"
TITLE = "Upphandlingens titel"
PUBLISHED = "Publiceringsdatum"
LOT_KEY = "Anbudsområdes-ID"
COUNT = "Antal upphandlingar, Summa"
VALUE = "Kontrakterat värde, Summa"
TENDERS = "Antal anbud, Summa"
SUPPLIER = "Namn för leverantör"
SUPPLIER_SECTOR = "Sektor för leverantör"
SUPPLIER_SIZE = "Företagsstorlek för leverantör"
SUPPLIER_LEGAL_FORM = "Juridisk form för leverantör"
SUPPLIER_CONTRACTS = "Antal kontrakterade anbud*, Summa"
SUPPLIER_SNI = (
    "SNI-Avdelning för leverantör",
    "SNI-Huvudgrupp för leverantör",
    "SNI-Grupp för leverantör",
    "SNI-Undergrupp för leverantör",
    "SNI-Detaljgrupp för leverantör",
)

COMMON = (YEAR, BUYER_NAME, BUYER_NUMBER, SECTOR, MAIN_CPV, KEY, TITLE, PUBLISHED)

# Layouts: the columns (beyond COMMON) that tell each apart.
PROCUREMENTS, VALUES, TENDER_COUNTS, AWARDS = "procurements", "values", "tenders", "awards"
LAYOUTS = {
    PROCUREMENTS: (COUNT,),
    VALUES: (VALUE,),
    TENDER_COUNTS: (LOT_KEY, TENDERS),
    AWARDS: (LOT_KEY, SUPPLIER),
}
LAYOUT_NAMES = {
    PROCUREMENTS: _l("Antal upphandlingar"),
    VALUES: _l("Kontrakterat värde"),
    TENDER_COUNTS: _l("Antal anbud per anbudsområde"),
    AWARDS: _l("Kontrakterade anbud med leverantörer"),
}


@dataclass
class Table:
    """A file's rows as text, with its layout and header (``rows`` yields (row number, {column: text}))."""

    layout: str
    header: list[str]
    cells: list[list[str]]
    first_row_number: int

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each data row by its number in the file (the header is row 1), as {column: text}."""
        for offset, cells in enumerate(self.cells):
            if any(cells):
                yield self.first_row_number + offset, dict(zip(self.header, cells, strict=False))

    def __len__(self) -> int:
        return len(self.cells)


def _text(value: object) -> str:
    """A cell as text: numbers without a needless ".0", dates as ISO, formulas as the text they are."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


# A cell holding a formula in a worksheet's XML: <c r="D12" ...><f>...</f> (the reference is what a person finds).
_FORMULA = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"[^>]*>(?:<v>[^<]*</v>|<is>.*?</is>)?<f[ >/]', re.S)


def _formula_in_sheet(content: bytes) -> str | None:
    """The first cell of the first sheet that holds a formula ("D12"), or None. A formula's value is only what
    the program that saved the file last computed, so a file of formulas is refused, not guessed at."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        check_unpacked_size(archive)
        names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        if not names:
            return None
        with archive.open(names[0]) as sheet:
            data = sheet.read()
    if b"<f" not in data:
        return None
    match = _FORMULA.search(data)
    return match.group(1).decode() if match else "?"


def _refuse_formula(cell: str) -> None:
    raise DomainError(
        _(
            "Cell %(cell)s innehåller en formel. Spara filen med värden i stället för formler (kopiera och klistra "
            "in som värden) och importera den igen.",
            cell=cell,
        ),
        field="file",
    )


def _refuse_formulas_in_sheet(content: bytes) -> None:
    try:
        formula_cell = _formula_in_sheet(content)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise DomainError(_("Filen kunde inte läsas som XLSX: den verkar vara skadad."), field="file") from error
    if formula_cell:
        _refuse_formula(formula_cell)


def _xlsx_cells(content: bytes) -> list[list[str]]:
    _refuse_formulas_in_sheet(content)
    return [[_text(cell) for cell in row] for row in xlsx_rows(content, max_rows=MAX_ROWS)]


def _csv_cells(content: bytes, check_formulas: bool = True) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _windows_1252(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise DomainError(_("Filen kunde inte läsas som CSV: %(error)s", error=str(error)), field="file") from error
    refuse_too_many_rows(len(rows), MAX_ROWS)
    cells = [[cell.strip() for cell in row] for row in rows]
    for number, row in enumerate(cells if check_formulas else [], start=1):
        for index, cell in enumerate(row):
            if cell.startswith("=") and len(cell) > 1:
                _refuse_formula(f"{_column_letters(index)}{number}")
    return cells


def _column_letters(index: int) -> str:
    """A column's name as a spreadsheet shows it: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _windows_1252(content: bytes) -> str:
    """A CSV file saved by Excel in Windows' own encoding (not UTF-8)."""
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise DomainError(
            _("Filen kunde inte läsas: spara den som XLSX eller som CSV i UTF-8."), field="file"
        ) from error


def _check_size(content: bytes) -> None:
    if len(content) > MAX_BYTES:
        raise DomainError(
            _("Filen är för stor (högst %(mb)s MB).", mb=MAX_BYTES // (1024 * 1024)), field="file", status_code=413
        )
    if not content.strip():
        raise DomainError(_("Filen är tom."), field="file")


def _is_xlsx(content: bytes) -> bool:
    """An XLSX file (a zip archive), readable as one; else CSV is assumed."""
    if not is_xlsx(content):
        return False
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise DomainError(_("Filen kunde inte läsas som XLSX: den verkar vara skadad."), field="file")
    return True


def _header(cells: list[list[str]]) -> tuple[int, list[str]]:
    """(index, header) of the first row naming the common columns, among the first 20."""
    for index, row in enumerate(cells[:20]):
        header = [cell.strip() for cell in row]
        if set(COMMON) <= set(header):
            return index, header
    raise DomainError(
        _(
            "Filen är inte en export ur Statistikdatabasen: rubrikraden ska bland annat ha kolumnerna %(columns)s.",
            columns=", ".join(COMMON),
        ),
        field="file",
    )


def check_upload(content: bytes) -> None:
    """What can be told of an upload at once, before it is queued: its size, that an XLSX file opens and holds
    no formulas, that a CSV file is an export of a known layout. The rows are read by the worker."""
    _check_size(content)
    if _is_xlsx(content):
        _refuse_formulas_in_sheet(content)
        return
    head = content[: 64 * 1024]
    lines = _csv_cells(head[: head.rfind(b"\n") + 1] or head, check_formulas=False)
    _layout(_header(lines)[1])


def read_table(filename: str, content: bytes) -> Table:
    """The file's rows, or a DomainError naming what is wrong (too large, unreadable, not an export)."""
    _check_size(content)
    cells = _xlsx_cells(content) if _is_xlsx(content) else _csv_cells(content)
    while cells and not any(cells[-1]):
        cells.pop()
    index, header = _header(cells)
    return Table(_layout(header), header, cells[index + 1 :], index + 2)


def _layout(header: list[str]) -> str:
    for layout, columns in LAYOUTS.items():
        if set(columns) <= set(header):
            return layout
    raise DomainError(
        _(
            "Kolumnerna känns inte igen. Den sista kolumnen ska vara %(columns)s.",
            columns=", ".join(f"”{c[-1]}”" for c in LAYOUTS.values()),
        ),
        field="file",
    )
