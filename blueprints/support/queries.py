"""Reads: who sees which request, the triage queue, facilitators' calendars and free slots, the facilitator
suggestion, sessions per role, and feedback links."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from blueprints.accounts.models import User, UserRole
from blueprints.core.args import ListState, int_arg, page_arg
from blueprints.core.db import db, holds_word, paginate, search_words, utcnow
from blueprints.core.formatting import STOCKHOLM, swedish_time_to_utc
from blueprints.core.roles import FACILITATOR
from blueprints.organisations.models import Organisation
from blueprints.organisations.regions import COUNTIES
from blueprints.support.constants import (
    AGE_FILTERS,
    BOOKABLE_STATUSES,
    BOOKED,
    CANCELLED,
    DEFAULT_SESSION_MINUTES,
    EXTRA,
    FIRST_RESPONSE_WORKING_DAYS,
    LONGEST_BLOCK_MINUTES,
    OPEN_STATUSES,
    PROJECT_PHASES,
    REQUEST_STATUSES,
    SUPPORT_KINDS,
)
from blueprints.support.models import (
    WAITING_FIRST,
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    FacilitatorProfile,
    Feedback,
    SupportAttachment,
    SupportNote,
    SupportRequest,
    SupportRequestEvent,
    facilitator_need_area,
    rules_of,
)
from blueprints.support.policies import visible_requests
from blueprints.support.slots import Availability, Interval, Window, free_slots, open_hours
from blueprints.support.sql import total_hours
from blueprints.support.workdays import add_working_days

PER_PAGE = 25


# --- who sees what -----------------------------------------------------------------------------------------


def get_visible_request(request_id: int, user: User, *, whole: bool = False) -> SupportRequest | None:
    """The request if it exists and the user may see it (else None, shown as 404), with its organisation and
    people; ``whole`` adds everything its page shows (codes, documents, history, notes, sessions)."""
    # People named on the page are loaded without their roles (User loads roles eagerly by default).
    person = sa.orm.lazyload(User.role_rows)
    options = [
        sa.orm.joinedload(SupportRequest.organisation),
        sa.orm.joinedload(SupportRequest.requester).options(person),
        sa.orm.joinedload(SupportRequest.facilitator).options(person),
    ]
    if whole:
        options += [
            sa.orm.joinedload(SupportRequest.need_area),
            sa.orm.selectinload(SupportRequest.cpv_codes),
            sa.orm.selectinload(SupportRequest.attachments),
            sa.orm.selectinload(SupportRequest.events).joinedload(SupportRequestEvent.actor).options(person),
            sa.orm.selectinload(SupportRequest.notes).joinedload(SupportNote.author).options(person),
            sa.orm.selectinload(SupportRequest.bookings).joinedload(Booking.facilitator).options(person),
        ]
    return db.session.scalar(
        sa.select(SupportRequest).where(SupportRequest.id == request_id, visible_requests(user)).options(*options)
    )


def get_visible_attachment(request_id: int, attachment_id: int, user: User) -> SupportAttachment | None:
    """A document of a request the user may see (one query; nothing else of the request is loaded)."""
    return db.session.scalar(
        sa.select(SupportAttachment)
        .join(SupportRequest)
        .where(
            SupportAttachment.id == attachment_id,
            SupportAttachment.request_id == request_id,
            visible_requests(user),
        )
    )


def get_visible_booking(booking_id: int, user: User) -> Booking | None:
    """The session if the user may see its request."""
    return db.session.scalar(
        sa.select(Booking)
        .join(SupportRequest)
        .where(Booking.id == booking_id, visible_requests(user))
        .options(
            sa.orm.joinedload(Booking.request).joinedload(SupportRequest.organisation),
            sa.orm.joinedload(Booking.facilitator).lazyload(User.role_rows),
        )
    )


# --- first response ----------------------------------------------------------------------------------------


def response_due(request: SupportRequest) -> date:
    """The last day of the first-response target (5 working days after submission)."""
    return add_working_days(request.submitted_at.astimezone(STOCKHOLM).date(), FIRST_RESPONSE_WORKING_DAYS)


def is_overdue(request: SupportRequest, today: date | None = None) -> bool:
    """Still waiting for a first response after the target."""
    today = today or utcnow().astimezone(STOCKHOLM).date()
    return request.first_response_at is None and request.awaits_decision and today > response_due(request)


def last_overdue_submission_day(today: date) -> date:
    """Requests submitted on this day or earlier are past the target today (if still unanswered)."""
    day = today - timedelta(days=1)
    while add_working_days(day, FIRST_RESPONSE_WORKING_DAYS) >= today:
        day -= timedelta(days=1)
    return day


# --- the list / triage queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilter(ListState):
    """The list's state, read from (and written back to) the URL."""

    q: str = ""
    status: str = ""
    phase: str = ""
    kind: str = ""
    county: str = ""
    facilitator: int | None = None
    age: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str]) -> "RequestFilter":
        """Read the filter, dropping values that are not valid (a bad link never fails)."""

        def pick(name: str, allowed: object) -> str:
            value = args.get(name, "")
            return value if value in allowed else ""  # type: ignore[operator]

        return cls(
            q=args.get("q", "").strip()[:200],
            status=pick("status", REQUEST_STATUSES),
            phase=pick("phase", PROJECT_PHASES),
            kind=pick("kind", SUPPORT_KINDS),
            county=pick("county", COUNTIES),
            facilitator=int_arg(args.get("facilitator")),
            age=pick("age", AGE_FILTERS),
            page=page_arg(args.get("page")),
        )


