"""Views: upload a Statistikdatabasen export (imported by the worker, followed on the job's page), and the
history of imports with their reports."""

from flask import g, redirect, url_for
from flask.typing import ResponseReturnValue

from blueprints.core.access import permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.htmx import render
from blueprints.statistics.blueprint import bp
from blueprints.statistics.forms import StatisticsUploadForm
from blueprints.statistics.policies import IMPORT_STATISTICS
from blueprints.statistics.queries import recent_imports, statistics_overview
from blueprints.statistics.services import queue_import


@bp.route("/statistik/import", methods=["GET", "POST"])
@permission_required(IMPORT_STATISTICS)
def upload() -> ResponseReturnValue:
    """Upload an export: the worker imports it (all rows or none) while the page shows how far it has come."""
    form = StatisticsUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        job = perform(
            lambda: queue_import(filename=upload.filename or "", content=upload.read(), actor=g.user), form=form
        )
        if job is not None:
            return redirect(url_for("site.job", job_id=job.id), 303)
    return render(
        "statistics/upload.html",
        form=form,
        imports=recent_imports(),
        overview=statistics_overview(),
        status=form_status(form),
    )
