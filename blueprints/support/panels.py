"""What the support area shows on other areas' pages: the start page's queue, requests and sessions."""

from typing import Any

from blueprints.core.access import Person
from blueprints.core.roles import BUYER, FACILITATOR
from blueprints.support.constants import REQUEST_STATUSES, SUPPORT_KINDS
from blueprints.support.policies import KEEP_AVAILABILITY
from blueprints.support.queries import (
    assigned_open_requests,
    awaiting_decision,
    latest_requests_of,
    sessions_to_follow_up,
    upcoming_sessions,
)


def facilitator_queue(*, user: Any, **_page: Any) -> dict[str, Any] | None:
    """For a facilitator: the requests waiting longest for a decision (and how many wait), their own granted
    and running requests, and the sessions to follow up."""
    if not KEEP_AVAILABILITY(user):
        return None
    waiting, waiting_count = awaiting_decision()
    return {
        "my_queue": assigned_open_requests(user.id),
        "waiting": waiting,
        "awaiting_decision": waiting_count,
        "to_follow_up": sessions_to_follow_up(user),
        "statuses": REQUEST_STATUSES,
        "kinds": SUPPORT_KINDS,
    }


def our_requests(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """A buyer organisation's latest support requests."""
    if not user.has_role(BUYER):
        return None
    return {"requests": latest_requests_of(user.organisation_id), "statuses": REQUEST_STATUSES}


def upcoming(*, user: Any, **_page: Any) -> dict[str, Any] | None:
    """Sessions to come: a facilitator's own, or the buyer organisation's."""
    if not user.has_role(FACILITATOR, BUYER):
        return None
    return {"upcoming": upcoming_sessions(user, limit=5), "kinds": SUPPORT_KINDS}
