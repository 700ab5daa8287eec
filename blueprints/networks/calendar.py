"""Network activities as iCalendar files (RFC 5545), in Swedish time."""

from flask import current_app
from icalendar import vText

from blueprints.core.ical import agency_address, finish, new_calendar, timed_event, uid_for
from blueprints.networks.constants import ACTIVITY_KINDS
from blueprints.networks.models import NetworkActivity


def activity_uid(activity: NetworkActivity) -> str:
    """The activity's lifelong UID."""
    return uid_for("network-activity", activity.id)


def activity_calendar(activity: NetworkActivity) -> bytes:
    """One VEVENT for the activity (METHOD:PUBLISH), with its place or video link and agenda."""
    calendar = new_calendar("PUBLISH", "Beställarnätverk")
    event = timed_event(
        uid=activity_uid(activity),
        sequence=activity.sequence,
        stamp=activity.updated_at,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
    )
    event.add("summary", f"{ACTIVITY_KINDS[activity.kind]}: {activity.title} ({activity.network.name})")
    location = activity.place or activity.video_link
    if location:
        event.add("location", vText(location))
    if activity.video_link:
        event.add("url", activity.video_link)
    link = f"{current_app.config['BASE_URL']}/natverk/{activity.network_id}/aktiviteter/{activity.id}"
    event.add("description", "\n\n".join(part for part in (activity.agenda, link) if part))
    event.add("organizer", agency_address())
    calendar.add_component(event)
    return finish(calendar)
