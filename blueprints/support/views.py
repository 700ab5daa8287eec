"""Views: request support, the triage queue, a request with its decisions, notes and documents, the week view
to book and reschedule, sessions and their follow-up, availability, the calendar feed and feedback links."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from blueprints.accounts.access import login_required, public, role_required
from blueprints.accounts.models import User
from blueprints.accounts.roles import ADMIN, BUYER, FACILITATOR
from blueprints.admin.queries import need_area_choices
from blueprints.challenges.queries import selected_cpv
from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.downloads import download
from blueprints.core.formatting import STOCKHOLM, swedish_time_to_utc
from blueprints.core.forms import add_domain_error, commit_or_show_error, form_status
from blueprints.core.htmx import render
from blueprints.core.urls import public_url
from blueprints.organisations.regions import COUNTIES
from blueprints.support import bp
from blueprints.support.calendar import feed, invitation
from blueprints.support.constants import (
    AGE_FILTERS,
    BOOKING_STATUSES,
    CANCELLED,
    EXCEPTION_KINDS,
    FORMATS,
    PROJECT_PHASES,
    REQUEST_STATUSES,
    SUPPORT_KINDS,
    WEEKDAYS,
)
from blueprints.support.forms import (
    AttachmentForm,
    BookingForm,
    CancelForm,
    CloseForm,
    DeclineForm,
    ExceptionForm,
    FeedbackForm,
    GrantForm,
    NoteForm,
    OutcomeForm,
    ReassignForm,
    RescheduleForm,
    RulesForm,
    SupportRequestForm,
    WindowForm,
)
from blueprints.support.models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    FacilitatorProfile,
    SupportRequest,
)
from blueprints.support.queries import (
    RequestFilter,
    bookings_in_feed,
    facilitator_profile,
    facilitators,
    feedback_for_token,
    free_slots_between,
    get_visible_attachment,
    get_visible_booking,
    get_visible_request,
    is_overdue,
    profile_for_calendar_token,
    response_due,
    rules_of,
    search_requests,
    session_length,
    sessions_to_follow_up,
    suggest_facilitators,
    suggestion_reasons,
    upcoming_sessions,
)
from blueprints.support.services import (
    RequestData,
    RulesData,
    add_attachments,
    add_exception,
    add_note,
    add_window,
    answer_feedback,
    book_session,
    cancel_booking,
    close_request,
    decline_request,
    grant_request,
    may_book,
    may_change,
    new_calendar_token,
    reassign_facilitator,
    record_outcome,
    reschedule_booking,
    revoke_calendar_token,
    save_rules,
    start_assessment,
    submit_support_request,
    upload_dir,
)
from blueprints.support.slots import Interval, earliest_start
from blueprints.support.workdays import holiday_name

TRIAGERS = (FACILITATOR, ADMIN)  # staff who decide on requests
BOOKERS = (BUYER, FACILITATOR)


# --- helpers -----------------------------------------------------------------------------------------------


def _visible_request(request_id: int) -> SupportRequest:
    support_request = get_visible_request(request_id, g.user)
    if support_request is None:
        abort(404)
    return support_request


def _request_page(request_id: int) -> SupportRequest:
    """The request with everything its page shows."""
    support_request = get_visible_request(request_id, g.user, whole=True)
    if support_request is None:
        abort(404)
    return support_request


def _visible_booking(booking_id: int) -> Booking:
    booking = get_visible_booking(booking_id, g.user)
    if booking is None:
        abort(404)
    return booking


def _done(message: str, endpoint: str, anchor: str = "", **values: Any) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for(endpoint, **values) + anchor, 303)


# --- the list and the triage queue -------------------------------------------------------------------------


@bp.get("/stod/")
@login_required
def index() -> ResponseReturnValue:
    """Support requests: a buyer's organisation's, or every request as staff's triage queue with filters."""
    flt = RequestFilter.from_args(request.args)
    return render(
        "support/index.html",
        block="results",
        flt=flt,
        page=search_requests(flt, g.user),
        statuses=REQUEST_STATUSES,
        phases=PROJECT_PHASES,
        kinds=SUPPORT_KINDS,
        counties=COUNTIES,
        ages={key: label for key, (label, _days) in AGE_FILTERS.items()},
        facilitator_choices=[(f.id, f.name) for f in facilitators()] if g.user.is_staff else [],
        is_overdue=is_overdue,
    )