def search_requests(flt: RequestFilter, user: User) -> Pagination:
    """One page of the requests the user may see that match the filter, oldest waiting first for staff."""
    query = sa.select(SupportRequest).where(visible_requests(user))
    # Each word through the trigram index (migration 0022), so a word narrows before the other filters.
    query = query.where(
        *(
            holds_word(SupportRequest.id, SupportRequest.search_text, "support_request_fts", w)
            for w in search_words(flt.q)
        )
    )
    if flt.status:
        query = query.where(SupportRequest.status == flt.status)
    if flt.phase:
        query = query.where(SupportRequest.phase == flt.phase)
    if flt.kind:
        query = query.where(SupportRequest.kinds.contains(f" {flt.kind} "))
    if flt.county:
        query = query.where(
            SupportRequest.organisation_id.in_(sa.select(Organisation.id).where(Organisation.county_code == flt.county))
        )
    if flt.facilitator:
        query = query.where(SupportRequest.facilitator_id == flt.facilitator)
    if flt.age:
        today = utcnow().astimezone(STOCKHOLM).date()
        _label, days = AGE_FILTERS[flt.age]
        if days is None:
            cutoff = swedish_time_to_utc(last_overdue_submission_day(today) + timedelta(days=1), time.min)
            query = query.where(SupportRequest.status.in_(OPEN_STATUSES), SupportRequest.first_response_at.is_(None))
        else:
            cutoff = swedish_time_to_utc(today - timedelta(days=days), time.min)
        query = query.where(SupportRequest.submitted_at < cutoff)
    if user.is_staff:  # the queue: waiting for a decision first, oldest first (ix_support_request_queue)
        query = query.order_by(WAITING_FIRST, SupportRequest.submitted_at, SupportRequest.id)
    else:
        query = query.order_by(SupportRequest.submitted_at.desc(), SupportRequest.id.desc())
    query = query.options(
        sa.orm.joinedload(SupportRequest.organisation),
        sa.orm.joinedload(SupportRequest.facilitator).lazyload(User.role_rows),
    )
    return paginate(query, page=flt.page, per_page=PER_PAGE)


def facilitators() -> list[User]:
    """Active facilitators, by name (for choosing among them; their roles are not loaded)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole)
            .where(User.is_active, UserRole.role == FACILITATOR)
            .order_by(User.sort_key, User.id)
            .options(sa.orm.lazyload(User.role_rows))
        )
    )


# --- calendars ---------------------------------------------------------------------------------------------


def facilitator_profile(user_id: int) -> FacilitatorProfile | None:
    """The facilitator's rules and expertise, if set."""
    return db.session.get(FacilitatorProfile, user_id)


