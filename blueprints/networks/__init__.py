"""Buyer networks: match suggestions, networks, membership, activities, and the matching API.

``matching`` is the pure matching engine: the package imports no Flask at module level, so the engine can be
imported (and tested, benchmarked) without the app; ``init_app`` wires the area into the app.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the pages and the API, header link, sections on challenge and start pages, permissions, demo."""
    from flask_babel import lazy_gettext as _l

    from blueprints.core import versions
    from blueprints.core.registry import areas
    from blueprints.networks import (  # noqa: F401 (views and api attach routes to bp)
        api,
        models,
        panels,
        views,
    )
    from blueprints.networks.blueprint import bp
    from blueprints.networks.demo import seed_demo_networks
    from blueprints.networks.policies import PERMISSIONS

    app.register_blueprint(bp)
    versions.watch(models.Network, "networks")  # members and CPV codes included: figures kept until they change
    versions.watch(models.NetworkMember, "networks")
    registry = areas(app)
    registry.add_permissions(PERMISSIONS)
    registry.add_link("networks.index", _l("Nätverk"), order=30)
    registry.add_panel(
        "challenge.form", "networks/_challenge_form_similar.html", panels.similar_beside_the_form, order=10
    )
    registry.add_panel(
        "challenge.detail", "networks/_challenge_suggestions.html", panels.suggestions_on_the_challenge, order=10
    )
    registry.add_panel("start", "networks/_start_invitations.html", panels.invitations, order=10)
    registry.add_panel("start.cards", "networks/_start_card.html", panels.networks_card, order=30)
    registry.add_demo(seed_demo_networks, order=50)
