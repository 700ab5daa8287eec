"""The filtered challenge list as CSV (semicolon, UTF-8 with BOM, as Swedish Excel expects) and XLSX."""

from datetime import date
from typing import Any

from flask import Response, current_app
from flask_babel import gettext as _

from blueprints.accounts.models import User
from blueprints.challenges.constants import STATUSES
from blueprints.challenges.models import Challenge
from blueprints.challenges.queries import ChallengeFilter, all_matching, count_matching
from blueprints.core.db import DomainError, db
from blueprints.core.downloads import Sheet, content_type_of, csv_bytes, download, xlsx_bytes
from blueprints.core.jobs import JobContext, enqueue
from blueprints.core.models import Job

EXPORT_JOB = "challenges.export"
FORMATS = ("csv", "xlsx")


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


def _file(flt: ChallengeFilter, user: User, fmt: str) -> tuple[str, bytes]:
    rows = (_values(c) for c in all_matching(flt, user))
    if fmt == "csv":
        return _filename("csv"), csv_bytes(_columns(), rows)
    return _filename("xlsx"), xlsx_bytes([Sheet(_("Utmaningar"), _columns(), rows)])


def too_long_for_a_request(args: dict[str, str], user: User) -> int | None:
    """How many rows the list (``args`` as the list page reads them) has when that is more than a request may
    write (EXPORT_IN_REQUEST_ROWS: an XLSX of 100,000 rows takes about a minute); None when it may."""
    count = count_matching(ChallengeFilter.from_args(args), user)
    return count if count > current_app.config["EXPORT_IN_REQUEST_ROWS"] else None


def download_now(args: dict[str, str], user: User, fmt: str) -> Response:
    """The list as CSV or XLSX, made in the request."""
    filename, data = _file(ChallengeFilter.from_args(args), user, fmt)
    return download(data, content_type_of(filename), filename)


def queue_export(args: dict[str, str], user: User, fmt: str) -> Job:
    """The list as a file made by the worker; its job's page offers it when done."""
    return enqueue(kind=EXPORT_JOB, params={"args": args, "format": fmt}, payload_name=_filename(fmt), actor=user)


def run_export_job(job: JobContext) -> dict[str, Any]:
    """The export job: the file, made for the person who asked for it (what they may see, then)."""
    user = db.session.get(User, job.job.created_by_id) if job.job.created_by_id else None
    if user is None or not user.is_active:
        raise DomainError(_("Den som bad om filen finns inte längre."))
    job.progress(0, 1, _("Skriver filen …"))
    filename, data = _file(ChallengeFilter.from_args(job.params["args"]), user, job.params["format"])
    job.deliver(filename, data)
    return {"bytes": len(data)}
