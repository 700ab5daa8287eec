"""Booking: the week view of a facilitator's free times, to book a session or move one."""

from datetime import datetime

from flask import abort, g, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.core.access import permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.formatting import STOCKHOLM
from blueprints.core.htmx import render
from blueprints.support.blueprint import bp
from blueprints.support.constants import SUPPORT_KINDS
from blueprints.support.forms import BookingForm, RescheduleForm
from blueprints.support.models import Booking, SupportRequest
from blueprints.support.policies import BOOK_SESSIONS, may_book, may_change
from blueprints.support.queries import facilitator_profile, session_length
from blueprints.support.services import book_session, reschedule_booking
from blueprints.support.views.common import done, visible_booking, visible_request
from blueprints.support.week import free_week


def _booking_form(support_request: SupportRequest) -> BookingForm:
    kinds = support_request.support_kinds
    form = BookingForm()
    form.kind.choices = [(k, SUPPORT_KINDS[k]) for k in kinds]
    if not form.is_submitted():  # the week shown follows ?kind= (the "Visa tider" button, or htmx on change)
        form.kind.data = request.args["kind"] if request.args.get("kind") in kinds else kinds[0]
        form.place.data = support_request.place
    return form


def _book_page(support_request: SupportRequest, form: BookingForm, status: int | None = None) -> ResponseReturnValue:
    facilitator_id = support_request.facilitator_id
    assert facilitator_id is not None
    kind = form.kind.data if form.kind.data in support_request.support_kinds else support_request.support_kinds[0]
    return render(
        "support/book.html",
        block="week",
        req=support_request,
        form=form,
        week=free_week(facilitator_id, kind, _wanted_week(), wanted_from=support_request.preferred_from),
        week_args={"request_id": support_request.id, "kind": kind},
        week_endpoint="support.book",
        status=form_status(form) if status is None else status,
    )


def _wanted_week() -> str | None:
    """The week asked for: a week button of the form (without JavaScript), else the address's ?vecka=."""
    return request.form.get("vecka") or request.args.get("vecka")


def _only_looking() -> bool:
    """A post without a chosen time: "Visa tider" or another week, sent without JavaScript. Nothing is booked;
    the page comes back with what was typed (no CSRF token ever travels in an address)."""
    return request.method == "POST" and not request.form.get("start")


def _confirmed() -> bool:
    return request.form.get("confirm") == "1"


def _week_key(moment: datetime) -> str:
    year, week, _weekday = moment.astimezone(STOCKHOLM).isocalendar()
    return f"{year}-W{week:02d}"


def _confirm_booking_page(support_request: SupportRequest, form: BookingForm) -> ResponseReturnValue:
    """What the booking will be, with a button that makes it and a way back to the week."""
    facilitator_id = support_request.facilitator_id
    assert facilitator_id is not None
    start = form.start.parsed
    length = session_length(facilitator_profile(facilitator_id), form.kind.data)
    return render(
        "support/confirm_booking.html",
        req=support_request,
        form=form,
        facilitator=support_request.facilitator,
        start=start,
        end=start + length,
        kinds=SUPPORT_KINDS,
        back=url_for("support.book", request_id=support_request.id, kind=form.kind.data, vecka=_week_key(start)),
    )


def _confirm_reschedule_page(booking: Booking, form: RescheduleForm) -> ResponseReturnValue:
    """The session's time now and the new one, with a button that moves it and a way back to the week."""
    start = form.start.parsed
    return render(
        "support/confirm_reschedule.html",
        booking=booking,
        req=booking.request,
        form=form,
        facilitator=booking.facilitator,
        start=start,
        end=start + (booking.ends_at - booking.starts_at),
        kinds=SUPPORT_KINDS,
        back=url_for("support.reschedule", booking_id=booking.id, vecka=_week_key(start)),
    )


@bp.route("/stod/<int:request_id>/boka", methods=["GET", "POST"])
@permission_required(BOOK_SESSIONS)
def book(request_id: int) -> ResponseReturnValue:
    """Pick a free time of the assigned facilitator in a week view (a list of buttons without JavaScript), see
    what it means, then confirm."""
    support_request = visible_request(request_id)
    if not may_book(support_request, g.user):
        abort(404)
    form = _booking_form(support_request)
    if _only_looking():
        return _book_page(support_request, form, status=200)
    if form.validate_on_submit():
        if not _confirmed():
            return _confirm_booking_page(support_request, form)
        booking = perform(
            lambda: book_session(
                request=support_request,
                kind=form.kind.data,
                starts_at=form.start.parsed,
                place=(form.place.data or "").strip(),
                video_link=(form.video_link.data or "").strip(),
                actor=g.user,
            ),
            form=form,
        )
        if booking is not None:
            return done(
                _("Sessionen är bokad. En kalenderinbjudan är skickad."), "support.booking", booking_id=booking.id
            )
        support_request = visible_request(request_id)  # afresh: the failed attempt was rolled back
    return _book_page(support_request, form)


def _reschedule_page(booking: Booking, form: RescheduleForm, status: int | None = None) -> ResponseReturnValue:
    return render(
        "support/reschedule.html",
        block="week",
        booking=booking,
        current=booking,
        req=booking.request,
        form=form,
        week=free_week(booking.facilitator_id, booking.kind, _wanted_week(), ignore=booking),
        week_args={"booking_id": booking.id},
        week_endpoint="support.reschedule",
        kinds=SUPPORT_KINDS,
        status=form_status(form) if status is None else status,
    )


@bp.route("/stod/sessioner/<int:booking_id>/omboka", methods=["GET", "POST"])
@permission_required(BOOK_SESSIONS)
def reschedule(booking_id: int) -> ResponseReturnValue:
    """Move a session to another free time (the current one highlighted), see the change, then confirm."""
    booking = visible_booking(booking_id)
    if not may_change(booking, g.user):
        abort(404)
    form = RescheduleForm()
    if _only_looking():
        return _reschedule_page(booking, form, status=200)
    if form.validate_on_submit():
        if not _confirmed():
            return _confirm_reschedule_page(booking, form)
        if perform(lambda: reschedule_booking(booking=booking, starts_at=form.start.parsed, actor=g.user), form=form):
            return done(
                _("Sessionen har fått en ny tid. En uppdaterad inbjudan är skickad."),
                "support.booking",
                booking_id=booking_id,
            )
        booking = visible_booking(booking_id)  # afresh: the failed attempt was rolled back
    return _reschedule_page(booking, form)
