"""iCalendar (RFC 5545) building blocks shared by network activities and support sessions."""

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from blueprints.core.formatting import STOCKHOLM


def uid_for(kind: str, object_id: int) -> str:
    """A UID that stays the same for the object's whole life, so calendars update instead of duplicating."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "kopkraft"
    return f"{kind}-{object_id}@{host}"


def new_calendar(method: str, product: str) -> Calendar:
    """An empty VCALENDAR with PRODID, VERSION and METHOD (PUBLISH, REQUEST or CANCEL)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Köpkraft//{product}//SV")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def address(email: str, name: str) -> vCalAddress:
    """A mailto: address with its common name, for ORGANIZER and ATTENDEE."""
    value = vCalAddress(f"mailto:{email}")
    value.params["cn"] = vText(name)
    return value


def agency_address() -> vCalAddress:
    """The agency's sender address as organiser."""
    return address(current_app.config["MAIL_DEFAULT_SENDER"].split("<")[-1].strip(">"), "Upphandlingsmyndigheten")


def timed_event(*, uid: str, sequence: int, stamp: datetime, starts_at: datetime, ends_at: datetime) -> Event:
    """A VEVENT with its identity and times in Swedish time (TZID Europe/Stockholm)."""
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at.astimezone(STOCKHOLM))
    event.add("dtend", ends_at.astimezone(STOCKHOLM))
    return event


def add_place(event: Event, *, place: str, video_link: str) -> None:
    """LOCATION (the place, else the video link) and URL (the video link), when there are any."""
    if place or video_link:
        event.add("location", vText(place or video_link))
    if video_link:
        event.add("url", video_link)


def finish(calendar: Calendar) -> bytes:
    """The calendar as bytes, with the VTIMEZONE its events need."""
    calendar.add_missing_timezones()
    return calendar.to_ical()
