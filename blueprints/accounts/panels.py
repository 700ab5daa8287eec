"""What the accounts area shows on other areas' pages: an organisation's users, start-page cards."""

from typing import Any

from blueprints.accounts.policies import INVITE_USERS
from blueprints.accounts.queries import users_of
from blueprints.core.access import Person


def organisation_users(*, user: Person, organisation: Any, **_page: Any) -> dict[str, Any]:
    """The people of the organisation shown on its page."""
    return {"users": users_of(organisation.id)}


def invite_card(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """A way to invite people, for those who may."""
    return {} if INVITE_USERS(user) else None


def profile_card(*, user: Person, **_page: Any) -> dict[str, Any]:
    """A way to one's own profile."""
    return {}