# --- a new request -----------------------------------------------------------------------------------------


def _request_form() -> SupportRequestForm:
    form = SupportRequestForm()
    form.need_area_id.choices = [(0, _("Välj behovsområde")), *need_area_choices()]
    return form


def _request_data(form: SupportRequestForm) -> RequestData:
    return RequestData(
        title=(form.title.data or "").strip(),
        description=(form.description.data or "").strip(),
        need_area_id=form.need_area_id.data or None,
        cpv_codes=form.cpv_codes.parsed,
        estimated_value_sek=form.estimated_value.parsed,
        phase=form.phase.data,
        support_kinds=form.support_kinds.data or [],
        preferred_from=form.preferred_from.data,
        preferred_to=form.preferred_to.data,
        format=form.format.data,
        place=(form.place.data or "").strip(),
    )


@bp.route("/stod/ny", methods=["GET", "POST"])
@role_required(BUYER)
def create() -> ResponseReturnValue:
    """Ask for facilitator support; the request gets a diarienummer and the buyer a confirmation."""
    form = _request_form()
    if form.validate_on_submit():
        created = commit_or_show_error(
            form,
            lambda: submit_support_request(data=_request_data(form), uploads=form.attachments.uploads, user=g.user),
        )
        if created is not None:
            return _done(
                _("Tack! Förfrågan är registrerad med diarienummer %(diary)s.", diary=created.diary_number),
                "support.detail",
                request_id=created.id,
            )
    return render(
        "support/form.html",
        form=form,
        selected_cpv=selected_cpv(form.cpv_codes.data or "", str(g.user.language)),
        status=413 if form.attachments.too_large else form_status(form),
    )


# --- one request -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetailForms:
    """The forms a request's page may show (blank unless one came back with errors)."""

    decline: DeclineForm
    reassign: ReassignForm
    note: NoteForm
    close: CloseForm
    attachments: AttachmentForm


def _facilitator_choices(form: GrantForm | ReassignForm, people: list[User]) -> None:
    form.facilitator_id.choices = [(0, _("Välj facilitator")), *((f.id, f.name) for f in people)]


def _detail_forms(*, triage: bool, **given: FlaskForm) -> DetailForms:
    """The page's forms; only those who decide get the list of facilitators."""
    reassign = given.get("reassign") or ReassignForm(formdata=None)
    if triage:
        _facilitator_choices(reassign, facilitators())  # type: ignore[arg-type]
    return DetailForms(
        decline=given.get("decline") or DeclineForm(formdata=None),  # type: ignore[arg-type]
        reassign=reassign,  # type: ignore[arg-type]
        note=given.get("note") or NoteForm(formdata=None),  # type: ignore[arg-type]
        close=given.get("close") or CloseForm(formdata=None),  # type: ignore[arg-type]
        attachments=given.get("attachments") or AttachmentForm(formdata=None),  # type: ignore[arg-type]
    )


def _may_attach(support_request: SupportRequest) -> bool:
    user = g.user
    return user.has_role(*TRIAGERS) or (
        user.has_role(BUYER) and user.organisation_id == support_request.organisation_id
    )


def _detail_page(support_request: SupportRequest, status: int = 200, **given: FlaskForm) -> ResponseReturnValue:
    user = g.user
    triage = user.has_role(*TRIAGERS)
    return render(
        "support/detail.html",
        req=support_request,
        # A rule broken by an action whose form the page no longer shows (say, granting a declined request).
        action_errors=[message for form in given.values() for message in form.form_errors],
        forms=_detail_forms(triage=triage, **given),
        triage=triage,
        staff=user.is_staff,
        may_attach=_may_attach(support_request),
        may_book=may_book(support_request, user),
        overdue=is_overdue(support_request),
        response_due=response_due(support_request),
        statuses=REQUEST_STATUSES,
        phases=PROJECT_PHASES,
        kinds=SUPPORT_KINDS,
        formats=FORMATS,
        booking_statuses=BOOKING_STATUSES,
        status=status,
    )


