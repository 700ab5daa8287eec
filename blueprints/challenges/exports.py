"""The filtered challenge list as CSV (semicolon, UTF-8 with BOM, as Swedish Excel expects) and XLSX."""

from datetime import date

from flask import Response
from flask_babel import gettext as _

from blueprints.accounts.models import User
from blueprints.challenges.constants import STATUSES
from blueprints.challenges.models import Challenge
from blueprints.challenges.queries import ChallengeFilter, all_matching
from blueprints.core.downloads import Sheet, csv_file, xlsx_file


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
    return csv_file(_columns(), (_values(c) for c in all_matching(flt, user)), _filename("csv"))


def export_xlsx(flt: ChallengeFilter, user: User) -> Response:
    """XLSX with typed cells: numbers as numbers, dates as dates."""
    rows = (_values(c) for c in all_matching(flt, user))
    return xlsx_file([Sheet(_("Utmaningar"), _columns(), rows)], _filename("xlsx"))
