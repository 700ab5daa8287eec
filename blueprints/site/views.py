"""The start page (each area adds its sections), health checks, the accessibility statement and the language
switch."""

import hmac

from flask import abort, current_app, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from blueprints.core.access import current_user, for_machines, login_required, public
from blueprints.core.actions import perform
from blueprints.core.db import db
from blueprints.core.downloads import content_type_of, download
from blueprints.core.health import database_problem, storage_problem
from blueprints.core.htmx import render
from blueprints.core.i18n import chosen_language, remember_language
from blueprints.core.models import Job
from blueprints.core.observability import metrics_page
from blueprints.core.registry import areas
from blueprints.core.security import safe_next_url
from blueprints.site.blueprint import bp
from blueprints.site.policies import may_follow


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The signed-in person's start page: what needs them now, as each area sees it for their roles."""
    return render("site/index.html")


@bp.get("/healthz")
@for_machines
def healthz() -> ResponseReturnValue:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/readyz")
@for_machines
def readyz() -> ResponseReturnValue:
    """Readiness: the database answers and the upload folder takes files; 503 with what is wrong if not."""
    problems = {"database": database_problem(), "storage": storage_problem()}
    answer = {name: problem or "ok" for name, problem in problems.items()}
    if any(problems.values()):
        return jsonify(status="unavailable", **answer), 503
    return jsonify(status="ok", **answer), 200


@bp.get("/metrics")
@for_machines
def metrics() -> ResponseReturnValue:
    """Prometheus metrics, for a scraper holding METRICS_TOKEN (no such page without the setting)."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(401)
    return metrics_page()


@bp.get("/tillganglighet")
@public
def accessibility() -> ResponseReturnValue:
    """Tillgänglighetsredogörelse (accessibility statement)."""
    return render("site/accessibility.html")


def _remember_language(language: str) -> None:
    user = current_user()
    if user is not None:
        user.language = language


@bp.post("/sprak")
@public
def set_language() -> ResponseReturnValue:
    """Switch the interface language (saved on the profile when signed in, else in a cookie)."""
    language = chosen_language(request.form.get("language"))
    perform(lambda: _remember_language(language))
    return remember_language(redirect(safe_next_url(request.form.get("next"), url_for("site.index")), 303), language)


@bp.get("/jobb/<int:job_id>")
@login_required
def job(job_id: int) -> ResponseReturnValue:
    """How far a background job has come (polled by htmx while it runs), and its result when done. A job that
    failed answers 422: what was handed in (a file, say) could not be processed, as the page says."""
    found = db.get_or_404(Job, job_id)
    if not may_follow(found, current_user()):
        abort(404)
    kind = areas().jobs.get(found.kind)
    context = kind.context_for(found) if kind else {}
    status = 422 if found.is_failed else 200
    return render("site/job.html", block="progress", job=found, kind=kind, status=status, **context)


@bp.get("/jobb/<int:job_id>/fil")
@login_required
def job_file(job_id: int) -> ResponseReturnValue:
    """The file a done job made (an export), for the person who started it."""
    found = db.get_or_404(Job, job_id)
    if not may_follow(found, current_user()) or not found.has_file:
        abort(404)
    assert found.payload is not None
    return download(found.payload, content_type_of(found.payload_name), found.payload_name)
