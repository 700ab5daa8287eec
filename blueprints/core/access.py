"""Who may do what: the signed-in person, named permissions, and the access decorators every view must carry.

Authorisation is deny-by-default: a request to an endpoint whose view declares no policy is refused (see
``enforce_declared_policy``). Views declare one of ``public``, ``login_required``, ``permission_required``
or ``api_permission_required``. Who the person is, is the accounts area's business: it sets ``g.user`` (a
``Person``) before each request; core only asks it questions.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol, TypeVar, cast

from flask import Flask, abort, current_app, g, jsonify, make_response, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from blueprints.core.htmx import is_htmx

F = TypeVar("F", bound=Callable[..., Any])


class Person(Protocol):
    """What access checks need to know of a signed-in user (the accounts area's ``User`` is one)."""

    id: int
    organisation_id: int | None

    def has_role(self, *roles: str) -> bool:
        """True when the person holds any of ``roles``."""
        ...

    @property
    def is_staff(self) -> bool:
        """Agency staff: facilitators, managers and admins."""
        ...


@dataclass(frozen=True)
class Permission:
    """Something a person may do, held through one of ``roles``. Each area declares its permissions once (in its
    ``policies`` module); views, services and templates all ask the same object."""

    name: str
    roles: tuple[str, ...]

    def __call__(self, person: Person | None) -> bool:
        """True when ``person`` (None: nobody signed in) holds the permission."""
        return person is not None and person.has_role(*self.roles)


def current_user() -> Any:
    """The signed-in person of this request (a ``Person``), or None."""
    return g.get("user")


def _declare(view: F, policy: tuple[str, ...]) -> F:
    view.access_policy = policy  # type: ignore[attr-defined]
    return view


def access_policy(endpoint: str) -> tuple[str, ...] | None:
    """The policy the endpoint's view declares, or None when it declares none."""
    return getattr(current_app.view_functions.get(endpoint), "access_policy", None)


def public(view: F) -> F:
    """Anyone may use this view, signed in or not."""
    return _declare(view, ("public",))


def for_machines(view: F) -> F:
    """Anyone may use this view, and it never asks who: health checks and metrics answer without reading a
    session (so a liveness check does not depend on the database)."""
    return _declare(view, ("public", "machines"))


def is_for_machines(endpoint: str | None) -> bool:
    """True for a view declared ``for_machines``."""
    return endpoint is not None and "machines" in (access_policy(endpoint) or ())


def login_redirect() -> BaseResponse:
    """To the login page, back here afterwards (a GET); an htmx request sends the whole page there."""
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
            return login_redirect()
        return view(*args, **kwargs)

    return _declare(cast(F, wrapped), ("login",))


def permission_required(permission: Permission) -> Callable[[F], F]:
    """Only signed-in users holding ``permission``; others get 403 (or the login page)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return login_redirect()
            if not permission(user):
                abort(403)
            return view(*args, **kwargs)

        return _declare(cast(F, wrapped), ("roles", *permission.roles))

    return decorator


def json_error(status: int, message: str) -> ResponseReturnValue:
    """An API error: {"error": message} with the status (401 names the Bearer scheme)."""
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kopkraft"'
    return response


def api_permission_required(permission: Permission) -> Callable[[F], F]:
    """An API view: a personal token (``Authorization: Bearer ...``, read by the accounts area) or a signed-in
    session holding ``permission``; errors are JSON (401 without valid credentials, 403 without permission)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.get("bearer_token_refused"):
                return json_error(401, gettext("API-nyckeln är ogiltig eller återkallad."))
            user = current_user()
            if user is None:
                return json_error(401, gettext("Logga in eller skicka en API-nyckel (Authorization: Bearer ...)."))
            if not permission(user):
                return json_error(403, gettext("Du har inte behörighet till API:et."))
            return view(*args, **kwargs)

        return _declare(cast(F, wrapped), ("api", *permission.roles))

    return decorator


def enforce_declared_policy() -> None:
    """Refuse any endpoint whose view declares no access policy (deny by default)."""
    if request.endpoint is None or request.endpoint == "static":
        return
    if access_policy(request.endpoint) is None:
        abort(403)


def init_access(app: Flask) -> None:
    """Install the deny-by-default check and the ``current_user`` template global."""
    app.before_request(enforce_declared_policy)
    app.jinja_env.globals["current_user"] = current_user
