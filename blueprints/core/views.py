"""Start page, health checks, the accessibility statement and the language switch."""

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from blueprints.accounts.access import current_user, login_required, public
from blueprints.core import bp
from blueprints.core.db import db
from blueprints.core.htmx import render
from blueprints.core.security import safe_next_url


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The signed-in user's start page: with the organisation's open network invitations and networks."""
    from blueprints.networks.constants import MEMBER_ROLES
    from blueprints.networks.queries import networks_of, pending_invitations

    user = current_user()
    assert user is not None
    return render(
        "core/index.html",
        invitations=pending_invitations(user),
        my_networks=networks_of(user.organisation_id),
        member_roles=MEMBER_ROLES,
    )


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
    return render("core/accessibility.html")


@bp.post("/sprak")
@public
def set_language() -> ResponseReturnValue:
    """Switch the interface language (saved on the profile when signed in, else in a cookie)."""
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    user = current_user()
    if user is not None:
        user.language = language
        db.session.commit()
    response = redirect(safe_next_url(request.form.get("next"), url_for("core.index")), 303)
    response.set_cookie(
        "lang",
        language,
        max_age=365 * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
