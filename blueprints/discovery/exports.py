"""The discovery result as a file: one row per organisation (CSV for Swedish Excel, or XLSX with typed cells)."""

from collections.abc import Mapping
from typing import Any

from flask import Response
from flask_babel import gettext as _

from blueprints.core.downloads import Sheet, csv_file, xlsx_file
from blueprints.statistics.buyers import BuyerRow


def _header() -> list[str]:
    return [
        _("Organisation"),
        _("Organisationsnummer"),
        _("Län"),
        _("Typ"),
        _("Upphandlingar"),
        _("Kontrakterat värde (kr)"),
        _("Senast publicerad"),
        _("Samordnade upphandlingar"),
        _("Nätverk"),
        _("Har en utmaning inom området"),
    ]


def _row(row: BuyerRow, counties: Mapping[str, Any], kinds: Mapping[str, Any]) -> list[Any]:
    return [
        row.name,
        row.org_number_display,
        counties.get(row.county_code or "", ""),
        str(kinds.get(row.kind, row.kind)),
        row.procurements,
        row.value_sek,
        row.latest,
        row.coordinated,
        ", ".join(name for _id, name in row.in_networks),
        _("Ja") if row.has_challenge else _("Nej"),
    ]


def buyers_file(
    rows: list[BuyerRow], file_type: str, counties: Mapping[str, Any], kinds: Mapping[str, Any]
) -> Response:
    """The rows as ``hitta-natverk.csv`` or ``hitta-natverk.xlsx``."""
    values = [_row(row, counties, kinds) for row in rows]
    if file_type == "csv":
        return csv_file(_header(), values, "hitta-natverk.csv")
    sheet = Sheet(_("Organisationer"), _header(), values, {5: "#,##0", 6: "yyyy-mm-dd"})
    return xlsx_file([sheet], "hitta-natverk.xlsx")
