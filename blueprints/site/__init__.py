"""The site as a whole, the top floor: the start page that gathers every area's sections, health checks, the
accessibility statement and the language switch. No other area imports it."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the start page and the site-wide pages, and the header's first link."""
    from flask_babel import lazy_gettext as _l

    from blueprints.core.registry import areas
    from blueprints.site import views  # noqa: F401 (views attach routes to bp)
    from blueprints.site.blueprint import bp

    app.register_blueprint(bp)
    areas(app).add_link("site.index", _l("Start"), order=0, whole_area=False)
