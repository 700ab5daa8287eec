"""The dashboard's tables as files: CSV (with a decimal comma, shares in percent) and XLSX with typed cells
(numbers as numbers, months as dates, shares as percentages), one sheet per table."""

from datetime import date

from flask import Response

from blueprints.core.downloads import Sheet, csv_file, xlsx_file
from blueprints.dashboards.figures import DAYS, HOURS, MONTH, PERCENT, RATING, SEK, TEXT, Table

NUMBER_FORMATS = {MONTH: "yyyy-mm", PERCENT: "0.0%", SEK: "#,##0", HOURS: "0.0", DAYS: "0.0", RATING: "0.0"}


def _csv_value(value: object, unit: str) -> object:
    if unit == MONTH and isinstance(value, date):
        return value.strftime("%Y-%m")
    if isinstance(value, float):
        shown = value * 100 if unit == PERCENT else value
        return f"{shown:.1f}".replace(".", ",")
    return value


def table_csv(table: Table, filename: str) -> Response:
    """One table as CSV; the header of a share says it is in percent."""
    header = [f"{c.header} (%)" if c.unit == PERCENT else c.header for c in table.columns]
    rows = ([_csv_value(v, c.unit) for v, c in zip(row, table.columns, strict=True)] for row in table.rows)
    return csv_file(header, rows, filename)


def tables_xlsx(tables: list[Table], filename: str) -> Response:
    """Tables as one workbook, a sheet each."""
    return xlsx_file((_sheet(table) for table in tables), filename)


def _sheet(table: Table) -> Sheet:
    units = [c.unit for c in table.columns]
    rows = (
        [str(v) if u == TEXT and v is not None else v for v, u in zip(row, units, strict=True)] for row in table.rows
    )
    formats = {i: NUMBER_FORMATS[u] for i, u in enumerate(units) if u in NUMBER_FORMATS}
    return Sheet(table.title, [c.header for c in table.columns], rows, formats)
