"""Who makes each request: the server-side session behind the cookie, or a personal API token on API views."""

from flask import Flask, g, request, session

from blueprints.accounts.models import User
from blueprints.accounts.services import find_live_session, start_session, touch_session, user_for_api_token
from blueprints.core.access import access_policy, is_for_machines

SESSION_KEY = "sid"
# Endpoints that must not count as activity (the idle-timeout check itself).
PASSIVE_ENDPOINTS = {"accounts.session_status"}


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def load_current_user() -> None:
    """Set ``g.user`` / ``g.user_session`` from the live session of the cookie; on API views a bearer token
    names the user instead (``g.bearer_token_refused`` when it is unknown or revoked)."""
    g.user = None
    g.user_session = None
    if request.endpoint == "static" or is_for_machines(request.endpoint):
        return
    token = _bearer_token()
    if token is not None and request.endpoint and (access_policy(request.endpoint) or ("",))[0] == "api":
        g.user = user_for_api_token(token)
        g.bearer_token_refused = g.user is None
        return
    key = session.get(SESSION_KEY)
    user_session = find_live_session(key)
    if user_session is None:
        if key:
            session.clear()
        return
    if request.endpoint not in PASSIVE_ENDPOINTS:
        touch_session(user_session)
    g.user = user_session.user
    g.user_session = user_session


def sign_in_browser(user: User) -> None:
    """Start a server-side session for ``user`` in this browser, with a fresh cookie: nothing from before
    (session fixation) carries over."""
    session.clear()
    session[SESSION_KEY] = start_session(user=user)


def init_identify(app: Flask) -> None:
    """Identify the person before every request, first of all (access checks and audit events ask who it is)."""
    app.before_request_funcs.setdefault(None, []).insert(0, load_current_user)
