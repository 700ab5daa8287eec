"""What the knowledge area shows on other areas' pages: related articles on challenges, networks and support
requests (loaded after the page), drafts from a closed request or network, guidance per network phase, a
network's knowledge page, and new articles on a buyer's start page."""

from typing import Any

from blueprints.core.access import Person
from blueprints.knowledge.policies import WRITE_KNOWLEDGE
from blueprints.knowledge.queries import guidance_by_phase, new_for_organisation
from blueprints.networks.constants import PHASE_ORDER, PHASES


def related_on_challenge(*, challenge: Any, **_page: Any) -> dict[str, Any]:
    """A section that loads articles related to the challenge."""
    return {"kind": "utmaning", "object_id": challenge.id}


def on_network(*, user: Person, network: Any, **_page: Any) -> dict[str, Any]:
    """Related articles, the link to the network's own knowledge page, and for writers a good-example draft
    once the network is closed."""
    return {
        "kind": "natverk",
        "object_id": network.id,
        "may_draft": WRITE_KNOWLEDGE(user) and network.is_closed,
    }


def guidance_for_phases(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """Guidance articles tagged with each phase, below the network's checklist."""
    found = guidance_by_phase(user)
    ordered = {phase: found[phase] for phase in PHASE_ORDER if phase in found}
    return {"guidance": ordered, "phase_labels": PHASES} if found else None


def on_request(*, user: Person, support_request: Any, **_page: Any) -> dict[str, Any]:
    """Related articles, and for writers a lesson draft once the request is closed."""
    return {
        "kind": "stod",
        "object_id": support_request.id,
        "may_draft": WRITE_KNOWLEDGE(user) and support_request.is_closed,
    }


def new_articles(*, user: Person, **_page: Any) -> dict[str, Any] | None:
    """For buyers: articles published lately in their organisation's need areas."""
    if user.is_staff:
        return None
    found = new_for_organisation(user)
    return {"articles": found} if found else None
