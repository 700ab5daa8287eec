"""Start page, health checks, the accessibility statement and the language switch."""

from typing import Any

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
    """The signed-in user's start page: what needs them now, by role (network invitations for everyone; the
    own queue, sessions and follow-ups for facilitators; the organisation's challenges, requests and bookings
    for buyers)."""
    from blueprints.accounts.roles import BUYER, FACILITATOR
    from blueprints.challenges.constants import STATUSES as CHALLENGE_STATUSES
    from blueprints.challenges.queries import latest_challenges_of
    from blueprints.networks.constants import MEMBER_ROLES
    from blueprints.networks.queries import networks_of, pending_invitations
    from blueprints.support import queries as support
    from blueprints.support.constants import REQUEST_STATUSES, SUPPORT_KINDS

    user = current_user()
    assert user is not None
    context: dict[str, Any] = {}
    if user.has_role(FACILITATOR):
        context["my_queue"] = support.assigned_open_requests(user.id)
        context["awaiting_decision"] = support.awaiting_decision_count()
        context["to_follow_up"] = support.sessions_to_follow_up(user)
    if user.has_role(BUYER):
        context["our_challenges"] = latest_challenges_of(user.organisation_id)
        context["our_requests"] = support.latest_requests_of(user.organisation_id)
    if user.has_role(FACILITATOR, BUYER):
        context["upcoming"] = support.upcoming_sessions(user, limit=5)
    return render(
        "core/index.html",
        invitations=pending_invitations(user),
        my_networks=networks_of(user.organisation_id),
        member_roles=MEMBER_ROLES,
        challenge_statuses=CHALLENGE_STATUSES,
        request_statuses=REQUEST_STATUSES,
        kinds=SUPPORT_KINDS,
        **context,
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
