"""The statistics import as a background job: the worker checks and stores the upload, reporting progress."""

from typing import Any

from flask_babel import gettext

from blueprints.core.db import db
from blueprints.core.jobs import JobContext
from blueprints.statistics.files import LAYOUT_NAMES
from blueprints.statistics.imports import import_file
from blueprints.statistics.models import StatisticsImport

IMPORT_JOB = "statistics.import"


def run_import(context: JobContext) -> dict[str, Any]:
    """Import the uploaded file; the result names the import's record (its report)."""
    record = import_file(
        filename=context.payload_name,
        content=context.payload,
        imported_by_id=context.job.created_by_id,
        progress=context.progress,
    )
    return {"import_id": record.id}


def import_result_context(result: dict[str, Any]) -> dict[str, Any]:
    """What the job page shows of an import: its record, or the rows that refused it."""
    import_id = result.get("import_id")
    return {
        "record": db.session.get(StatisticsImport, import_id) if import_id else None,
        "layout_names": LAYOUT_NAMES,
        "translated_params": _translated_params,
    }


def _translated_params(params: dict[str, str]) -> dict[str, str]:
    """A refusal's parameters for its message; the name of a column ("what") is a msgid of its own."""
    return {name: gettext(value) if name == "what" else value for name, value in params.items()}
