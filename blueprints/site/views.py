"""The start page (each area adds its sections), health checks, the accessibility statement and the language
switch."""

import sqlalchemy as sa
from flask import abort, current_app, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from blueprints.core.access import current_user, login_required, public
from blueprints.core.actions import perform
from blueprints.core.db import db
from blueprints.core.htmx import render
from blueprints.core.models import Job
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
@public
def healthz() -> ResponseReturnValue:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/readyz")
@public
def readyz() -> ResponseReturnValue:
    """Readiness: the database answers."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


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
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    perform(lambda: _remember_language(language))
    response = redirect(safe_next_url(request.form.get("next"), url_for("site.index")), 303)
    response.set_cookie(
        "lang",
        language,
        max_age=365 * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


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
