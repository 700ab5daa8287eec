"""Network activities as iCalendar files (RFC 5545), in Swedish time."""

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from blueprints.core.formatting import STOCKHOLM
from blueprints.networks.constants import ACTIVITY_KINDS
from blueprints.networks.models import NetworkActivity


def activity_uid(activity: NetworkActivity) -> str:
    """A UID that stays the same for the activity's whole life, so calendars update instead of duplicating."""
    domain = current_app.config["BASE_URL"].split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "kopkraft"
    return f"network-activity-{activity.id}@{domain}"


def activity_calendar(activity: NetworkActivity) -> bytes:
    """One VEVENT for the activity (METHOD:PUBLISH), with its place or video link and agenda."""
    calendar = Calendar()
    calendar.add("prodid", "-//Köpkraft//Beställarnätverk//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", activity_uid(activity))
    event.add("sequence", activity.sequence)
    event.add("dtstamp", activity.updated_at)
    event.add("dtstart", activity.starts_at.astimezone(STOCKHOLM))
    event.add("dtend", activity.ends_at.astimezone(STOCKHOLM))
    event.add("summary", f"{ACTIVITY_KINDS[activity.kind]}: {activity.title} ({activity.network.name})")
    location = activity.place or activity.video_link
    if location:
        event.add("location", vText(location))
    if activity.video_link:
        event.add("url", activity.video_link)
    link = f"{current_app.config['BASE_URL']}/natverk/{activity.network_id}/aktiviteter/{activity.id}"
    event.add("description", "\n\n".join(part for part in (activity.agenda, link) if part))
    organizer = vCalAddress(f"mailto:{current_app.config['MAIL_DEFAULT_SENDER'].split('<')[-1].strip('>')}")
    organizer.params["cn"] = vText("Upphandlingsmyndigheten")
    event.add("organizer", organizer)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
