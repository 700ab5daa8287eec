"""Writes: submit and triage support requests, attachments, availability and rules, book, reschedule and
cancel sessions, follow them up, feedback and reminders. Every e-mail goes through the outbox in the same
transaction as its cause."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from blueprints.accounts.models import User
from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.formatting import STOCKHOLM
from blueprints.core.i18n import N_
from blueprints.core.outbox import queue_email
from blueprints.core.roles import FACILITATOR
from blueprints.core.urls import public_url
from blueprints.support.calendar import invitation
from blueprints.support.constants import (
    ASSESSING,
    BOOKED,
    CANCELLED,
    CLOSED,
    DECLINED,
    DONE,
    FEEDBACK_DAYS,
    GRANTED,
    NO_SHOW,
    ONGOING,
    RECEIVED,
    START_EVERY,
    TRANSITIONS,
)
from blueprints.support.diary import format_diary_number
from blueprints.support.documents import Upload
from blueprints.support.models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    DiaryCounter,
    FacilitatorProfile,
    Feedback,
    SupportAttachment,
    SupportNote,
    SupportRequest,
    SupportRequestEvent,
    rules_of,
)
from blueprints.support.policies import follow_up_refusal, may_book, may_change
from blueprints.support.queries import (
    availability_of,
    ensure_facilitator_profile,
    facilitator_profile,
    hash_token,
    session_length,
)
from blueprints.support.slots import Interval, is_free
from blueprints.support.storage import write_document
from blueprints.vocabulary.models import NeedArea
from blueprints.vocabulary.queries import cpv_codes_by_id

SUBJECTS = {
    "submitted": N_("Stödförfrågan %(diary)s har tagits emot"),
    "granted": N_("Stödförfrågan %(diary)s är beviljad"),
    "assigned": N_("Du är facilitator för %(diary)s"),
    "declined": N_("Beslut om stödförfrågan %(diary)s"),
    "booked": N_("Bokad session: %(title)s (%(diary)s)"),
    "rescheduled": N_("Ny tid för sessionen: %(title)s (%(diary)s)"),
    "cancelled": N_("Avbokad session: %(title)s (%(diary)s)"),
    "reminder": N_("Påminnelse: session i morgon, %(title)s (%(diary)s)"),
    "feedback": N_("Hur var sessionen? %(title)s (%(diary)s)"),
}


class SlotTaken(DomainError):
    """The chosen time was taken (or stopped being free) before the booking was saved."""

    status_code = 409


@dataclass(frozen=True)
class RequestData:
    """What a buyer fills in when asking for support."""

    title: str
    description: str
    need_area_id: int | None
    cpv_codes: list[str]
    estimated_value_sek: int | None
    phase: str
    support_kinds: list[str]
    preferred_from: date | None
    preferred_to: date | None
    format: str
    place: str


# --- e-mail ------------------------------------------------------------------------------------------------


def _notify(
    person: User | None,
    event: str,
    request: SupportRequest,
    *,
    booking: Booking | None = None,
    calendar: tuple[str, str] | None = None,
    **context: Any,
) -> None:
    """E-mail one person about a request (and a session), in their language."""
    if person is None or not person.is_active:
        return
    queue_email(
        recipient=person.email,
        language=person.language,
        template="support",
        subject=SUBJECTS[event],
        calendar=calendar,
        event=event,
        name=person.name,
        diary=request.diary_number,
        title=request.title,
        organisation=request.organisation.name,
        booking=booking,
        link=context.pop("link", None) or public_url("support.detail", request_id=request.id),
        **context,
    )


def _notify_both_sides(event: str, booking: Booking, **context: Any) -> None:
    """The buyer who asked and the facilitator get the same news and the same calendar invitation."""
    calendar = invitation(booking)
    link = public_url("support.booking", booking_id=booking.id)
    for person in (booking.request.requester, booking.facilitator):
        _notify(person, event, booking.request, booking=booking, calendar=calendar, link=link, **context)


# --- requests ----------------------------------------------------------------------------------------------


def next_diary_serial(year: int) -> int:
    """Take the next number of the year. The counter row stays locked until commit, so concurrent submissions
    queue up and numbers are consecutive, with no gaps when a submission is rolled back."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(DiaryCounter)
        .values(year=year, last_number=1)
        .on_conflict_do_update(index_elements=["year"], set_={"last_number": DiaryCounter.last_number + 1})
        .returning(DiaryCounter.last_number)
    )
    return int(db.session.execute(statement).scalar_one())


