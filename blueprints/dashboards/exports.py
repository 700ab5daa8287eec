"""The dashboard's tables as files: CSV (semicolon, UTF-8 with BOM and decimal comma, as Swedish Excel reads
it) and XLSX with typed cells (numbers as numbers, months as dates, shares as percentages), one sheet per
table."""

import csv
import io
import re
from datetime import date

from flask import Response

from blueprints.dashboards.figures import DAYS, HOURS, MONTH, PERCENT, RATING, SEK, TEXT, Dashboard, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {
    MONTH: "yyyy-mm",
    PERCENT: "0.0%",
    SEK: "#,##0",
    HOURS: "0.0",
    DAYS: "0.0",
    RATING: "0.0",
}


def _csv_value(value: object, unit: str) -> object:
    if value is None:
        return ""
    if unit == MONTH and isinstance(value, date):
        return value.strftime("%Y-%m")
    if isinstance(value, float):
        shown = value * 100 if unit == PERCENT else value
        return f"{shown:.1f}".replace(".", ",")
    return value


def _csv_header(table: Table) -> list[str]:
    return [f"{c.header} (%)" if c.unit == PERCENT else c.header for c in table.columns]


def table_csv(table: Table, filename: str) -> Response:
    """One table as CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_csv_header(table))
    for row in table.rows:
        writer.writerow([_csv_value(v, c.unit) for v, c in zip(row, table.columns, strict=True)])
    return _attachment(("\ufeff" + buffer.getvalue()).encode(), "text/csv; charset=utf-8", filename)


def tables_xlsx(tables: list[Table], filename: str) -> Response:
    """Tables as an XLSX workbook, one sheet per table, with typed and formatted cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title))
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for value, column in zip(row, table.columns, strict=True):
                cell = WriteOnlyCell(sheet, value=_xlsx_value(value, column.unit))
                if column.unit in NUMBER_FORMATS and value is not None:
                    cell.number_format = NUMBER_FORMATS[column.unit]
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(buffer.getvalue(), XLSX_TYPE, filename)


def _xlsx_value(value: object, unit: str) -> object:
    if unit == TEXT and value is not None:
        return str(value)
    return value


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name."""
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31]


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def all_tables(dashboard: Dashboard) -> list[Table]:
    """The key figures first, then every table of the dashboard."""
    return [dashboard.key_figures(), *dashboard.tables]
