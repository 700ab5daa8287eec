"""Booking: the week view of a facilitator's free times, to book a session or move one."""

from flask import abort, g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.core.access import permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.htmx import render
from blueprints.support.blueprint import bp
from blueprints.support.constants import SUPPORT_KINDS
from blueprints.support.forms import BookingForm, RescheduleForm
from blueprints.support.models import Booking, SupportRequest
from blueprints.support.policies import BOOK_SESSIONS, may_book, may_change
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


def _book_page(support_request: SupportRequest, form: BookingForm) -> ResponseReturnValue:
    facilitator_id = support_request.facilitator_id
    assert facilitator_id is not None
    kind = form.kind.data if form.kind.data in support_request.support_kinds else support_request.support_kinds[0]
    return render(
        "support/book.html",
        block="week",
        req=support_request,
        form=form,
        week=free_week(facilitator_id, kind, request.args.get("vecka")),
        week_args={"request_id": support_request.id, "kind": kind},
        week_endpoint="support.book",
        status=form_status(form),
    )


@bp.route("/stod/<int:request_id>/boka", methods=["GET", "POST"])
@permission_required(BOOK_SESSIONS)
def book(request_id: int) -> ResponseReturnValue:
    """Pick a free time of the assigned facilitator in a week view (a list of buttons without JavaScript)."""
    support_request = visible_request(request_id)
    if not may_book(support_request, g.user):
        abort(404)
    form = _booking_form(support_request)
    if form.validate_on_submit():
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


def _reschedule_page(booking: Booking, form: RescheduleForm) -> ResponseReturnValue:
    return render(
        "support/reschedule.html",
        block="week",
        booking=booking,
        req=booking.request,
        form=form,
        week=free_week(booking.facilitator_id, booking.kind, request.args.get("vecka"), ignore=booking),
        week_args={"booking_id": booking.id},
        week_endpoint="support.reschedule",
        kinds=SUPPORT_KINDS,
        status=form_status(form),
    )


@bp.route("/stod/sessioner/<int:booking_id>/omboka", methods=["GET", "POST"])
@permission_required(BOOK_SESSIONS)
def reschedule(booking_id: int) -> ResponseReturnValue:
    """Move a session to another free time."""
    booking = visible_booking(booking_id)
    if not may_change(booking, g.user):
        abort(404)
    form = RescheduleForm()
    if form.validate_on_submit():
        if perform(lambda: reschedule_booking(booking=booking, starts_at=form.start.parsed, actor=g.user), form=form):
            return done(
                _("Sessionen har fått en ny tid. En uppdaterad inbjudan är skickad."),
                "support.booking",
                booking_id=booking_id,
            )
        booking = visible_booking(booking_id)  # afresh: the failed attempt was rolled back
    return _reschedule_page(booking, form)
