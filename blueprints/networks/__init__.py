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
    from blueprints.core.jobs import JobKind
    from blueprints.core.registry import AuditObject, areas
    from blueprints.networks import (  # noqa: F401 (views and api attach routes to bp)
        api,
        learning_views,
        models,
        panels,
        views,
    )
    from blueprints.networks.blueprint import bp
    from blueprints.networks.cli import matching_cli
    from blueprints.networks.demo import seed_demo_networks
    from blueprints.networks.index import index_age_seconds
    from blueprints.networks.policies import PERMISSIONS
    from blueprints.networks.training import TRAIN_JOB, on_procurements_changed, run_training
    from blueprints.statistics.imports import procurements_changed

    app.register_blueprint(bp)
    app.cli.add_command(matching_cli)
    procurements_changed.connect(on_procurements_changed)  # the statistics changed: learn from them again
    versions.watch(models.Network, "networks")  # members and CPV codes included: figures kept until they change
    versions.watch(models.NetworkMember, "networks")
    registry = areas(app)
    registry.add_audit_names(
        objects={
            "Network": AuditObject(_l("Nätverk"), "networks.detail", "network_id"),
            "NetworkMember": AuditObject(_l("Nätverksmedlem")),
            "NetworkActivity": AuditObject(_l("Nätverksaktivitet")),
        }
    )
    registry.add_permissions(PERMISSIONS)
    registry.add_gauge(
        "kopkraft_matching_index_age_seconds",
        "Seconds since the answering process's matching index was last brought up to date",
        index_age_seconds,
    )
    registry.add_job(
        TRAIN_JOB,
        JobKind(run_training, _l("Träning av matchningens CPV-modell"), "networks/_training_result.html"),
    )
    registry.add_link("networks.index", _l("Nätverk"), order=30)
    registry.add_panel(
        "challenge.form", "networks/_challenge_form_similar.html", panels.similar_beside_the_form, order=10
    )
    registry.add_panel(
        "challenge.detail", "networks/_challenge_suggestions.html", panels.suggestions_on_the_challenge, order=10
    )
    registry.add_panel("challenge.form.cpv", "networks/_cpv_proposals_panel.html", panels.cpv_proposals, order=10)
    registry.add_panel("challenge.queue", "networks/_codes_to_check.html", panels.codes_to_check, order=10)
    registry.add_panel("challenge.detail", "networks/_codes_to_check.html", panels.codes_to_check, order=5)
    registry.add_panel("start", "networks/_start_invitations.html", panels.invitations, order=10)
    registry.add_panel("start", "networks/_start_coordinated.html", panels.coordinated, order=27)
    registry.add_panel("start", "networks/_start_following.html", panels.following, order=36)
    registry.add_panel("start.cards", "networks/_start_card.html", panels.networks_card, order=30)
    registry.add_demo(seed_demo_networks, order=50)