def _record(request: SupportRequest, status: str, actor: User | None, comment: str = "") -> None:
    request.events.append(SupportRequestEvent(status=status, actor_id=actor.id if actor else None, comment=comment))


def _apply_request_data(request: SupportRequest, data: RequestData) -> None:
    if data.preferred_from and data.preferred_to and data.preferred_to < data.preferred_from:
        raise DomainError(_("Perioden måste sluta samma dag eller efter att den börjar."), field="preferred_to")
    if data.need_area_id and db.session.get(NeedArea, data.need_area_id) is None:
        raise DomainError(_("Välj ett behovsområde i listan."), field="need_area_id")
    codes = cpv_codes_by_id(data.cpv_codes)
    request.title, request.description = data.title, data.description
    request.need_area_id, request.estimated_value_sek = data.need_area_id, data.estimated_value_sek
    request.phase, request.support_kinds = data.phase, data.support_kinds
    request.preferred_from, request.preferred_to = data.preferred_from, data.preferred_to
    request.format, request.place = data.format, data.place
    request.cpv_codes = [codes[c] for c in data.cpv_codes if c in codes]


def submit_support_request(*, data: RequestData, uploads: list[Upload], user: User) -> SupportRequest:
    """Register a buyer's request under the next diarienummer, keep its (checked) documents, confirm by e-mail."""
    if user.organisation_id is None:
        raise DomainError(_("Ditt konto hör inte till någon organisation. Kontakta myndigheten."))
    request = SupportRequest(organisation_id=user.organisation_id, requester=user, status=RECEIVED)
    _apply_request_data(request, data)
    year = utcnow().astimezone(STOCKHOLM).year
    request.diary_year, request.diary_serial = year, next_diary_serial(year)
    request.diary_number = format_diary_number(year, request.diary_serial)
    _record(request, RECEIVED, user)
    db.session.add(request)
    db.session.flush()
    for upload in uploads:
        _store(request, upload, user)
    _notify(user, "submitted", request)
    return request


def _store(request: SupportRequest, upload: Upload, user: User) -> SupportAttachment:
    key = write_document(upload.data)
    attachment = SupportAttachment(
        filename=upload.filename,
        content_type=upload.content_type,
        size_bytes=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        storage_key=key,
        uploaded_by_id=user.id,
    )
    request.attachments.append(attachment)
    return attachment


def add_attachments(*, request: SupportRequest, uploads: list[Upload], user: User) -> list[SupportAttachment]:
    """Attach more documents (checked by the form) to a request that is not closed."""
    if request.status == CLOSED:
        raise DomainError(_("Förfrågan är avslutad."), field="attachments")
    return [_store(request, upload, user) for upload in uploads]


def _move(request: SupportRequest, to_status: str, actor: User, comment: str = "") -> None:
    if to_status not in TRANSITIONS[request.status]:
        raise DomainError(_("Förfrågan kan inte ändras så i sin nuvarande status."))
    if request.awaits_decision and request.first_response_at is None:
        request.first_response_at = utcnow()
    request.status = to_status
    _record(request, to_status, actor, comment)


def withdraw_request(*, request: SupportRequest, actor: User) -> SupportRequest:
    """The buyer takes back a request that waits for a decision: it is closed, and staff see why."""
    if not request.awaits_decision:
        raise DomainError(_("Förfrågan kan bara dras tillbaka innan myndigheten har beslutat om den."))
    summary = _("Återkallad av beställaren.")
    _move(request, CLOSED, actor, summary)
    request.closing_summary = summary
    request.closed_at = utcnow()
    return request


def start_assessment(*, request: SupportRequest, actor: User) -> None:
    """Staff take up a received request (this counts as the first response)."""
    _move(request, ASSESSING, actor)


def _active_facilitator(facilitator_id: int) -> User:
    facilitator = db.session.get(User, facilitator_id)
    if facilitator is None or not facilitator.is_active or not facilitator.has_role(FACILITATOR):
        raise DomainError(_("Välj en facilitator i listan."), field="facilitator_id")
    return facilitator


