"""What the organisations area shows on other areas' pages: cards on the start page."""

from typing import Any

from blueprints.core.access import Person
from blueprints.core.db import db
from blueprints.organisations.models import Organisation
from blueprints.organisations.policies import SEE_REGISTRY


def own_organisation_card(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """The signed-in person's organisation (buyers belong to one)."""
    if user.organisation_id is None:
        return None
    return {"organisation": db.session.get(Organisation, user.organisation_id)}


def registry_card(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """A way into the registry, for staff."""
    return {} if SEE_REGISTRY(user) else None