@bp.get("/stod/<int:request_id>")
@login_required
def detail(request_id: int) -> ResponseReturnValue:
    """A request: the project, documents, decision, sessions and history (and internal notes for staff)."""
    return _detail_page(_request_page(request_id))


@bp.post("/stod/<int:request_id>/bilagor")
@login_required
def attach(request_id: int) -> ResponseReturnValue:
    """Add documents to a request (its organisation's buyers and the agency)."""
    support_request = _visible_request(request_id)
    if not _may_attach(support_request):
        abort(403)
    form = AttachmentForm()
    if form.validate_on_submit() and commit_or_show_error(
        form, lambda: add_attachments(request=support_request, uploads=form.attachments.uploads, user=g.user)
    ):
        return _done(_("Bilagorna är sparade."), "support.detail", "#bilagor", request_id=request_id)
    return _detail_page(_request_page(request_id), 413 if form.attachments.too_large else 422, attachments=form)


@bp.get("/stod/<int:request_id>/bilagor/<int:attachment_id>")
@login_required
def attachment(request_id: int, attachment_id: int) -> ResponseReturnValue:
    """Download a document, only for those who may see the request."""
    found = get_visible_attachment(request_id, attachment_id, g.user)
    if found is None:
        abort(404)
    return send_file(
        upload_dir() / found.storage_key,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )


@bp.post("/stod/<int:request_id>/bedomning")
@role_required(*TRIAGERS)
def assess(request_id: int) -> ResponseReturnValue:
    """Take up a received request for assessment."""
    support_request = _visible_request(request_id)
    try:
        start_assessment(request=support_request, actor=g.user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("support.detail", request_id=request_id), 303)
    db.session.commit()
    return _done(_("Förfrågan är under bedömning."), "support.detail", request_id=request_id)


@bp.route("/stod/<int:request_id>/bevilja", methods=["GET", "POST"])
@role_required(*TRIAGERS)
def grant(request_id: int) -> ResponseReturnValue:
    """Grant support with an assigned facilitator; the best suggested facilitators (expertise, free time, load)
    are listed and the first is preselected."""
    support_request = _visible_request(request_id)
    if request.method == "GET" and not support_request.awaits_decision:
        return redirect(url_for("support.detail", request_id=request_id))  # decided already: nothing to suggest
    people = facilitators()
    suggestions = suggest_facilitators(support_request, people)[:3]
    form = GrantForm(data={"facilitator_id": suggestions[0].user.id if suggestions else 0})
    _facilitator_choices(form, people)
    if form.validate_on_submit() and commit_or_show_error(
        form,
        lambda: grant_request(
            request=support_request,
            facilitator_id=form.facilitator_id.data,
            comment=(form.comment.data or "").strip(),
            actor=g.user,
        ),
    ):
        return _done(_("Förfrågan är beviljad."), "support.detail", request_id=request_id)
    return render(
        "support/grant.html",
        block="grant",
        req=support_request,
        form=form,
        suggestions=[(s, suggestion_reasons(s)) for s in suggestions],
        status=form_status(form),
    )


@bp.post("/stod/<int:request_id>/avsla")
@role_required(*TRIAGERS)
def decline(request_id: int) -> ResponseReturnValue:
    """Decline with a reason (e-mailed to the buyer)."""
    support_request = _visible_request(request_id)
    form = DeclineForm()
    if form.validate_on_submit() and commit_or_show_error(
        form, lambda: decline_request(request=support_request, reason=(form.reason.data or "").strip(), actor=g.user)
    ):
        return _done(_("Förfrågan är avslagen och beställaren underrättad."), "support.detail", request_id=request_id)
    return _detail_page(_request_page(request_id), 422, decline=form)


@bp.post("/stod/<int:request_id>/facilitator")
@role_required(*TRIAGERS)
def reassign(request_id: int) -> ResponseReturnValue:
    """Hand a granted request to another facilitator."""
    support_request = _visible_request(request_id)
    form = ReassignForm()
    _facilitator_choices(form, facilitators())
    if form.validate_on_submit() and commit_or_show_error(
        form,
        lambda: reassign_facilitator(request=support_request, facilitator_id=form.facilitator_id.data, actor=g.user),
    ):
        return _done(_("Förfrågan har fått en ny facilitator."), "support.detail", request_id=request_id)
    return _detail_page(_request_page(request_id), 422, reassign=form)


