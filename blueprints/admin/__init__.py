"""Administration: users and roles, need areas, the audit log and the e-mail queue."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the admin pages, the header link, the start-page card and the permission."""
    from flask_babel import lazy_gettext as _l

    from blueprints.admin import panels, views  # noqa: F401 (views attach routes to bp)
    from blueprints.admin.blueprint import bp
    from blueprints.admin.policies import ADMINISTER, PERMISSIONS
    from blueprints.core.registry import areas

    app.register_blueprint(bp)
    registry = areas(app)
    registry.add_permissions(PERMISSIONS)
    registry.add_link("admin.users", _l("Administration"), permission=ADMINISTER, order=80)
    registry.add_panel("start.cards", "admin/_start_card.html", panels.admin_card, order=70)
