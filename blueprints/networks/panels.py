"""What the networks area shows on other areas' pages: similar items and proposed CPV codes beside the
challenge form, match suggestions on a challenge's page, codes to check in the review queue, invitations and
networks on the start page."""

from typing import Any

from flask_wtf import FlaskForm

from blueprints.accounts.queries import followed
from blueprints.challenges.models import Challenge
from blueprints.core.access import Person
from blueprints.core.i18n import current_language
from blueprints.networks.constants import MEMBER_ROLES, PHASES, event_text
from blueprints.networks.cpv_suggestions import disagreements, propose_cpv
from blueprints.networks.policies import RUN_NETWORKS, SEE_MATCH_SUGGESTIONS
from blueprints.networks.queries import (
    coordinated_by,
    followed_networks,
    networks_of,
    pending_invitations,
    similar_to_draft,
)


def similar_beside_the_form(*, user: Any, form: FlaskForm, challenge: Challenge | None, **_page: Any) -> dict[str, Any]:
    """Challenges and networks like the one being written; htmx refreshes them as the person types."""
    return {"matches": similar_to_draft(form, challenge, user, current_language())}


def suggestions_on_the_challenge(*, user: Person, challenge: Challenge, **_page: Any) -> dict[str, Any] | None:
    """For staff: a section that loads the ranked suggestions after the page."""
    return {} if SEE_MATCH_SUGGESTIONS(user) else None


def cpv_proposals(*, form: FlaskForm, **_page: Any) -> dict[str, Any]:
    """CPV codes the title and description suggest, below the CPV field (filled as one types; without
    JavaScript, from what was sent when the form comes back)."""
    data = form.data
    return {"proposals": propose_cpv(data.get("title") or "", data.get("description") or "", current_language())}


def codes_to_check(
    *, user: Person, challenge: Challenge | None = None, challenges: list[Challenge] | None = None, **_page: Any
) -> dict[str, Any] | None:
    """For staff reviewing: challenges whose chosen CPV codes disagree with what their text suggests."""
    if not user.is_staff:
        return None
    found = disagreements([challenge] if challenge is not None else (challenges or []), current_language())
    return {"disagreements": found, "single": challenge is not None} if found else None


def invitations(*, user: Any, **_page: Any) -> dict[str, Any] | None:
    """Network invitations the person's organisation has not answered."""
    pending = pending_invitations(user)
    return {"invitations": pending, "member_roles": MEMBER_ROLES} if pending else None


def coordinated(*, user: Any, **_page: Any) -> dict[str, Any] | None:
    """For staff: the networks they coordinate, with their phase."""
    if not RUN_NETWORKS(user):
        return None
    return {"coordinated": coordinated_by(user.id), "phases": PHASES}


def following(*, user: Any, **_page: Any) -> dict[str, Any] | None:
    """The networks the person follows, with their latest news since they began."""
    rows = followed_networks(user, followed(user, "network"))
    return {"followed_networks": rows, "event_text": event_text} if rows else None


def networks_card(*, user: Any, **_page: Any) -> dict[str, Any]:
    """The networks the organisation is a member of, those it is invited to (each as what it is), and a way
    into all of them."""
    return {"my_networks": networks_of(user.organisation_id), "invited_to": pending_invitations(user)}