def ensure_facilitator_profile(user_id: int) -> FacilitatorProfile:
    """The facilitator's rules and expertise, made with the defaults when missing."""
    profile = facilitator_profile(user_id)
    if profile is None:
        profile = FacilitatorProfile(user_id=user_id, session_minutes=dict(DEFAULT_SESSION_MINUTES))
        db.session.add(profile)
    return profile


def session_length(profile: FacilitatorProfile | None, kind: str) -> timedelta:
    """How long a session of this kind lasts with this facilitator."""
    return timedelta(minutes=profile.minutes_for(kind) if profile else DEFAULT_SESSION_MINUTES[kind])


def _busy_between(
    facilitator_ids: list[int], start: datetime, end: datetime, *, ignore: Booking | None = None
) -> list[sa.ColumnElement[bool]]:
    """The facilitators' booked sessions that touch [start, end) (but ``ignore``)."""
    return [
        Booking.facilitator_id.in_(facilitator_ids),
        Booking.status == BOOKED,
        # Bounded on both sides, so the (facilitator_id, starts_at) index reads only bookings near the period,
        # not the facilitator's whole history.
        Booking.starts_at > start - timedelta(minutes=LONGEST_BLOCK_MINUTES),
        Booking.starts_at < end,
        Booking.blocked_until > start,
        Booking.id != (ignore.id if ignore else -1),
    ]


def availabilities_of(
    facilitator_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    ignore: Booking | None = None,
    with_busy: bool = True,
) -> dict[int, Availability]:
    """Each facilitator's windows, exceptions and (``with_busy``) booked sessions that touch [start, end): three
    queries of plain rows (no ORM objects)."""
    windows = db.session.execute(
        sa.select(
            AvailabilityWindow.facilitator_id,
            AvailabilityWindow.weekday,
            AvailabilityWindow.start_time,
            AvailabilityWindow.end_time,
        ).where(AvailabilityWindow.facilitator_id.in_(facilitator_ids))
    )
    exceptions = db.session.execute(
        sa.select(
            AvailabilityException.facilitator_id,
            AvailabilityException.kind,
            AvailabilityException.starts_at,
            AvailabilityException.ends_at,
        ).where(
            AvailabilityException.facilitator_id.in_(facilitator_ids),
            AvailabilityException.starts_at < end,
            AvailabilityException.ends_at > start,
        )
    )
    busy: Iterable[Any] = (
        db.session.execute(
            sa.select(Booking.facilitator_id, Booking.starts_at, Booking.ends_at).where(
                *_busy_between(facilitator_ids, start, end, ignore=ignore)
            )
        )
        if with_busy
        else []
    )
    parts: dict[int, dict[str, list[Any]]] = {
        i: {"windows": [], "extras": [], "absences": [], "busy": []} for i in facilitator_ids
    }
    for owner, weekday, opens, closes in windows:
        parts[owner]["windows"].append(Window(weekday, opens, closes))
    for owner, kind, starts_at, ends_at in exceptions:
        parts[owner]["extras" if kind == EXTRA else "absences"].append(Interval(starts_at, ends_at))
    for owner, starts_at, ends_at in busy:
        parts[owner]["busy"].append(Interval(starts_at, ends_at))
    return {i: Availability(**{name: tuple(items) for name, items in p.items()}) for i, p in parts.items()}


def availability_of(
    facilitator_id: int, start: datetime, end: datetime, *, ignore: Booking | None = None
) -> Availability:
    """One facilitator's windows, exceptions and booked sessions that touch [start, end)."""
    return availabilities_of([facilitator_id], start, end, ignore=ignore)[facilitator_id]


