"""Writes of the statistics area: queueing an uploaded export for the worker."""

from typing import Any

from blueprints.core.jobs import enqueue
from blueprints.core.models import Job
from blueprints.statistics.files import check_upload
from blueprints.statistics.jobs import IMPORT_JOB


def queue_import(*, filename: str, content: bytes, actor: Any) -> Job:
    """Queue an uploaded export for import after the checks that take no time (size, an XLSX that opens, a CSV
    of a known layout); the worker checks every row, and nothing is stored until it has."""
    check_upload(content)
    return enqueue(kind=IMPORT_JOB, payload=content, payload_name=filename or "statistik.xlsx", actor=actor)
