"""Sessions: one session's page and calendar file, cancelling, the facilitator's follow-up, the list of
sessions, and the buyer's feedback through a one-time link."""

from flask import Response, g
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from blueprints.core.access import login_required, permission_required, public
from blueprints.core.actions import form_status, perform
from blueprints.core.db import utcnow
from blueprints.core.downloads import download
from blueprints.core.errors import abort_with
from blueprints.core.htmx import render
from blueprints.support.blueprint import bp
from blueprints.support.calendar import invitation
from blueprints.support.constants import BOOKING_STATUSES, SUPPORT_KINDS
from blueprints.support.forms import CancelForm, FeedbackForm, OutcomeForm
from blueprints.support.models import Booking
from blueprints.support.policies import (
    BOOK_SESSIONS,
    FOLLOW_UP_SESSIONS,
    KEEP_AVAILABILITY,
    follow_up_refusal,
    may_change,
    may_follow_up,
)
from blueprints.support.queries import feedback_for_token, sessions_to_follow_up, upcoming_sessions
from blueprints.support.services import answer_feedback, cancel_booking, record_outcome
from blueprints.support.views.common import done, visible_booking


def _booking_page(booking: Booking, status: int = 200, **given: FlaskForm) -> ResponseReturnValue:
    user = g.user
    return render(
        "support/booking.html",
        booking=booking,
        req=booking.request,
        may_change=may_change(booking, user),
        may_follow_up=may_follow_up(booking, user),
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
    return _booking_page(visible_booking(booking_id))


@bp.get("/stod/sessioner/<int:booking_id>.ics")
@login_required
def booking_ics(booking_id: int) -> Response:
    """The session as a calendar file."""
    booking = visible_booking(booking_id)
    _method, text = invitation(booking)
    return download(text, "text/calendar; charset=utf-8", f"session-{booking.id}.ics")


@bp.post("/stod/sessioner/<int:booking_id>/avboka")
@permission_required(BOOK_SESSIONS)
def cancel(booking_id: int) -> ResponseReturnValue:
    """Cancel a session (with a reason both sides are sent)."""
    booking = visible_booking(booking_id)
    form = CancelForm()
    if form.validate_on_submit() and perform(
        lambda: cancel_booking(booking=booking, reason=form.reason.data or "", actor=g.user), form=form
    ):
        return done(_("Sessionen är avbokad."), "support.booking", booking_id=booking_id)
    return _booking_page(visible_booking(booking_id), 422, cancel_form=form)


@bp.post("/stod/sessioner/<int:booking_id>/uppfoljning")
@permission_required(FOLLOW_UP_SESSIONS)
def follow_up(booking_id: int) -> ResponseReturnValue:
    """Mark a held session as done or no-show, with outcomes and lessons."""
    booking = visible_booking(booking_id)
    refusal = follow_up_refusal(booking, g.user)
    if refusal is not None:
        abort_with(refusal.status_code, refusal.message)
    form = OutcomeForm()
    if form.validate_on_submit() and perform(
        lambda: record_outcome(
            booking=booking,
            status=form.status.data,
            outcome=form.outcome.data or "",
            lessons=form.lessons.data or "",
            actor=g.user,
        ),
        form=form,
    ):
        return done(_("Uppföljningen är sparad."), "support.booking", booking_id=booking_id)
    return _booking_page(visible_booking(booking_id), form_status(form), outcome_form=form)


@bp.get("/stod/sessioner/")
@login_required
def sessions() -> ResponseReturnValue:
    """Coming sessions (a facilitator's own, or the buyer organisation's) and, for facilitators, those to follow up."""
    user = g.user
    return render(
        "support/sessions.html",
        upcoming=upcoming_sessions(user),
        to_follow_up=sessions_to_follow_up(user) if KEEP_AVAILABILITY(user) else [],
        kinds=SUPPORT_KINDS,
    )


@bp.route("/aterkoppling/<token>", methods=["GET", "POST"])
@public
def feedback(token: str) -> ResponseReturnValue:
    """Rate a session through the one-time link in the e-mail (no login needed)."""
    found = feedback_for_token(token)
    if found is None or found.answered_at is not None or found.expires_at <= utcnow():
        return render("support/feedback_gone.html", status=410 if found else 404)
    form = FeedbackForm()
    if form.validate_on_submit() and perform(
        lambda: answer_feedback(feedback=found, rating=int(form.rating.data), comment=form.comment.data or ""),
        form=form,
    ):
        return render("support/feedback_thanks.html")
    return render(
        "support/feedback.html",
        form=form,
        booking=found.booking,
        kinds=SUPPORT_KINDS,
        status=form_status(form),
    )
