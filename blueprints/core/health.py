"""Readiness checks, for ``/readyz`` (the load balancer) and the admins' operations page: the database answers,
and the upload folder takes files (writable, with room left); and the counts both pages show."""

import shutil
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from blueprints.core.db import db


def database_problem() -> str | None:
    """None when the database answers, else what is wrong."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        cause = getattr(error, "orig", None) or error
        return f"unreachable ({type(cause).__name__})"
    return None


def storage_problem() -> str | None:
    """None when a file can be written to UPLOAD_DIR and at least UPLOAD_MIN_FREE_MB are free, else why not."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-") as probe:
            probe.write(b"ok")
            probe.flush()
        free = shutil.disk_usage(folder).free
    except OSError as error:
        return f"not writable ({error.strerror or type(error).__name__})"
    if free < current_app.config["UPLOAD_MIN_FREE_MB"] * 1024 * 1024:
        return f"almost full ({free // (1024 * 1024)} MB free)"
    return None


def count_by_status(status: Any) -> dict[str, int]:
    """How many rows hold each value of a status column (the outbox's, the jobs')."""
    return {value: count for value, count in db.session.execute(sa.select(status, sa.func.count()).group_by(status))}
