"""Files people download: CSV as Swedish Excel reads it (semicolon, UTF-8 with BOM), XLSX workbooks with
typed cells (one sheet per table, bold headers, number formats), and any other body as an attachment."""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask import Response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body: bytes | str, content_type: str, filename: str, *, inline: bool = False) -> Response:
    """``body`` sent as a file to save under ``filename`` (``inline``: to show in the page, a picture)."""
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


# A text that a spreadsheet would take for a formula (OWASP's CSV injection rule), and the control characters
# XML 1.0, and so XLSX, cannot hold.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")  # "-28,6", a figure written the Swedish way: read as a number


def safe_cell(value: object) -> object:
    """A value as it may go into a downloaded sheet: text that begins like a formula gets a leading apostrophe
    (so it stays text: `=HYPERLINK(...)` is shown, never run) unless it is a plain number ("-28,6"), control
    characters are dropped; numbers, dates and everything else stay as they are (typed)."""
    if not isinstance(value, str):
        return value
    text = CONTROL_CHARACTERS.sub("", value)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


CSV_TYPE = "text/csv; charset=utf-8"


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file's bytes: a header row, then the rows (None written as an empty cell; text made safe)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_cell(text) for text in header])
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_file(header: Sequence[str], rows: Iterable[Sequence[object]], filename: str) -> Response:
    """A CSV file to download (see ``csv_bytes``)."""
    return download(csv_bytes(header, rows), CSV_TYPE, filename)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook; ``number_formats`` by column index (applied to cells that hold a value)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    number_formats: dict[int, str] = field(default_factory=dict)


def xlsx_file(sheets: Iterable[Sheet], filename: str) -> Response:
    """An XLSX workbook to download (see ``xlsx_bytes``)."""
    return download(xlsx_bytes(sheets), XLSX_TYPE, filename)


def content_type_of(filename: str) -> str:
    """The type to send a made file with, by its name's ending."""
    return {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX workbook's bytes, written row by row (numbers stay numbers, dates stay dates)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        page = workbook.create_sheet(_sheet_title(sheet.title))
        header = [WriteOnlyCell(page, value=safe_cell(text)) for text in sheet.header]
        for cell in header:
            cell.font = bold
        page.append(header)
        for row in sheet.rows:
            cells = []
            for index, value in enumerate(row):
                cell = WriteOnlyCell(page, value=safe_cell(value))
                if value is not None and index in sheet.number_formats:
                    cell.number_format = sheet.number_formats[index]
                cells.append(cell)
            page.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name."""
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31]
