"""Who may see and do what with support: visibility of requests, the named permissions, and the rules for
attaching documents, booking, changing and following up sessions."""

import sqlalchemy as sa
from flask_babel import gettext as _

from blueprints.core.access import Permission, Person
from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.roles import ADMIN, BUYER, FACILITATOR
from blueprints.support.constants import BOOKED, CANCELLED
from blueprints.support.models import Booking, FacilitatorProfile, SupportRequest, rules_of
from blueprints.support.slots import earliest_start

REQUEST_SUPPORT = Permission("request_support", (BUYER,))
TRIAGE_REQUESTS = Permission("triage_support_requests", (FACILITATOR, ADMIN))  # decide, assign, note, close
BOOK_SESSIONS = Permission("book_sessions", (BUYER, FACILITATOR))
KEEP_AVAILABILITY = Permission("keep_availability", (FACILITATOR,))  # own calendar, sessions to follow up
FOLLOW_UP_SESSIONS = Permission("follow_up_sessions", (FACILITATOR, ADMIN))  # their own sessions; admins any
PERMISSIONS = (REQUEST_SUPPORT, TRIAGE_REQUESTS, BOOK_SESSIONS, KEEP_AVAILABILITY, FOLLOW_UP_SESSIONS)


def visible_requests(person: Person) -> sa.ColumnElement[bool]:
    """Which requests the person may see, as a condition: staff see all; buyers their own organisation's."""
    if person.is_staff:
        return sa.true()
    return SupportRequest.organisation_id == person.organisation_id


def _buyer_of(request: SupportRequest, person: Person) -> bool:
    return person.has_role(BUYER) and person.organisation_id == request.organisation_id


def may_attach(request: SupportRequest, person: Person) -> bool:
    """Those who decide on requests, and the request's own organisation, add documents."""
    return TRIAGE_REQUESTS(person) or _buyer_of(request, person)


def may_withdraw(request: SupportRequest, person: Person) -> bool:
    """The buyer's organisation may take back its request while it waits for a decision."""
    return request.awaits_decision and _buyer_of(request, person)


def may_book(request: SupportRequest, person: Person) -> bool:
    """The buyer's organisation and facilitators may book a granted request that has a facilitator."""
    if not request.is_granted or request.facilitator_id is None:
        return False
    return person.has_role(FACILITATOR) or _buyer_of(request, person)


def may_change(booking: Booking, person: Person) -> bool:
    """Facilitators may move or cancel a booked session until it starts; the buyer's organisation only while
    the session is still far enough ahead that it could be booked now (the facilitator's minimum notice)."""
    if booking.status != BOOKED or booking.starts_at <= utcnow():
        return False
    if person.has_role(FACILITATOR):
        return True
    profile = db.session.get(FacilitatorProfile, booking.facilitator_id)
    return _buyer_of(booking.request, person) and earliest_start(utcnow(), rules_of(profile)) <= booking.starts_at


def follow_up_refusal(booking: Booking, person: Person) -> DomainError | None:
    """Why the person may not record what came of the session, or None: only its own facilitator (or an
    admin), once it has started (a session not yet held can be neither done nor missed), unless cancelled."""
    if booking.status == CANCELLED:
        return DomainError(_("En avbokad session kan inte följas upp."))
    if not (person.has_role(ADMIN) or (person.has_role(FACILITATOR) and person.id == booking.facilitator_id)):
        return DomainError(_("Bara sessionens facilitator eller en administratör kan följa upp den."), status_code=403)
    if booking.starts_at > utcnow():
        return DomainError(_("En session kan följas upp först när den har börjat."))
    return None


def may_follow_up(booking: Booking, person: Person) -> bool:
    """Whether the booking page offers the follow-up form (see ``follow_up_refusal``)."""
    return follow_up_refusal(booking, person) is None
