"""Who may see and do what with challenges: the one visibility rule, and the named permissions."""

import sqlalchemy as sa

from blueprints.challenges.constants import PUBLISHED, SUBMITTED
from blueprints.challenges.models import Challenge
from blueprints.core.access import Permission, Person
from blueprints.core.roles import ADMIN, BUYER, FACILITATOR, STAFF

PROPOSE_CHALLENGES = Permission("propose_challenges", (BUYER, FACILITATOR, ADMIN))
REVIEW_CHALLENGES = Permission("review_challenges", (FACILITATOR, ADMIN))  # decide, comment, import, edit any
SEE_REVIEW_QUEUE = Permission("see_review_queue", STAFF)
PERMISSIONS = (PROPOSE_CHALLENGES, REVIEW_CHALLENGES, SEE_REVIEW_QUEUE)


def visible_challenges(person: Person) -> sa.ColumnElement[bool]:
    """Which challenges the person may see, as a condition: staff see all; buyers their own organisation's and
    others' published, public ones. Every place that shows a challenge applies this rule."""
    if person.is_staff:
        return sa.true()
    own = Challenge.organisation_id == person.organisation_id
    public = sa.and_(Challenge.status.in_(PUBLISHED), Challenge.visibility == "all")
    return sa.or_(own, public)


def may_edit(challenge: Challenge, person: Person) -> bool:
    """Reviewers edit any challenge; buyers their own organisation's drafts and returned challenges."""
    if REVIEW_CHALLENGES(person):
        return True
    return challenge.organisation_id == person.organisation_id and challenge.is_editable_by_its_buyers


def may_withdraw(challenge: Challenge, person: Person) -> bool:
    """The challenge's own organisation may take it back while it waits for review."""
    return (
        challenge.status == SUBMITTED
        and PROPOSE_CHALLENGES(person)
        and not person.is_staff
        and challenge.organisation_id == person.organisation_id
    )


def may_share_need(challenge: Challenge, person: Person) -> bool:
    """A buyer of another organisation may say "we have the same need" about a published challenge."""
    return (
        person.has_role(BUYER)
        and person.organisation_id is not None
        and challenge.organisation_id != person.organisation_id
        and challenge.status in PUBLISHED
    )


def may_see_evidence(challenge: Challenge, person: Person) -> bool:
    """Staff, and the challenge's own organisation, see what others bought in its branches (the statistics)."""
    return person.is_staff or challenge.organisation_id == person.organisation_id