@bp.post("/stod/<int:request_id>/anteckningar")
@role_required(*TRIAGERS)
def note(request_id: int) -> ResponseReturnValue:
    """Add an internal note (never shown to buyers)."""
    support_request = _visible_request(request_id)
    form = NoteForm()
    if form.validate_on_submit() and commit_or_show_error(
        form, lambda: add_note(request=support_request, body=form.body.data or "", actor=g.user)
    ):
        return _done(_("Anteckningen är sparad."), "support.detail", "#anteckningar", request_id=request_id)
    return _detail_page(_request_page(request_id), 422, note=form)


@bp.post("/stod/<int:request_id>/avsluta")
@role_required(*TRIAGERS)
def close(request_id: int) -> ResponseReturnValue:
    """Close the request with a summary."""
    support_request = _visible_request(request_id)
    form = CloseForm()
    if form.validate_on_submit() and commit_or_show_error(
        form, lambda: close_request(request=support_request, summary=form.summary.data or "", actor=g.user)
    ):
        return _done(_("Förfrågan är avslutad."), "support.detail", request_id=request_id)
    return _detail_page(_request_page(request_id), 422, close=form)


# --- the week view: book and reschedule --------------------------------------------------------------------


@dataclass(frozen=True)
class WeekDay:
    """One day of the week view: its free slots, or the holiday that closes it."""

    day: date
    slots: list[Interval]
    holiday: str | None


@dataclass(frozen=True)
class Week:
    """One ISO week of free slots, Monday first."""

    monday: date
    days: list[WeekDay]

    @property
    def label(self) -> str:
        """Vecka 48, 2026."""
        year, week, _weekday = self.monday.isocalendar()
        return _("Vecka %(week)s, %(year)s", week=week, year=year)

    def key(self, weeks: int = 0) -> str:
        """2026-W48 (this week, or ``weeks`` later), as in the URL."""
        year, week, _weekday = (self.monday + timedelta(weeks=weeks)).isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def has_slots(self) -> bool:
        """True when any day of the week has a free slot."""
        return any(day.slots for day in self.days)


def _week_monday(key: str | None, profile: FacilitatorProfile | None) -> date:
    """The Monday of ``2026-W48``, or of the first bookable week when the key is missing or malformed."""
    try:
        year, week = (key or "").split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        first = earliest_start(utcnow(), rules_of(profile)).astimezone(STOCKHOLM).date()
        return first - timedelta(days=first.weekday())


def _week(facilitator_id: int, kind: str, key: str | None, ignore: Booking | None = None) -> Week:
    profile = facilitator_profile(facilitator_id)
    monday = _week_monday(key, profile)
    days = [monday + timedelta(days=i) for i in range(7)]
    slots = free_slots_between(facilitator_id, profile, kind, days[0], days[-1], ignore=ignore)
    language = str(get_locale() or "sv")
    return Week(
        monday=monday,
        days=[
            WeekDay(day, [s for s in slots if s.start.astimezone(STOCKHOLM).date() == day], holiday_name(day, language))
            for day in days
        ],
    )


def _booking_form(support_request: SupportRequest) -> BookingForm:
    kinds = support_request.support_kinds
    form = BookingForm()
    form.kind.choices = [(k, SUPPORT_KINDS[k]) for k in kinds]
    if not form.is_submitted():  # the week shown follows ?kind= (the "Visa tider" button, or htmx on change)
        form.kind.data = request.args["kind"] if request.args.get("kind") in kinds else kinds[0]
        form.place.data = support_request.place
    return form


def _book_page(support_request: SupportRequest, form: BookingForm, status: int = 200) -> ResponseReturnValue:
    facilitator_id = support_request.facilitator_id
    assert facilitator_id is not None
    kind = form.kind.data if form.kind.data in support_request.support_kinds else support_request.support_kinds[0]
    return render(
        "support/book.html",
        block="week",
        req=support_request,
        form=form,
        week=_week(facilitator_id, kind, request.args.get("vecka")),
        week_args={"request_id": support_request.id, "kind": kind},
        week_endpoint="support.book",
        status=status,
    )


