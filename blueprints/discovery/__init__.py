"""Discovery: "Hitta nätverk i statistiken". Staff find the organisations that bought a kind of thing (a CPV
branch, a need area's branches, words in the titles), where, how much, how often and how it was procured, see
the market the branch meets, and invite them to a new or an existing network. Also as an API."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the discovery page, its files and API, the header link and the permission."""
    from flask_babel import lazy_gettext as _l

    from blueprints.core.registry import areas
    from blueprints.discovery import api, views  # noqa: F401 (they attach routes to bp)
    from blueprints.discovery.blueprint import bp
    from blueprints.discovery.policies import DISCOVER, PERMISSIONS

    app.register_blueprint(bp)
    registry = areas(app)
    registry.add_permissions(PERMISSIONS)
    registry.add_link("discovery.index", _l("Statistik"), permission=DISCOVER, order=55)