def grant_request(*, request: SupportRequest, facilitator_id: int, comment: str, actor: User) -> SupportRequest:
    """Grant support and assign a facilitator; the buyer and the facilitator are told."""
    facilitator = _active_facilitator(facilitator_id)
    _move(request, GRANTED, actor, comment)
    request.facilitator = facilitator
    request.decided_at = utcnow()
    _notify(request.requester, "granted", request, facilitator=facilitator.name, comment=comment)
    _notify(facilitator, "assigned", request, comment=comment)
    return request


def decline_request(*, request: SupportRequest, reason: str, actor: User) -> SupportRequest:
    """Decline with a reason, which is e-mailed to the buyer."""
    if not reason.strip():
        raise DomainError(_("Skriv varför förfrågan avslås."), field="reason")
    _move(request, DECLINED, actor, reason)
    request.decision_reason = reason
    request.decided_at = utcnow()
    _notify(request.requester, "declined", request, reason=reason)
    return request


def reassign_facilitator(*, request: SupportRequest, facilitator_id: int, actor: User) -> SupportRequest:
    """Give a granted request to another facilitator (booked sessions stay with whoever holds them)."""
    facilitator = _active_facilitator(facilitator_id)
    if not request.is_granted:
        raise DomainError(_("Bara beviljade förfrågningar har en facilitator."))
    request.facilitator = facilitator
    _record(request, request.status, actor, _("Ny facilitator: %(name)s", name=facilitator.name))
    _notify(facilitator, "assigned", request, comment="")
    return request


def add_note(*, request: SupportRequest, body: str, actor: User) -> SupportNote:
    """An internal note, for agency staff only."""
    if not body.strip():
        raise DomainError(_("Skriv en anteckning."), field="body")
    note = SupportNote(body=body.strip(), author_id=actor.id)
    request.notes.append(note)
    return note


def close_request(*, request: SupportRequest, summary: str, actor: User) -> SupportRequest:
    """Close a granted or ongoing request with a summary; sessions still booked must be dealt with first."""
    if not summary.strip():
        raise DomainError(_("Skriv en sammanfattning."), field="summary")
    if request.awaits_decision:
        raise DomainError(_("Förfrågan kan inte ändras så i sin nuvarande status."))
    if any(b.status == BOOKED for b in request.bookings):
        raise DomainError(_("Följ upp eller avboka sessionerna som är bokade innan förfrågan avslutas."))
    _move(request, CLOSED, actor, summary)
    request.closing_summary = summary
    request.closed_at = utcnow()
    return request


# --- availability ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RulesData:
    """A facilitator's booking rules and expertise."""

    buffer_minutes: int
    notice_working_days: int
    horizon_days: int
    session_minutes: dict[str, int]
    start_every_minutes: int
    need_area_ids: list[int]


def save_rules(*, facilitator: User, data: RulesData) -> FacilitatorProfile:
    """Store buffer, notice, horizon, session lengths and need-area expertise."""
    profile = ensure_facilitator_profile(facilitator.id)
    profile.buffer_minutes = data.buffer_minutes
    profile.notice_working_days = data.notice_working_days
    profile.horizon_days = data.horizon_days
    if data.start_every_minutes not in START_EVERY:
        raise DomainError(_("Välj 15, 30 eller 60 minuter."), field="start_every_minutes")
    profile.start_every_minutes = data.start_every_minutes
    profile.session_minutes = dict(data.session_minutes)
    profile.need_areas = list(db.session.scalars(sa.select(NeedArea).where(NeedArea.id.in_(data.need_area_ids))))
    return profile


def add_window(*, facilitator: User, weekday: int, start: time, end: time) -> AvailabilityWindow:
    """A weekly working window; it may not overlap another on the same weekday."""
    if end <= start:
        raise DomainError(_("Sluttiden måste vara efter starttiden."), field="end_time")
    overlapping = db.session.scalar(
        sa.select(AvailabilityWindow.id).where(
            AvailabilityWindow.facilitator_id == facilitator.id,
            AvailabilityWindow.weekday == weekday,
            AvailabilityWindow.start_time < end,
            AvailabilityWindow.end_time > start,
        )
    )
    if overlapping:
        raise DomainError(_("Tiden överlappar en annan arbetstid samma veckodag."), field="start_time")
    window = AvailabilityWindow(facilitator_id=facilitator.id, weekday=weekday, start_time=start, end_time=end)
    db.session.add(window)
    return window


