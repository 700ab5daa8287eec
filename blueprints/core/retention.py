"""How long core keeps what it no longer needs (GDPR's storage limitation), and core's scheduled tasks: the
outbox every minute, the purge every hour. The periods are settings (README, "Retention")."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from blueprints.core.db import db, rows_changed, utcnow
from blueprints.core.models import AuditEvent, Job, OutboxEmail
from blueprints.core.outbox import delivery_summary, send_outbox
from blueprints.core.schedule import Task

UNDELIVERED_KEPT = timedelta(days=90)  # failed, held and unsure e-mail, for admins to look into


def _days(name: str) -> timedelta:
    return timedelta(days=current_app.config[name])


def purge_core() -> str:
    """Delete sent e-mail, finished jobs and audit events older than their settings; say how many."""
    now = utcnow()
    sent = rows_changed(
        sa.delete(OutboxEmail).where(
            OutboxEmail.status == "sent", OutboxEmail.sent_at < now - _days("OUTBOX_KEEP_DAYS")
        )
    )
    undelivered = rows_changed(
        sa.delete(OutboxEmail).where(
            OutboxEmail.status.in_(("failed", "held", "unsure")), OutboxEmail.created_at < now - UNDELIVERED_KEPT
        )
    )
    jobs = rows_changed(
        sa.delete(Job).where(Job.status.in_(("done", "failed")), Job.finished_at < now - _days("JOBS_KEEP_DAYS"))
    )
    audit = rows_changed(sa.delete(AuditEvent).where(AuditEvent.at < now - _days("AUDIT_KEEP_DAYS")))
    db.session.commit()
    return f"deleted {sent} sent and {undelivered} undelivered e-mails, {jobs} jobs, {audit} audit events"


def send_outbox_task() -> str:
    """Deliver what is due, as ``flask --app app outbox send`` does."""
    return delivery_summary(send_outbox())


TASKS = (
    Task("outbox", send_outbox_task, every=timedelta(minutes=1)),
    Task("purge.core", purge_core, every=timedelta(hours=1)),
)
