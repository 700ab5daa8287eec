"""Vocabulary: what every area may speak of — need areas (behovsområden) and the CPV codes with their search.

The package imports no Flask at module level, so its pure module ``cpv`` can be used anywhere (the matching
engine does); ``init_app`` wires the area into the app.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the CPV search, the ``cpv`` commands and the demo need areas."""
    from flask_babel import lazy_gettext as _l

    from blueprints.core.registry import AuditObject, areas
    from blueprints.vocabulary import (  # noqa: F401 (they attach routes and commands to bp)
        cli,
        models,
        views,
    )
    from blueprints.vocabulary.blueprint import bp
    from blueprints.vocabulary.demo import seed_demo_need_areas

    app.register_blueprint(bp)
    registry = areas(app)
    registry.add_demo(seed_demo_need_areas, order=30)
    registry.add_audit_names(objects={"NeedArea": AuditObject(_l("Behovsområde"), "admin.edit_need_area", "area_id")})