def add_exception(
    *, facilitator: User, kind: str, starts_at: datetime, ends_at: datetime, note: str
) -> AvailabilityException:
    """Absence or extra time between two moments."""
    if ends_at <= starts_at:
        raise DomainError(_("Slutet måste vara efter början."), field="end_time")
    exception = AvailabilityException(
        facilitator_id=facilitator.id, kind=kind, starts_at=starts_at, ends_at=ends_at, note=note
    )
    db.session.add(exception)
    return exception


def remove_window(*, facilitator: User, window_id: int) -> None:
    """Remove one of the facilitator's own working windows (booked sessions stay)."""
    window = db.session.get(AvailabilityWindow, window_id)
    if window is None or window.facilitator_id != facilitator.id:
        raise DomainError(_("Arbetstiden finns inte."), status_code=404)
    db.session.delete(window)


def remove_exception(*, facilitator: User, exception_id: int) -> None:
    """Remove one of the facilitator's own absences or extra times."""
    exception = db.session.get(AvailabilityException, exception_id)
    if exception is None or exception.facilitator_id != facilitator.id:
        raise DomainError(_("Undantaget finns inte."), status_code=404)
    db.session.delete(exception)


def new_calendar_token(*, facilitator: User) -> str:
    """A new secret for the private calendar feed (the old link stops working); only its hash is kept."""
    token = secrets.token_urlsafe(32)
    ensure_facilitator_profile(facilitator.id).calendar_token_hash = hash_token(token)
    return token


def revoke_calendar_token(*, facilitator: User) -> None:
    """Turn the private calendar feed off."""
    profile = facilitator_profile(facilitator.id)
    if profile is not None:
        profile.calendar_token_hash = None


# --- bookings ----------------------------------------------------------------------------------------------


def _serialise_booking_writes() -> None:
    """On SQLite, take the database's write lock before reading the calendar (BEGIN IMMEDIATE), so the check
    and the insert are one step; a transaction that has already written holds the lock. PostgreSQL relies on
    its exclusion constraint instead."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


def _flush_booking() -> None:
    """Write the booking; the database's no-overlap rule turns a race lost into SlotTaken."""
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        if "booking_overlap" in str(error.orig) or "ex_booking_no_overlap" in str(error.orig):
            # Roll back first: the failed flush expired every object, and translating reads the user's language.
            db.session.rollback()
            raise SlotTaken(_("Tiden hann bokas av någon annan. Välj en annan tid bland de lediga.")) from error
        raise


def _check_free(*, facilitator_id: int, slot: Interval, ignore: Booking | None = None) -> None:
    rules = rules_of(facilitator_profile(facilitator_id))
    around = timedelta(days=1)
    availability = availability_of(facilitator_id, slot.start - around, slot.end + around, ignore=ignore)
    if not is_free(slot, availability, rules=rules, now=utcnow()):
        raise SlotTaken(_("Tiden är inte längre ledig. Välj en annan tid bland de lediga."))


def book_session(
    *, request: SupportRequest, kind: str, starts_at: datetime, place: str, video_link: str, actor: User
) -> Booking:
    """Book the assigned facilitator for a free slot; both sides get an invitation (.ics)."""
    if not may_book(request, actor):
        raise DomainError(_("Förfrågan kan inte bokas i sin nuvarande status."))
    if kind not in request.support_kinds:
        raise DomainError(_("Välj en av de stödformer som förfrågan gäller."), field="kind")
    _serialise_booking_writes()
    facilitator = request.facilitator
    assert facilitator is not None  # may_book checked it
    profile = facilitator_profile(facilitator.id)
    slot = Interval(starts_at, starts_at + session_length(profile, kind))
    _check_free(facilitator_id=facilitator.id, slot=slot)
    booking = Booking(
        request=request,
        facilitator=facilitator,
        kind=kind,
        starts_at=slot.start,
        ends_at=slot.end,
        blocked_until=slot.end + rules_of(profile).buffer,
        place=place,
        video_link=video_link,
        booked_by_id=actor.id,
    )
    db.session.add(booking)
    _flush_booking()
    if request.status == GRANTED:
        _move(request, ONGOING, actor)
    else:
        _record(request, request.status, actor, _("Session bokad"))
    _notify_both_sides("booked", booking)
    return booking


