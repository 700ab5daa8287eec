"""Facilitator support: requests with diarienummer, triage, availability, bookings, calendar and feedback."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the pages and the ``reminders`` commands, header link, start-page sections, permissions, demo,
    and the scheduled reminders and purge of files without a row."""
    from datetime import timedelta

    from flask_babel import lazy_gettext as _l

    from blueprints.core.registry import AuditObject, areas
    from blueprints.core.schedule import Task
    from blueprints.support import (  # noqa: F401 (views and cli attach to bp)
        cli,
        models,
        panels,
        views,
    )
    from blueprints.support.blueprint import bp
    from blueprints.support.demo import seed_demo_support
    from blueprints.support.policies import PERMISSIONS
    from blueprints.support.services import send_reminders
    from blueprints.support.storage import purge_orphan_files

    app.register_blueprint(bp)
    app.cli.add_command(cli.documents_cli)
    registry = areas(app)
    registry.add_audit_names(
        objects={
            "SupportRequest": AuditObject(_l("Stödförfrågan"), "support.detail", "request_id"),
            "Booking": AuditObject(_l("Session"), "support.booking", "booking_id"),
        }
    )
    registry.add_permissions(PERMISSIONS)
    registry.add_link("support.index", _l("Stöd"), order=40)
    registry.add_panel("start", "support/_start_queue.html", panels.facilitator_queue, order=20)
    registry.add_panel("start", "support/_start_requests.html", panels.our_requests, order=40)
    registry.add_panel("start", "support/_start_upcoming.html", panels.upcoming, order=50)
    registry.add_demo(seed_demo_support, order=60)
    registry.add_task(
        Task("reminders", lambda: f"reminders sent for {send_reminders()} sessions", every=timedelta(minutes=1))
    )
    registry.add_task(Task("purge.documents", purge_orphan_files, every=timedelta(hours=1)))
