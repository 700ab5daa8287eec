"""The filtered challenge list as CSV (semicolon, UTF-8 with BOM, as Swedish Excel expects) and XLSX."""

import csv
import io
from datetime import date

from flask import Response
from flask_babel import gettext as _

from blueprints.accounts.models import User
from blueprints.challenges.constants import STATUSES
from blueprints.challenges.models import Challenge
from blueprints.challenges.queries import ChallengeFilter, all_matching


def _columns() -> list[str]:
    return [
        _("Id"),
        _("Titel"),
        _("Organisation"),
        _("Organisationsnummer"),
        _("Län"),
        _("Behovsområde"),
        _("CPV-koder"),
        _("Status"),
        _("Årlig volym (kr)"),
        _("Planerat år"),
        _("Planerat kvartal"),
        _("Senast ändrad"),
    ]


def _values(c: Challenge) -> list[object]:
    return [
        c.id,
        c.title,
        c.organisation.name,
        c.organisation.org_number_display,
        c.organisation.county_name,
        c.need_area.name if c.need_area else "",
        " ".join(code.code for code in c.cpv_codes),
        str(STATUSES[c.status]),
        c.annual_volume_sek,
        c.planned_year,
        c.planned_quarter,
        c.updated_at.date() if c.updated_at else None,
    ]


def _filename(extension: str) -> str:
    return f"utmaningar-{date.today().isoformat()}.{extension}"


def export_csv(flt: ChallengeFilter, user: User) -> Response:
    """CSV with a header row; numbers without grouping so that spreadsheets read them as numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_columns())
    for challenge in all_matching(flt, user):
        writer.writerow(["" if v is None else v for v in _values(challenge)])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def export_xlsx(flt: ChallengeFilter, user: User) -> Response:
    """XLSX with typed cells: numbers as numbers, dates as dates."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Utmaningar"))
    sheet.append(_columns())
    for challenge in all_matching(flt, user):
        sheet.append(_values(challenge))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = Response(buffer.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
