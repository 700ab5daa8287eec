"""What the support views share: loading what the person may see, and the answer after a change."""

from typing import Any

from flask import abort, flash, g, redirect, url_for
from flask.typing import ResponseReturnValue

from blueprints.support.models import Booking, SupportRequest
from blueprints.support.queries import get_visible_booking, get_visible_request


def visible_request(request_id: int) -> SupportRequest:
    """The request, if the person may see it (else 404)."""
    support_request = get_visible_request(request_id, g.user)
    if support_request is None:
        abort(404)
    return support_request


def request_for_page(request_id: int) -> SupportRequest:
    """The request with everything its page shows, if the person may see it (else 404)."""
    support_request = get_visible_request(request_id, g.user, whole=True)
    if support_request is None:
        abort(404)
    return support_request


def visible_booking(booking_id: int) -> Booking:
    """The session, if the person may see its request (else 404)."""
    booking = get_visible_booking(booking_id, g.user)
    if booking is None:
        abort(404)
    return booking


def done(message: str, endpoint: str, anchor: str = "", **values: Any) -> ResponseReturnValue:
    """After a change: say so, and show the page it concerns (303)."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values) + anchor, 303)
