"""Support sessions as iCalendar invitations (METHOD REQUEST / CANCEL) and facilitators' private feeds."""

from collections.abc import Iterable

from icalendar import Event, vText

from blueprints.core.ical import add_place, address, finish, new_calendar, timed_event, uid_for
from blueprints.core.urls import public_url
from blueprints.support.constants import CANCELLED, SUPPORT_KINDS
from blueprints.support.models import Booking


def booking_uid(booking: Booking) -> str:
    """The session's lifelong UID (the same in every invitation, update and cancellation)."""
    return uid_for("support-booking", booking.id)


def _event(booking: Booking) -> Event:
    request = booking.request
    event = timed_event(
        uid=booking_uid(booking),
        sequence=booking.sequence,
        stamp=booking.updated_at,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
    )
    event.add("summary", f"{SUPPORT_KINDS[booking.kind]}: {request.title} ({request.diary_number})")
    add_place(event, place=booking.place, video_link=booking.video_link)
    link = public_url("support.booking", booking_id=booking.id)
    event.add("description", f"{request.organisation.name}\n\n{link}")
    event.add("status", "CANCELLED" if booking.status == CANCELLED else "CONFIRMED")
    facilitator = booking.facilitator
    event.add("organizer", address(facilitator.email, facilitator.name))
    attendees = [facilitator, *([request.requester] if request.requester else [])]
    for person in attendees:
        attendee = address(person.email, person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED" if person is facilitator else "NEEDS-ACTION")
        event.add("attendee", attendee)
    return event


def invitation(booking: Booking) -> tuple[str, str]:
    """(METHOD, text) of the invitation for the booking as it is now: REQUEST, or CANCEL once cancelled."""
    method = "CANCEL" if booking.status == CANCELLED else "REQUEST"
    calendar = new_calendar(method, "Stöd för utvecklande inköp")
    calendar.add_component(_event(booking))
    return method, finish(calendar).decode()


def feed(bookings: Iterable[Booking], name: str) -> bytes:
    """A facilitator's subscribed calendar of the given sessions (METHOD PUBLISH)."""
    calendar = new_calendar("PUBLISH", "Stöd för utvecklande inköp")
    calendar.add("x-wr-calname", name)
    for booking in bookings:
        calendar.add_component(_event(booking))
    return finish(calendar)