@bp.route("/stod/<int:request_id>/boka", methods=["GET", "POST"])
@role_required(*BOOKERS)
def book(request_id: int) -> ResponseReturnValue:
    """Pick a free time of the assigned facilitator in a week view (a list of buttons without JavaScript)."""
    support_request = _visible_request(request_id)
    if not may_book(support_request, g.user):
        abort(404)
    form = _booking_form(support_request)
    if form.validate_on_submit():
        try:
            booking = book_session(
                request=support_request,
                kind=form.kind.data,
                starts_at=form.start.parsed,
                place=(form.place.data or "").strip(),
                video_link=(form.video_link.data or "").strip(),
                actor=g.user,
            )
        except DomainError as error:
            db.session.rollback()
            add_domain_error(form, error)
            return _book_page(_visible_request(request_id), form, error.status_code)
        db.session.commit()
        return _done(_("Sessionen är bokad. En kalenderinbjudan är skickad."), "support.booking", booking_id=booking.id)
    return _book_page(support_request, form, form_status(form))


def _reschedule_page(booking: Booking, form: RescheduleForm, status: int = 200) -> ResponseReturnValue:
    return render(
        "support/reschedule.html",
        block="week",
        booking=booking,
        req=booking.request,
        form=form,
        week=_week(booking.facilitator_id, booking.kind, request.args.get("vecka"), ignore=booking),
        week_args={"booking_id": booking.id},
        week_endpoint="support.reschedule",
        kinds=SUPPORT_KINDS,
        status=status,
    )


@bp.route("/stod/sessioner/<int:booking_id>/omboka", methods=["GET", "POST"])
@role_required(*BOOKERS)
def reschedule(booking_id: int) -> ResponseReturnValue:
    """Move a session to another free time."""
    booking = _visible_booking(booking_id)
    if not may_change(booking, g.user):
        abort(404)
    form = RescheduleForm()
    if form.validate_on_submit():
        try:
            reschedule_booking(booking=booking, starts_at=form.start.parsed, actor=g.user)
        except DomainError as error:
            db.session.rollback()
            add_domain_error(form, error)
            return _reschedule_page(_visible_booking(booking_id), form, error.status_code)
        db.session.commit()
        return _done(
            _("Sessionen har fått en ny tid. En uppdaterad inbjudan är skickad."),
            "support.booking",
            booking_id=booking_id,
        )
    return _reschedule_page(booking, form, form_status(form))


# --- sessions ----------------------------------------------------------------------------------------------


def _booking_page(booking: Booking, status: int = 200, **given: FlaskForm) -> ResponseReturnValue:
    user = g.user
    return render(
        "support/booking.html",
        booking=booking,
        req=booking.request,
        may_change=may_change(booking, user),
        may_follow_up=user.has_role(FACILITATOR) and booking.status != CANCELLED,
        cancel_form=given.get("cancel_form") or CancelForm(formdata=None),
        outcome_form=given.get("outcome_form") or OutcomeForm(formdata=None, obj=booking),
        kinds=SUPPORT_KINDS,
        booking_statuses=BOOKING_STATUSES,
        status=status,
    )


@bp.get("/stod/sessioner/<int:booking_id>")
@login_required
def booking(booking_id: int) -> ResponseReturnValue:
    """One session: time, place, who, and what came of it."""
    return _booking_page(_visible_booking(booking_id))


@bp.get("/stod/sessioner/<int:booking_id>.ics")
@login_required
def booking_ics(booking_id: int) -> Response:
    """The session as a calendar file."""
    booking = _visible_booking(booking_id)
    _method, text = invitation(booking)
    return download(text, "text/calendar; charset=utf-8", f"session-{booking.id}.ics")


@bp.post("/stod/sessioner/<int:booking_id>/avboka")
@role_required(*BOOKERS)
def cancel(booking_id: int) -> ResponseReturnValue:
    """Cancel a session (with a reason both sides are sent)."""
    booking = _visible_booking(booking_id)
    form = CancelForm()
    if form.validate_on_submit() and commit_or_show_error(
        form, lambda: cancel_booking(booking=booking, reason=form.reason.data or "", actor=g.user)
    ):
        return _done(_("Sessionen är avbokad."), "support.booking", booking_id=booking_id)
    return _booking_page(_visible_booking(booking_id), 422, cancel_form=form)


