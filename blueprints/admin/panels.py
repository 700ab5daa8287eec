"""What the admin area shows on other areas' pages: a card on the start page."""

from typing import Any

from blueprints.admin.policies import ADMINISTER
from blueprints.core.access import Person


def admin_card(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """The ways into administration, for admins."""
    return {} if ADMINISTER(user) else None
