"""Template globals and filters every area's templates use: session-timeout data, htmx helpers, role names."""

from typing import Any

from flask import Flask, current_app
from flask_babel import get_locale

from blueprints.core.htmx import is_partial
from blueprints.core.roles import ROLE_LABELS


def session_timeout_seconds() -> int:
    """Idle-timeout length, for the "Förläng sessionen" warning."""
    return int(current_app.config["SESSION_IDLE_MINUTES"] * 60)


def inline_validation(url: str) -> dict[str, str]:
    """htmx attributes that post the enclosing form to ``url`` as the user leaves a field, and swap the
    field (its label, hint and message) with the server's answer."""
    return {"hx-post": url, "hx-trigger": "change", "hx-target": "closest .field", "hx-swap": "outerHTML"}


def role_label(role: str) -> str:
    """A role's name in the user's language."""
    return str(ROLE_LABELS.get(role, role))


def combine(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Two dicts as one (the second wins)."""
    return {**first, **second}


def init_templating(app: Flask) -> None:
    """Register the globals and filters."""
    app.jinja_env.globals.update(
        session_timeout_seconds=session_timeout_seconds,
        session_warning_seconds=lambda: int(current_app.config["SESSION_WARNING_MINUTES"] * 60),
        is_partial=is_partial,
        get_locale=get_locale,
        inline_validation=inline_validation,
    )
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["combine"] = combine
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
