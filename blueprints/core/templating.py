"""Template globals: the navigation the user's roles may see, and session-timeout data for the page."""

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from blueprints.accounts.roles import ADMIN, FACILITATOR, ROLE_LABELS, STAFF
from blueprints.core.htmx import is_partial


@dataclass(frozen=True)
class NavItem:
    """One link in the header."""

    endpoint: str
    label: Any
    roles: tuple[str, ...] | None  # None: every signed-in user

    def active(self) -> bool:
        """True on this area's pages (same blueprint and path prefix)."""
        endpoint = request.endpoint or ""
        return endpoint == self.endpoint or (
            endpoint.split(".")[0] == self.endpoint.split(".")[0]
            and self.endpoint.split(".")[0] != "core"
            and self.endpoint != "accounts.invite"
        )


NAVIGATION = (
    NavItem("core.index", _l("Start"), None),
    NavItem("challenges.index", _l("Utmaningar"), None),
    NavItem("networks.index", _l("Nätverk"), None),
    NavItem("support.index", _l("Stöd"), None),
    NavItem("organisations.index", _l("Organisationer"), STAFF),
    NavItem("dashboards.index", _l("Översikt"), STAFF),
    NavItem("accounts.invite", _l("Bjud in"), (FACILITATOR, ADMIN)),
    NavItem("admin.users", _l("Administration"), (ADMIN,)),
)


def navigation() -> list[NavItem]:
    """The header links the signed-in user may follow."""
    user = g.get("user")
    if user is None:
        return []
    return [item for item in NAVIGATION if item.roles is None or user.has_role(*item.roles)]


def session_timeout_seconds() -> int:
    """Idle-timeout length, for the "Förläng sessionen" warning."""
    return int(current_app.config["SESSION_IDLE_MINUTES"] * 60)


def inline_validation(url: str) -> dict[str, str]:
    """htmx attributes that post the enclosing form to ``url`` as the user leaves a field, and swap the
    field (its label, hint and message) with the server's answer."""
    return {"hx-post": url, "hx-trigger": "change", "hx-target": "closest .field", "hx-swap": "outerHTML"}


def init_templating(app: Flask) -> None:
    """Register the globals."""
    app.jinja_env.globals.update(
        navigation=navigation,
        session_timeout_seconds=session_timeout_seconds,
        session_warning_seconds=lambda: int(current_app.config["SESSION_WARNING_MINUTES"] * 60),
        is_partial=is_partial,
        get_locale=get_locale,
        inline_validation=inline_validation,
    )
    app.jinja_env.filters["role_label"] = lambda role: str(ROLE_LABELS.get(role, role))
    app.jinja_env.filters["combine"] = lambda first, second: {**first, **second}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
