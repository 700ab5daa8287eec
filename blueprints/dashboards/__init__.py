"""Dashboards and reporting for managers: read-only figures, charts, exports and the printable report."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the dashboard pages, the header link, the start-page card and the permission."""
    from flask_babel import lazy_gettext as _l

    from blueprints.core.registry import areas
    from blueprints.dashboards import panels, views  # noqa: F401 (views attach routes to bp)
    from blueprints.dashboards.blueprint import bp
    from blueprints.dashboards.policies import PERMISSIONS, READ_DASHBOARDS

    app.register_blueprint(bp)
    registry = areas(app)
    registry.add_permissions(PERMISSIONS)
    registry.add_link("dashboards.index", _l("Översikt"), permission=READ_DASHBOARDS, order=60)
    registry.add_panel("start.cards", "dashboards/_start_card.html", panels.dashboard_card, order=50)
