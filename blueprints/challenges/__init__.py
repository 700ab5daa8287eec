"""Challenges: buyers propose needs, staff review them, everyone finds them; bulk import and export."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the pages and the ``challenges`` commands, header link, start-page sections, permissions, demo,
    and the purge of unconfirmed uploads."""
    from datetime import timedelta

    from flask_babel import lazy_gettext as _l

    from blueprints.challenges import (  # noqa: F401 (views and cli attach to bp)
        cli,
        models,
        panels,
        views,
    )
    from blueprints.challenges.blueprint import bp
    from blueprints.challenges.demo import seed_demo_challenges
    from blueprints.challenges.exports import EXPORT_JOB, run_export_job
    from blueprints.challenges.imports import IMPORT_JOB, purge_unconfirmed_uploads, run_import_job
    from blueprints.challenges.policies import PERMISSIONS
    from blueprints.core import versions
    from blueprints.core.jobs import JobKind
    from blueprints.core.registry import AuditObject, areas
    from blueprints.core.schedule import Task

    app.register_blueprint(bp)
    versions.watch(models.Challenge, "challenges")  # matching's index catches up only when they changed
    registry = areas(app)
    registry.add_audit_names(
        actions={"import": _l("Importerade utmaningar")},
        objects={
            "Challenge": AuditObject(_l("Utmaning"), "challenges.detail", "challenge_id"),
            "ChallengeComment": AuditObject(_l("Kommentar på utmaning")),
        },
    )
    registry.add_permissions(PERMISSIONS)
    registry.add_link("challenges.index", _l("Utmaningar"), order=20)
    registry.add_panel("start", "challenges/_start_review.html", panels.to_review, order=25)
    registry.add_panel("start", "challenges/_start_ours.html", panels.our_challenges, order=30)
    registry.add_panel("start", "challenges/_start_following.html", panels.following, order=35)
    registry.add_panel("start.cards", "challenges/_start_card.html", panels.challenges_card, order=20)
    registry.add_demo(seed_demo_challenges, order=40)
    registry.add_job(
        IMPORT_JOB,
        JobKind(run_import_job, _l("Import av utmaningar"), result_template="challenges/_import_result.html"),
    )
    registry.add_job(EXPORT_JOB, JobKind(run_export_job, _l("Export av utmaningar")))
    registry.add_task(Task("purge.challenge-uploads", purge_unconfirmed_uploads, every=timedelta(hours=1)))
