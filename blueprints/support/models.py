"""Support requests with their history, notes and attachments; facilitators' availability and booking rules;
bookings (sessions) and the feedback on them; the diarienummer counter."""

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.core.db import Model, TimestampMixin, one_of, utcnow
from blueprints.core.formatting import search_text
from blueprints.organisations.models import Organisation
from blueprints.support.constants import (
    BOOKABLE_STATUSES,
    BOOKED,
    BOOKING_STATUSES,
    CANCELLED,
    CLOSED,
    DECLINED,
    DEFAULT_SESSION_MINUTES,
    EXCEPTION_KINDS,
    FORMATS,
    OPEN_STATUSES,
    PROJECT_PHASES,
    RECEIVED,
    REQUEST_STATUSES,
    SUPPORT_KINDS,
)
from blueprints.support.slots import Rules
from blueprints.vocabulary.models import CpvCode

if TYPE_CHECKING:
    from blueprints.accounts.models import User
    from blueprints.vocabulary.models import NeedArea


support_request_cpv = sa.Table(
    "support_request_cpv",
    Model.metadata,
    sa.Column("request_id", sa.ForeignKey("support_request.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("cpv_code", sa.ForeignKey("cpv_code.code"), primary_key=True),
)

facilitator_need_area = sa.Table(
    "facilitator_need_area",
    Model.metadata,
    sa.Column("user_id", sa.ForeignKey("facilitator_profile.user_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("need_area_id", sa.ForeignKey("need_area.id", ondelete="CASCADE"), primary_key=True),
)


# The staff queue's order: requests waiting for a decision first. Written out literally (not with bound
# parameters): it is the expression of ix_support_request_queue (migration 0006), which serves the queue's
# ORDER BY on SQLite and PostgreSQL alike only when the two are the same.
WAITING_FIRST: sa.ColumnElement[int] = sa.literal_column(
    "CASE WHEN support_request.status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ") THEN 0 ELSE 1 END",
    sa.Integer,
)


class DiaryCounter(Model):
    """The last diarienummer handed out in a year; incremented atomically on every submission."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class SupportRequest(TimestampMixin, Model):
    """A buyer organisation's request for facilitator support in a procurement project."""

    __audited__ = True
    __audit_exclude__ = {"search_text"}
    __table_args__ = (
        sa.UniqueConstraint("diary_year", "diary_serial"),
        sa.CheckConstraint(one_of("phase", PROJECT_PHASES), name="phase"),
        sa.CheckConstraint(one_of("format", FORMATS), name="format"),
        sa.CheckConstraint(one_of("status", REQUEST_STATUSES), name="status"),
        sa.CheckConstraint("estimated_value_sek IS NULL OR estimated_value_sek >= 0", name="value"),
        sa.Index("ix_support_request_status_submitted", "status", "submitted_at"),
        # A facilitator's requests, and their load (granted and ongoing ones) counted from the index alone.
        sa.Index("ix_support_request_facilitator_status", "facilitator_id", "status"),
        # The dashboard's response times per period, län and need area, read from the index alone.
        sa.Index(
            "ix_support_request_responses", "submitted_at", "first_response_at", "organisation_id", "need_area_id"
        ),
        # An organisation's requests (and the dashboard's, narrowed by län, kind and need area).
        sa.Index("ix_support_request_organisation_area", "organisation_id", "need_area_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    diary_number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    diary_year: Mapped[int] = mapped_column(sa.SmallInteger)
    diary_serial: Mapped[int] = mapped_column()
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    requester_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    need_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("need_area.id"), index=True)
    estimated_value_sek: Mapped[int | None] = mapped_column(sa.BigInteger)
    phase: Mapped[str] = mapped_column(sa.String(24))
    # The kinds of support wanted, space-separated with a space at each end (so " workshop " finds one).
    kinds: Mapped[str] = mapped_column(sa.String(200), default=" ")
    preferred_from: Mapped[date | None]
    preferred_to: Mapped[date | None]
    format: Mapped[str] = mapped_column(sa.String(10))
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default=RECEIVED, index=True)
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    closing_summary: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    first_response_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    organisation: Mapped[Organisation] = relationship()
    requester: Mapped["User | None"] = relationship(foreign_keys=[requester_id])
    facilitator: Mapped["User | None"] = relationship(foreign_keys=[facilitator_id])
    need_area: Mapped["NeedArea | None"] = relationship()
    cpv_codes: Mapped[list[CpvCode]] = relationship(secondary=support_request_cpv, order_by=CpvCode.code)
    events: Mapped[list["SupportRequestEvent"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="SupportRequestEvent.id"
    )
    notes: Mapped[list["SupportNote"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="SupportNote.id"
    )
    attachments: Mapped[list["SupportAttachment"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="SupportAttachment.id"
    )
    bookings: Mapped[list["Booking"]] = relationship(back_populates="request", order_by="Booking.starts_at")

    @property
    def awaits_decision(self) -> bool:
        """Received or under assessment: neither granted nor declined yet."""
        return self.status in OPEN_STATUSES

    @property
    def is_granted(self) -> bool:
        """Granted and not yet closed: sessions can be booked."""
        return self.status in BOOKABLE_STATUSES

    @property
    def is_received(self) -> bool:
        """Received and not yet taken up for assessment."""
        return self.status == RECEIVED

    @property
    def is_declined(self) -> bool:
        """Declined (the reason was sent to the buyer)."""
        return self.status == DECLINED

    @property
    def is_closed(self) -> bool:
        """Closed with a summary."""
        return self.status == CLOSED

    @property
    def support_kinds(self) -> list[str]:
        """The kinds of support wanted, in the order of SUPPORT_KINDS."""
        wanted = set(self.kinds.split())
        return [kind for kind in SUPPORT_KINDS if kind in wanted]

    @support_kinds.setter
    def support_kinds(self, kinds: list[str]) -> None:
        self.kinds = " " + " ".join(kind for kind in SUPPORT_KINDS if kind in kinds) + " "


@sa.event.listens_for(SupportRequest, "before_insert")
@sa.event.listens_for(SupportRequest, "before_update")
def _index_request(mapper: sa.orm.Mapper[SupportRequest], connection: sa.Connection, row: SupportRequest) -> None:
    row.search_text = search_text(row.diary_number, row.title, row.description)


class SupportRequestEvent(Model):
    """One step in a request's history: a status change (with its reason) or a booking made or changed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_request.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(10))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    request: Mapped[SupportRequest] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship()


class SupportNote(Model):
    """An internal note by agency staff; never shown to buyers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_request.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[SupportRequest] = relationship(back_populates="notes")
    author: Mapped["User | None"] = relationship()


class SupportAttachment(Model):
    """A document attached to a request; the file lives under instance/uploads, named by ``storage_key``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_request.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[SupportRequest] = relationship(back_populates="attachments")


class FacilitatorProfile(Model):
    """A facilitator's expertise and booking rules, and the hash of their private calendar feed token."""

    __table_args__ = (
        sa.CheckConstraint("buffer_minutes BETWEEN 0 AND 240", name="buffer"),
        sa.CheckConstraint("notice_working_days BETWEEN 0 AND 30", name="notice"),
        sa.CheckConstraint("horizon_days BETWEEN 1 AND 365", name="horizon"),
        sa.CheckConstraint("start_every_minutes IN (15, 30, 60)", name="start_every"),
    )

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    buffer_minutes: Mapped[int] = mapped_column(default=15)
    notice_working_days: Mapped[int] = mapped_column(default=2)
    horizon_days: Mapped[int] = mapped_column(default=90)
    # Sessions may start every this many minutes (fewer, less overlapping times to choose from at 60).
    start_every_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    session_minutes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=lambda: dict(DEFAULT_SESSION_MINUTES))
    calendar_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    user: Mapped["User"] = relationship()
    need_areas: Mapped[list["NeedArea"]] = relationship(secondary=facilitator_need_area)

    def minutes_for(self, kind: str) -> int:
        """The session length for a support kind."""
        return int((self.session_minutes or {}).get(kind) or DEFAULT_SESSION_MINUTES[kind])


def rules_of(profile: FacilitatorProfile | None) -> Rules:
    """The booking rules of a facilitator (the defaults when none are set)."""
    if profile is None:
        return Rules()
    return Rules(
        buffer=timedelta(minutes=profile.buffer_minutes),
        notice_working_days=profile.notice_working_days,
        horizon_days=profile.horizon_days,
        step=timedelta(minutes=profile.start_every_minutes),
    )


class AvailabilityWindow(Model):
    """A weekly working window in Swedish time (weekday 0 = Monday)."""

    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("end_time > start_time", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    start_time: Mapped[time]
    end_time: Mapped[time]


class AvailabilityException(Model):
    """Absence or extra working time between two moments."""

    __table_args__ = (
        sa.CheckConstraint(one_of("kind", EXCEPTION_KINDS), name="kind"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(sa.String(200), default="")


class Booking(TimestampMixin, Model):
    """A support session of one facilitator for one request.

    ``blocked_until`` is the end plus the facilitator's buffer: the database refuses two active bookings of
    one facilitator whose [starts_at, blocked_until) overlap (an exclusion constraint on PostgreSQL, a
    trigger on SQLite; see migration 0005).
    """

    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("status", BOOKING_STATUSES), name="status"),
        sa.CheckConstraint(one_of("kind", SUPPORT_KINDS), name="kind"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("blocked_until >= ends_at", name="blocked_after_end"),
        sa.Index("ix_booking_facilitator_starts", "facilitator_id", "starts_at"),
        sa.Index("ix_booking_status_starts", "status", "starts_at"),
        # The dashboard counts sessions of every status and kind, and each facilitator's booked hours, per
        # period from this index alone.
        sa.Index("ix_booking_period", "starts_at", "status", "kind", "facilitator_id", "ends_at"),
        # A request's sessions (and the dashboard's, of the requests of the chosen organisations).
        sa.Index("ix_booking_request_status_starts", "request_id", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_request.id", ondelete="CASCADE"))
    facilitator_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    blocked_until: Mapped[datetime]
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    video_link: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default=BOOKED)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: raised on every change
    booked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reminder_sent_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    lessons: Mapped[str] = mapped_column(sa.Text, default="")

    request: Mapped[SupportRequest] = relationship(back_populates="bookings")
    facilitator: Mapped["User"] = relationship(foreign_keys=[facilitator_id])
    feedback: Mapped["Feedback | None"] = relationship(back_populates="booking")

    @property
    def is_booked(self) -> bool:
        """Booked: neither held, missed nor cancelled yet."""
        return self.status == BOOKED

    @property
    def is_cancelled(self) -> bool:
        """Cancelled (with a reason)."""
        return self.status == CANCELLED


class Feedback(Model):
    """The buyer's rating of a session, given once through a link sent by e-mail (only its hash is stored)."""

    __table_args__ = (sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("booking.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    booking: Mapped[Booking] = relationship(back_populates="feedback")
