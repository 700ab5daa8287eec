"""Cross-cutting tables: the audit log, the e-mail outbox, background jobs, scheduled tasks and data versions."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.core.db import Model, db, utcnow


class AuditEvent(Model):
    """One security event or data change: who, when, what, before and after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_email: Mapped[str | None] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    object_id: Mapped[str | None] = mapped_column(sa.String(60))
    summary: Mapped[str | None] = mapped_column(sa.String(500))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    ip_address: Mapped[str | None] = mapped_column(sa.String(64))


EMAIL_STATUS_LABELS = {
    "pending": _l("Väntar"),
    "sending": _l("Skickas"),
    "sent": _l("Levererad"),
    "failed": _l("Misslyckad"),
    "held": _l("Hållen (väntade för länge)"),
    "unsure": _l("Osäker (kan ha levererats)"),
}


class OutboxEmail(Model):
    """An e-mail waiting for (or past) delivery; written in the same transaction as its cause."""

    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'held', 'unsure')", name="status"),
        sa.Index("ix_outbox_email_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_at: Mapped[datetime | None]  # when its sender took it (the attempt is counted then)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # An iCalendar invitation sent along (text/calendar part and .ics attachment), with its METHOD.
    calendar_ics: Mapped[str | None] = mapped_column(sa.Text)
    calendar_method: Mapped[str | None] = mapped_column(sa.String(10))

    @property
    def status_label(self) -> str:
        """The status as admins read it."""
        return str(EMAIL_STATUS_LABELS[self.status])

    @property
    def is_pending(self) -> bool:
        """Waiting for its next attempt."""
        return self.status == "pending"

    @property
    def may_retry(self) -> bool:
        """Failed, held, or unsure whether it arrived: an admin may send it again."""
        return self.status in ("failed", "held", "unsure")


JOB_STATUS_LABELS = {
    "queued": _l("I kö"),
    "running": _l("Pågår"),
    "done": _l("Klart"),
    "failed": _l("Misslyckades"),
}


class Job(Model):
    """Long work done by ``flask --app app worker``, never in a web request: an import, a training, an export.

    A job is claimed by one worker at a time; a worker that stops beating its heart (crashed, killed) loses
    the job to another, which tries again up to ``MAX_ATTEMPTS`` times in all."""

    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        sa.Index("ix_job_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # A file the job works on (an upload), removed once the job is done or has failed; or the file a done job
    # made (an export), kept for its starter to download until the job is purged.
    payload: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    payload_name: Mapped[str] = mapped_column(sa.String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(sa.String(200), default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def is_queued(self) -> bool:
        """Waiting for a worker."""
        return self.status == "queued"

    @property
    def is_failed(self) -> bool:
        """Stopped by an error (``error`` says which)."""
        return self.status == "failed"

    @property
    def is_finished(self) -> bool:
        """Done or failed: nothing more will happen."""
        return self.status in ("done", "failed")

    @property
    def is_done(self) -> bool:
        """Finished and succeeded."""
        return self.status == "done"

    @property
    def has_file(self) -> bool:
        """Done and made a file to download (asked of the database: the file itself is not loaded)."""
        if not self.is_done:
            return False
        return bool(db.session.scalar(sa.select(Job.payload.is_not(None)).where(Job.id == self.id)))

    @property
    def percent(self) -> int:
        """How far it has come, 0-100 (0 while the total is unknown)."""
        return min(100, round(100 * self.progress_done / self.progress_total)) if self.progress_total else 0


class ScheduledTask(Model):
    """A task that runs every so often (``core.schedule``): who holds it now and until when, and how its last
    run went. The lease keeps two hosts from running the same task at once."""

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    locked_by: Mapped[str | None] = mapped_column(sa.String(100))
    locked_until: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_result: Mapped[str | None] = mapped_column(sa.Text)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class DataVersion(Model):
    """A token that changes whenever a kind of data changes (``core.versions``), so that a figure computed from
    that data may be kept until it does."""

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))
