"""Dashboards and reporting for managers: read-only figures, charts, exports and the printable report."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the dashboard pages, the header link, the start-page card, the permission, the summary tables' upkeep
    and their command."""
    from datetime import timedelta

    from flask_babel import lazy_gettext as _l

    from blueprints.core.registry import areas
    from blueprints.core.schedule import Task
    from blueprints.dashboards import panels, views  # noqa: F401 (views attach routes to bp)
    from blueprints.dashboards.blueprint import bp
    from blueprints.dashboards.cli import dashboards_cli, rebuild_summaries
    from blueprints.dashboards.policies import PERMISSIONS, READ_DASHBOARDS
    from blueprints.dashboards.summaries import init_summaries

    app.register_blueprint(bp)
    app.cli.add_command(dashboards_cli)
    init_summaries()
    registry = areas(app)
    # Once a day, everything counted again: repairs what writes with plain SQL, which no flush sees, changed.
    registry.add_task(Task("dashboards.summaries", rebuild_summaries, every=timedelta(days=1)))
    registry.add_permissions(PERMISSIONS)
    registry.add_link("dashboards.index", _l("Översikt"), permission=READ_DASHBOARDS, order=60)
    registry.add_panel("start.cards", "dashboards/_start_card.html", panels.dashboard_card, order=50)