@bp.post("/stod/sessioner/<int:booking_id>/uppfoljning")
@role_required(FACILITATOR)
def follow_up(booking_id: int) -> ResponseReturnValue:
    """Mark a held session as done or no-show, with outcomes and lessons."""
    booking = _visible_booking(booking_id)
    form = OutcomeForm()
    if form.validate_on_submit() and commit_or_show_error(
        form,
        lambda: record_outcome(
            booking=booking,
            status=form.status.data,
            outcome=form.outcome.data or "",
            lessons=form.lessons.data or "",
            actor=g.user,
        ),
    ):
        return _done(_("Uppföljningen är sparad."), "support.booking", booking_id=booking_id)
    return _booking_page(_visible_booking(booking_id), 422, outcome_form=form)


@bp.get("/stod/sessioner/")
@login_required
def sessions() -> ResponseReturnValue:
    """Coming sessions (a facilitator's own, or the buyer organisation's) and, for facilitators, those to follow up."""
    user = g.user
    return render(
        "support/sessions.html",
        upcoming=upcoming_sessions(user),
        to_follow_up=sessions_to_follow_up(user) if user.has_role(FACILITATOR) else [],
        kinds=SUPPORT_KINDS,
    )


# --- availability ------------------------------------------------------------------------------------------


def _rules_form(*, blank: bool = False) -> RulesForm:
    """The rules form: filled from the saved rules (the defaults until some are saved), or from the request."""
    profile = facilitator_profile(g.user.id)
    rules = rules_of(profile)
    saved = {
        "buffer_minutes": int(rules.buffer.total_seconds() // 60),
        "notice_working_days": rules.notice_working_days,
        "horizon_days": rules.horizon_days,
        "need_area_ids": [a.id for a in profile.need_areas] if profile else [],
        **{f"minutes_{kind}": int(session_length(profile, kind).total_seconds() // 60) for kind in SUPPORT_KINDS},
    }
    form = RulesForm(formdata=None, data=saved) if blank else RulesForm(data=saved)
    form.need_area_ids.choices = need_area_choices()
    return form


def _availability_page(status: int = 200, **given: FlaskForm) -> ResponseReturnValue:
    user = g.user
    profile = facilitator_profile(user.id)
    return render(
        "support/availability.html",
        rules_form=given.get("rules_form") or _rules_form(blank=True),
        window_form=given.get("window_form") or WindowForm(formdata=None),
        exception_form=given.get("exception_form") or ExceptionForm(formdata=None),
        windows=db.session.scalars(
            sa.select(AvailabilityWindow)
            .where(AvailabilityWindow.facilitator_id == user.id)
            .order_by(AvailabilityWindow.weekday, AvailabilityWindow.start_time)
        ).all(),
        exceptions=db.session.scalars(
            sa.select(AvailabilityException)
            .where(AvailabilityException.facilitator_id == user.id, AvailabilityException.ends_at > utcnow())
            .order_by(AvailabilityException.starts_at)
        ).all(),
        has_feed=bool(profile and profile.calendar_token_hash),
        feed_url=given.get("feed_url"),
        weekdays=WEEKDAYS,
        exception_kinds=EXCEPTION_KINDS,
        kinds=SUPPORT_KINDS,
        status=status,
    )


@bp.get("/stod/tillganglighet")
@role_required(FACILITATOR)
def availability() -> ResponseReturnValue:
    """A facilitator's working windows, absence and extra time, booking rules and calendar feed."""
    return _availability_page()


@bp.post("/stod/tillganglighet/regler")
@role_required(FACILITATOR)
def rules() -> ResponseReturnValue:
    """Save buffer, notice, horizon, session lengths and need areas."""
    form = _rules_form()
    if form.validate_on_submit():
        data = RulesData(
            buffer_minutes=form.buffer_minutes.data or 0,
            notice_working_days=form.notice_working_days.data or 0,
            horizon_days=form.horizon_days.data or 1,
            session_minutes={kind: getattr(form, f"minutes_{kind}").data for kind in SUPPORT_KINDS},
            need_area_ids=form.need_area_ids.data or [],
        )
        if commit_or_show_error(form, lambda: save_rules(facilitator=g.user, data=data)):
            return _done(_("Inställningarna är sparade."), "support.availability")
    return _availability_page(422, rules_form=form)


@bp.post("/stod/tillganglighet/arbetstider")
@role_required(FACILITATOR)
def add_window_view() -> ResponseReturnValue:
    """Add a weekly working window."""
    form = WindowForm()
    if form.validate_on_submit() and commit_or_show_error(
        form,
        lambda: add_window(
            facilitator=g.user, weekday=form.weekday.data, start=form.start_time.data, end=form.end_time.data
        ),
    ):
        return _done(_("Arbetstiden är tillagd."), "support.availability", "#arbetstider")
    return _availability_page(422, window_form=form)


@bp.post("/stod/tillganglighet/arbetstider/<int:window_id>/ta-bort")
@role_required(FACILITATOR)
def delete_window(window_id: int) -> ResponseReturnValue:
    """Remove a working window (booked sessions stay)."""
    window = db.session.get(AvailabilityWindow, window_id)
    if window is None or window.facilitator_id != g.user.id:
        abort(404)
    db.session.delete(window)
    db.session.commit()
    return _done(_("Arbetstiden är borttagen."), "support.availability", "#arbetstider")


@bp.post("/stod/tillganglighet/undantag")
@role_required(FACILITATOR)
def add_exception_view() -> ResponseReturnValue:
    """Add absence or extra time."""
    form = ExceptionForm()
    if form.validate_on_submit() and commit_or_show_error(
        form,
        lambda: add_exception(
            facilitator=g.user,
            kind=form.kind.data,
            starts_at=swedish_time_to_utc(form.start_day.data, form.start_time.data),
            ends_at=swedish_time_to_utc(form.end_day.data, form.end_time.data),
            note=(form.note.data or "").strip(),
        ),
    ):
        return _done(_("Undantaget är sparat."), "support.availability", "#undantag")
    return _availability_page(422, exception_form=form)


@bp.post("/stod/tillganglighet/undantag/<int:exception_id>/ta-bort")
@role_required(FACILITATOR)
def delete_exception(exception_id: int) -> ResponseReturnValue:
    """Remove an exception."""
    exception = db.session.get(AvailabilityException, exception_id)
    if exception is None or exception.facilitator_id != g.user.id:
        abort(404)
    db.session.delete(exception)
    db.session.commit()
    return _done(_("Undantaget är borttaget."), "support.availability", "#undantag")


@bp.post("/stod/tillganglighet/kalender")
@role_required(FACILITATOR)
def calendar_link() -> ResponseReturnValue:
    """Make a new private calendar feed link (shown once), or turn the feed off."""
    if request.form.get("action") == "revoke":
        revoke_calendar_token(facilitator=g.user)
        db.session.commit()
        return _done(_("Kalenderlänken är avstängd."), "support.availability", "#kalender")
    token = new_calendar_token(facilitator=g.user)
    db.session.commit()
    flash(_("En ny kalenderlänk är skapad. Den gamla fungerar inte längre."), "success")
    return _availability_page(feed_url=public_url("support.calendar_feed", token=token))


@bp.get("/kalender/<token>.ics")
@public
def calendar_feed(token: str) -> Response:
    """A facilitator's private calendar feed, for Outlook and other calendar programs (the token is the key)."""
    profile = profile_for_calendar_token(token)
    if profile is None:
        abort(404)
    body = feed(bookings_in_feed(profile.user_id), _("Köpkraft: mina sessioner"))
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


# --- feedback ----------------------------------------------------------------------------------------------


@bp.route("/aterkoppling/<token>", methods=["GET", "POST"])
@public
def feedback(token: str) -> ResponseReturnValue:
    """Rate a session through the one-time link in the e-mail (no login needed)."""
    found = feedback_for_token(token)
    if found is None or found.answered_at is not None or found.expires_at <= utcnow():
        return render("support/feedback_gone.html", status=410 if found else 404)
    form = FeedbackForm()
    if form.validate_on_submit() and commit_or_show_error(
        form,
        lambda: answer_feedback(feedback=found, rating=int(form.rating.data), comment=form.comment.data or ""),
    ):
        return render("support/feedback_thanks.html")
    return render(
        "support/feedback.html",
        form=form,
        booking=found.booking,
        kinds=SUPPORT_KINDS,
        status=form_status(form),
    )