def _day_span(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    return swedish_time_to_utc(first_day, time.min), swedish_time_to_utc(last_day + timedelta(days=1), time.min)


def free_slots_between(
    facilitator_id: int,
    profile: FacilitatorProfile | None,
    kind: str,
    first_day: date,
    last_day: date,
    *,
    ignore: Booking | None = None,
) -> list[Interval]:
    """The facilitator's free slots for a session of ``kind`` on these days, under the rules of ``profile``."""
    start, end = _day_span(first_day, last_day)
    return free_slots(
        availability_of(facilitator_id, start, end, ignore=ignore),
        length=session_length(profile, kind),
        rules=rules_of(profile),
        now=utcnow(),
        first_day=first_day,
        last_day=last_day,
    )


def booked_hours_of(facilitator_ids: list[int], start: datetime, end: datetime) -> dict[int, float]:
    """The hours of each facilitator's booked sessions that touch [start, end), summed by the database (the
    suggestions would otherwise load 40 calendars' sessions to add them up)."""
    query = (
        sa.select(Booking.facilitator_id, total_hours(Booking.starts_at, Booking.ends_at))
        .where(*_busy_between(facilitator_ids, start, end))
        .group_by(Booking.facilitator_id)
    )
    return {facilitator: float(hours or 0) for facilitator, hours in db.session.execute(query).tuples()}


# --- suggesting a facilitator ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilitatorSuggestion:
    """A facilitator with a score and the reasons behind it."""

    user: User
    score: float
    knows_area: bool
    free_hours: float
    load: int


def suggest_facilitators(request: SupportRequest, people: list[User], *, weeks: int = 4) -> list[FacilitatorSuggestion]:
    """``people`` (facilitators) ranked by need-area expertise, free time in the coming weeks and current load."""
    if not people:
        return []
    ids = [person.id for person in people]
    loads: dict[int | None, int] = {
        facilitator_id: count
        for facilitator_id, count in db.session.execute(
            sa.select(SupportRequest.facilitator_id, sa.func.count())
            .where(SupportRequest.status.in_(BOOKABLE_STATUSES), SupportRequest.facilitator_id.in_(ids))
            .group_by(SupportRequest.facilitator_id)
        )
    }
    experts = set(
        db.session.scalars(
            sa.select(facilitator_need_area.c.user_id).where(
                facilitator_need_area.c.need_area_id == request.need_area_id
            )
        )
    )
    first_day = utcnow().astimezone(STOCKHOLM).date()
    last_day = first_day + timedelta(weeks=weeks)
    span = _day_span(first_day, last_day)
    availabilities = availabilities_of(ids, *span, with_busy=False)
    booked = booked_hours_of(ids, *span)
    ranked = []
    for person in people:
        open_then = open_hours(availabilities[person.id], first_day, last_day)
        hours = max(open_then - booked.get(person.id, 0.0), 0.0)
        load = loads.get(person.id, 0)
        knows = person.id in experts
        score = (2.0 if knows else 0.0) + min(hours, 80.0) / 40.0 - 0.25 * load
        ranked.append(FacilitatorSuggestion(person, round(score, 2), knows, round(hours, 1), load))
    return sorted(ranked, key=lambda s: (-s.score, s.user.sort_key, s.user.id))


def suggestion_reasons(suggestion: FacilitatorSuggestion) -> list[str]:
    """The suggestion's reasons in the user's language."""
    reasons = [_("kan behovsområdet")] if suggestion.knows_area else []
    reasons.append(_("%(hours)s lediga timmar de närmaste fyra veckorna", hours=f"{suggestion.free_hours:g}"))
    reasons.append(_("%(count)s pågående uppdrag", count=suggestion.load))
    return reasons


# --- sessions per role -------------------------------------------------------------------------------------


def upcoming_sessions(user: User, *, limit: int = 50) -> list[Booking]:
    """Booked sessions still to come: a facilitator's own, or a buyer's organisation's."""
    query = (
        sa.select(Booking)
        .join(SupportRequest)
        .where(Booking.status == BOOKED, Booking.ends_at > utcnow())
        .order_by(Booking.starts_at)
        .limit(limit)
        .options(sa.orm.joinedload(Booking.request).joinedload(SupportRequest.organisation))
    )
    if user.has_role(FACILITATOR):
        return list(db.session.scalars(query.where(Booking.facilitator_id == user.id)))
    return list(db.session.scalars(query.where(SupportRequest.organisation_id == user.organisation_id)))


def sessions_to_follow_up(user: User) -> list[Booking]:
    """A facilitator's sessions that have started but are not yet marked done or no-show."""
    return list(
        db.session.scalars(
            sa.select(Booking)
            .where(Booking.facilitator_id == user.id, Booking.status == BOOKED, Booking.starts_at <= utcnow())
            .order_by(Booking.starts_at)
            .options(sa.orm.joinedload(Booking.request))
        )
    )


def bookings_in_feed(facilitator_id: int) -> list[Booking]:
    """The sessions a facilitator's calendar feed carries: from 90 days back, every one not cancelled."""
    return list(
        db.session.scalars(
            sa.select(Booking)
            .where(
                Booking.facilitator_id == facilitator_id,
                Booking.status != CANCELLED,
                Booking.starts_at > utcnow() - timedelta(days=90),
            )
            .order_by(Booking.starts_at)
            .options(sa.orm.joinedload(Booking.request).joinedload(SupportRequest.organisation))
        )
    )


def hash_token(token: str) -> str:
    """The SHA-256 of a secret link token (what is stored and looked up)."""
    return hashlib.sha256(token.encode()).hexdigest()


def profile_for_calendar_token(token: str) -> FacilitatorProfile | None:
    """The facilitator whose live feed link this is."""
    return db.session.scalar(
        sa.select(FacilitatorProfile).where(FacilitatorProfile.calendar_token_hash == hash_token(token))
    )


def feedback_for_token(token: str) -> Feedback | None:
    """The feedback request behind a one-time link."""
    return db.session.scalar(sa.select(Feedback).where(Feedback.token_hash == hash_token(token)))


# --- start pages -------------------------------------------------------------------------------------------


def assigned_open_requests(facilitator_id: int, *, limit: int = 10) -> list[SupportRequest]:
    """A facilitator's own queue: granted or running requests assigned to them, oldest first."""
    query = (
        sa.select(SupportRequest)
        .where(SupportRequest.facilitator_id == facilitator_id, SupportRequest.status.in_(BOOKABLE_STATUSES))
        .order_by(SupportRequest.submitted_at)
        .limit(limit)
        .options(sa.orm.joinedload(SupportRequest.organisation))
    )
    return list(db.session.scalars(query))


def awaiting_decision(*, limit: int = 5) -> tuple[list[SupportRequest], int]:
    """The requests that have waited longest for a decision (the head of the staff queue), and how many wait
    (one statement)."""
    rows = db.session.execute(
        sa.select(SupportRequest, sa.func.count().over().label("waiting"))
        .where(SupportRequest.status.in_(OPEN_STATUSES))
        .order_by(SupportRequest.submitted_at, SupportRequest.id)
        .limit(limit)
        .options(sa.orm.joinedload(SupportRequest.organisation))
    ).all()
    return [row.SupportRequest for row in rows], rows[0].waiting if rows else 0


def latest_requests_of(organisation_id: int | None, *, limit: int = 5) -> list[SupportRequest]:
    """An organisation's most recent support requests."""
    query = (
        sa.select(SupportRequest)
        .where(SupportRequest.organisation_id == organisation_id)
        .order_by(SupportRequest.submitted_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def windows_of(facilitator_id: int) -> list[AvailabilityWindow]:
    """The facilitator's weekly working windows, Monday morning first."""
    return list(
        db.session.scalars(
            sa.select(AvailabilityWindow)
            .where(AvailabilityWindow.facilitator_id == facilitator_id)
            .order_by(AvailabilityWindow.weekday, AvailabilityWindow.start_time)
        )
    )


def coming_exceptions_of(facilitator_id: int) -> list[AvailabilityException]:
    """The facilitator's absence and extra time that has not yet ended, soonest first."""
    return list(
        db.session.scalars(
            sa.select(AvailabilityException)
            .where(AvailabilityException.facilitator_id == facilitator_id, AvailabilityException.ends_at > utcnow())
            .order_by(AvailabilityException.starts_at)
        )
    )
