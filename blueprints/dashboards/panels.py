"""What the dashboards area shows on other areas' pages: a card on the start page."""

from typing import Any

from blueprints.core.access import Person
from blueprints.dashboards.policies import READ_DASHBOARDS


def dashboard_card(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """A way into the dashboard, for those who read it."""
    return {} if READ_DASHBOARDS(user) else None
