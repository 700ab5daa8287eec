"""Who may do what: the current user, and the access decorators every view must carry.

Authorisation is deny-by-default: a request to an endpoint whose view has no declared policy is refused
(see ``enforce_declared_policy``). Views declare one of ``public``, ``login_required`` or ``role_required``.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, current_app, g, jsonify, make_response, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from blueprints.accounts.models import User
from blueprints.accounts.services import find_live_session, touch_session, user_for_api_token
from blueprints.core.htmx import is_htmx

F = TypeVar("F", bound=Callable[..., Any])

SESSION_KEY = "sid"
# Endpoints that must not count as activity (the idle-timeout check itself).
PASSIVE_ENDPOINTS = {"accounts.session_status"}


def current_user() -> User | None:
    """The signed-in user of this request, or None."""
    return cast(User | None, g.get("user"))


def _declare(view: F, policy: tuple[str, ...]) -> F:
    view.access_policy = policy  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """Anyone may use this view, signed in or not."""
    return _declare(view, ("public",))


def _login_redirect() -> ResponseReturnValue:
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    login_url = url_for("accounts.login", next=target) if target else url_for("accounts.login")
    if is_htmx():
        # A fragment must never become a login form: send the whole page there instead.
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return response
    return redirect(login_url)


def login_required(view: F) -> F:
    """Only signed-in users; others go to the login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return _login_redirect()
        return view(*args, **kwargs)

    return _declare(cast(F, wrapped), ("login",))


def role_required(*roles: str) -> Callable[[F], F]:
    """Only signed-in users holding one of ``roles``; others get 403 (or the login page)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return _login_redirect()
            if not user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return _declare(cast(F, wrapped), ("roles", *roles))

    return decorator


def json_error(status: int, message: str) -> ResponseReturnValue:
    """An API error: {"error": message} with the status (401 names the Bearer scheme)."""
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kopkraft"'
    return response


def api_role_required(*roles: str) -> Callable[[F], F]:
    """An API view: a personal token (``Authorization: Bearer ...``) or a signed-in session holding one of
    ``roles``; errors are JSON (401 without credentials, 403 for other roles)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            if header.lower().startswith("bearer "):
                g.user = user_for_api_token(header[7:].strip())
                if g.user is None:
                    return json_error(401, gettext("API-nyckeln är ogiltig eller återkallad."))
            elif current_user() is None:
                return json_error(401, gettext("Logga in eller skicka en API-nyckel (Authorization: Bearer ...)."))
            if not g.user.has_role(*roles):
                return json_error(403, gettext("Du har inte behörighet till API:et."))
            return view(*args, **kwargs)

        return _declare(cast(F, wrapped), ("api", *roles))

    return decorator


def load_current_user() -> None:
    """Find the live server-side session for the cookie and set ``g.user`` / ``g.user_session``."""
    g.user = None
    g.user_session = None
    if request.endpoint == "static":
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


def enforce_declared_policy() -> None:
    """Refuse any endpoint whose view declares no access policy (deny by default)."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "access_policy", None) is None:
        abort(403)


def init_access(app: Flask) -> None:
    """Install the per-request hooks and the ``current_user`` template global."""
    app.before_request(load_current_user)
    app.before_request(enforce_declared_policy)
    app.jinja_env.globals["current_user"] = current_user
