"""What the challenges area shows on other areas' pages: the buyer's challenges and a card on the start page."""

from typing import Any

from blueprints.accounts.queries import followed
from blueprints.challenges.constants import STATUSES
from blueprints.challenges.policies import REVIEW_CHALLENGES
from blueprints.challenges.queries import followed_challenges, latest_challenges_of, review_queue_head
from blueprints.core.access import Person
from blueprints.core.roles import BUYER


def our_challenges(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """A buyer organisation's latest challenges."""
    if not user.has_role(BUYER):
        return None
    return {"challenges": latest_challenges_of(user.organisation_id), "statuses": STATUSES}


def to_review(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """For those who review: the challenges waiting longest for review, and how many wait."""
    if not REVIEW_CHALLENGES(user):
        return None
    head, count = review_queue_head()
    return {"to_review": head, "to_review_count": count}


def following(*, user: Any, **_page: Any) -> dict[str, Any] | None:
    """The challenges the person follows, with what changed since they began."""
    rows = followed_challenges(user, followed(user, "challenge"))
    return {"followed": rows, "statuses": STATUSES} if rows else None


def challenges_card(*, user: Person, **_page: Any) -> dict[str, Any]:
    """A way into the challenges, for everyone."""
    return {}
