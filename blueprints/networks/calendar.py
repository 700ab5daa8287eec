"""Network activities as iCalendar files (RFC 5545), in Swedish time."""

from blueprints.core.ical import add_place, agency_address, finish, new_calendar, timed_event, uid_for
from blueprints.core.urls import public_url
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
    add_place(event, place=activity.place, video_link=activity.video_link)
    link = public_url("networks.activity", network_id=activity.network_id, activity_id=activity.id)
    event.add("description", "\n\n".join(part for part in (activity.agenda, link) if part))
    event.add("organizer", agency_address())
    calendar.add_component(event)
    return finish(calendar)
