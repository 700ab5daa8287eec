"""What the challenges area shows on other areas' pages: the buyer's challenges and a card on the start page."""

from typing import Any

from blueprints.challenges.constants import STATUSES
from blueprints.challenges.queries import latest_challenges_of
from blueprints.core.access import Person
from blueprints.core.roles import BUYER


def our_challenges(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """A buyer organisation's latest challenges."""
    if not user.has_role(BUYER):
        return None
    return {"challenges": latest_challenges_of(user.organisation_id), "statuses": STATUSES}


def challenges_card(*, user: Person, **_page: Any) -> dict[str, Any]:
    """A way into the challenges, for everyone."""
    return {}