def reschedule_booking(*, booking: Booking, starts_at: datetime, actor: User) -> Booking:
    """Move a session to another free time; the invitation is updated (same UID, higher SEQUENCE)."""
    if not may_change(booking, actor):
        raise DomainError(_("Sessionen kan inte längre bokas om här. Kontakta facilitatorn."))
    _serialise_booking_writes()
    length = booking.ends_at - booking.starts_at
    buffer = booking.blocked_until - booking.ends_at
    slot = Interval(starts_at, starts_at + length)
    _check_free(facilitator_id=booking.facilitator_id, slot=slot, ignore=booking)
    booking.starts_at, booking.ends_at, booking.blocked_until = slot.start, slot.end, slot.end + buffer
    booking.sequence += 1
    booking.reminder_sent_at = None
    _flush_booking()
    _record(booking.request, booking.request.status, actor, _("Session ombokad"))
    _notify_both_sides("rescheduled", booking)
    return booking


def cancel_booking(*, booking: Booking, reason: str, actor: User) -> Booking:
    """Cancel a session; both sides get a CANCEL for the same UID."""
    if not may_change(booking, actor):
        raise DomainError(_("Sessionen kan inte längre avbokas här. Kontakta facilitatorn."))
    if not reason.strip():
        raise DomainError(_("Skriv varför sessionen avbokas."), field="reason")
    booking.status, booking.cancel_reason = CANCELLED, reason.strip()
    booking.sequence += 1
    _record(booking.request, booking.request.status, actor, _("Session avbokad: %(reason)s", reason=reason.strip()))
    db.session.flush()
    _notify_both_sides("cancelled", booking, reason=reason.strip())
    return booking


def record_outcome(*, booking: Booking, status: str, outcome: str, lessons: str, actor: User) -> Booking:
    """Mark a held session as done (the buyer gets a one-time feedback link, once) or as a no-show; only its own
    facilitator or an admin, and only once it has started."""
    refusal = follow_up_refusal(booking, actor)
    if refusal is not None:
        raise refusal
    if status not in (DONE, NO_SHOW):
        raise DomainError(_("Välj genomförd eller uteblev."), field="status")
    booking.status, booking.outcome, booking.lessons = status, outcome.strip(), lessons.strip()
    if status != DONE or booking.feedback is not None:
        return booking
    token = secrets.token_urlsafe(32)
    booking.feedback = Feedback(token_hash=hash_token(token), expires_at=utcnow() + timedelta(days=FEEDBACK_DAYS))
    _notify(
        booking.request.requester,
        "feedback",
        booking.request,
        booking=booking,
        link=public_url("support.feedback", token=token),
        days=FEEDBACK_DAYS,
    )
    return booking


def answer_feedback(*, feedback: Feedback, rating: int, comment: str) -> Feedback:
    """Store the buyer's rating once; the link stops working."""
    if feedback.answered_at is not None or feedback.expires_at <= utcnow():
        raise DomainError(_("Länken är redan använd eller har gått ut."))
    if rating not in range(1, 6):
        raise DomainError(_("Välj ett betyg från 1 till 5."), field="rating")
    feedback.rating, feedback.comment, feedback.answered_at = rating, comment.strip(), utcnow()
    return feedback


def send_reminders(*, now: datetime | None = None) -> int:
    """E-mail both sides of every session starting within 24 hours, once: the claim and the e-mails are one
    transaction, and a session already claimed is skipped, however often (and from wherever) this runs."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Booking.id).where(
            Booking.status == BOOKED,
            Booking.reminder_sent_at.is_(None),
            Booking.starts_at > now,
            Booking.starts_at <= now + timedelta(hours=24),
        )
    ).all()
    sent = 0
    for booking_id in due:
        claimed = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking_id, Booking.reminder_sent_at.is_(None), Booking.status == BOOKED)
            .values(reminder_sent_at=now)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            booking = db.session.get_one(Booking, booking_id)
            db.session.refresh(booking)
            link = public_url("support.booking", booking_id=booking.id)
            for person in (booking.request.requester, booking.facilitator):
                _notify(person, "reminder", booking.request, booking=booking, link=link)
            sent += 1
        db.session.commit()
    return sent
