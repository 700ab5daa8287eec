"""Core, the ground floor: the database and its helpers, access checks and roles, htmx helpers, security
headers, errors, i18n, the e-mail outbox, the audit log, and the registry areas add themselves to.

Core imports no area. ``init_app`` installs core's parts; each area then wires itself in with its own
``init_app`` (see ``app.py`` and docs/architecture.md).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Install i18n, access checks, error answers, security headers, template helpers, the registry and core's
    commands."""
    from blueprints.core import models  # noqa: F401 (the outbox and audit tables)
    from blueprints.core.access import init_access
    from blueprints.core.actions import init_actions
    from blueprints.core.audit import CORE_ACTIONS, init_audit
    from blueprints.core.cli import register_cli
    from blueprints.core.errors import init_errors
    from blueprints.core.i18n import init_i18n
    from blueprints.core.observability import init_observability
    from blueprints.core.registry import init_registry
    from blueprints.core.retention import TASKS
    from blueprints.core.security import init_security
    from blueprints.core.templating import init_templating
    from blueprints.core.versions import init_versions

    init_observability(app)  # first: the request id and the clock start before anything else runs
    registry = init_registry(app)
    registry.add_audit_names(actions=CORE_ACTIONS)
    for task in TASKS:
        registry.add_task(task)
    init_i18n(app)
    init_access(app)
    init_errors(app)
    init_actions(app)
    init_security(app)
    init_audit()
    init_versions()
    init_templating(app)
    register_cli(app)
