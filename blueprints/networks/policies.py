"""Who may see and do what with networks: visibility, the named permissions, answering invitations."""

import sqlalchemy as sa

from blueprints.core.access import Permission, Person
from blueprints.core.roles import ADMIN, BUYER, FACILITATOR, STAFF
from blueprints.networks.constants import BELONGING, DECLINED, LEFT
from blueprints.networks.models import Network, NetworkMember

RUN_NETWORKS = Permission("run_networks", (FACILITATOR, ADMIN))  # create networks, invite, plan activities
SEE_MATCH_SUGGESTIONS = Permission("see_match_suggestions", STAFF)
USE_MATCHING_API = Permission("use_matching_api", STAFF)
ANSWER_INVITATIONS = Permission("answer_network_invitations", (BUYER,))
MANAGE_MATCHING_MODEL = Permission("manage_matching_model", (ADMIN,))  # see and retrain the learnt CPV model
PERMISSIONS = (RUN_NETWORKS, SEE_MATCH_SUGGESTIONS, USE_MATCHING_API, ANSWER_INVITATIONS, MANAGE_MATCHING_MODEL)


def belonging_to(organisation_id: int | None) -> sa.ColumnElement[bool]:
    """Networks the organisation is invited to or a member of, as a condition."""
    return Network.id.in_(
        sa.select(NetworkMember.network_id).where(
            NetworkMember.organisation_id == organisation_id, NetworkMember.status.in_(BELONGING)
        )
    )


def visible_networks(person: Person) -> sa.ColumnElement[bool]:
    """Which networks the person may see, as a condition: staff see all; buyers open ones and closed ones their
    organisation belongs to (or is invited to)."""
    if person.is_staff:
        return sa.true()
    return sa.or_(Network.is_open, belonging_to(person.organisation_id))


def may_answer(member: NetworkMember, person: Person) -> bool:
    """A buyer of the invited organisation may answer its invitation (and leave the network)."""
    return ANSWER_INVITATIONS(person) and person.organisation_id == member.organisation_id


def may_apply(network: Network, person: Person) -> bool:
    """A buyer whose organisation is not in an open network may ask to join it."""
    if not (network.is_open and ANSWER_INVITATIONS(person) and person.organisation_id is not None):
        return False
    member = network.member_for(person.organisation_id)
    return member is None or member.status in (DECLINED, LEFT)


def may_answer_applications(network: Network, person: Person) -> bool:
    """Staff who run networks, and the buyers of the host organisation, answer requests to join."""
    if RUN_NETWORKS(person):
        return True
    own = network.member_for(person.organisation_id)
    return own is not None and own.is_host and own.is_active and ANSWER_INVITATIONS(person)


def sees_inside(network: Network, person: Person) -> bool:
    """Staff, and organisations that belong to the network, see its members' details and its activities."""
    own = network.member_for(person.organisation_id)
    return person.is_staff or (own is not None and own.belongs)
