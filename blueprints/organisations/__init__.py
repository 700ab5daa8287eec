"""Organisations: the registry of contracting authorities (organisationsnummer, kind, län, volume)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the registry's pages, its header link, start-page cards, permissions and demo rows."""
    from flask_babel import lazy_gettext as _l

    from blueprints.core import versions
    from blueprints.core.registry import AuditObject, areas
    from blueprints.organisations import (  # noqa: F401 (views attach routes to bp)
        models,
        panels,
        views,
    )
    from blueprints.organisations.blueprint import bp
    from blueprints.organisations.demo import seed_demo_organisations
    from blueprints.organisations.policies import PERMISSIONS, SEE_REGISTRY

    app.register_blueprint(bp)
    versions.watch(models.Organisation, "organisations")
    registry = areas(app)
    registry.add_audit_names(
        objects={"Organisation": AuditObject(_l("Organisation"), "organisations.detail", "organisation_id")}
    )
    registry.add_permissions(PERMISSIONS)
    registry.add_link("organisations.index", _l("Organisationer"), permission=SEE_REGISTRY, order=50)
    registry.add_panel("start.cards", "organisations/_start_own_card.html", panels.own_organisation_card, order=10)
    registry.add_panel("start.cards", "organisations/_start_registry_card.html", panels.registry_card, order=40)
    registry.add_demo(seed_demo_organisations, order=10)
