"""Writes to networks: create and edit, phases and checklist, members and invitations, linked challenges,
activities, and dismissed suggestions."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from blueprints.accounts.models import User, UserRole
from blueprints.accounts.queries import active_buyers_of, followers_of
from blueprints.accounts.services import invite_user, normalise_email
from blueprints.challenges.constants import PUBLISHED
from blueprints.challenges.models import Challenge
from blueprints.challenges.services import mark_matched, unmark_matched
from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.i18n import N_
from blueprints.core.outbox import queue_email, queue_notice
from blueprints.core.roles import BUYER
from blueprints.core.urls import public_url
from blueprints.networks.constants import (
    ACTIVE,
    APPLIED,
    BELONGING,
    CHECKLIST,
    DECLINED,
    HOST,
    INVITED,
    LEFT,
    MEMBER,
    MEMBER_ROLES,
    OBSERVER,
    PHASE_ORDER,
    PHASES,
    event_text,
)
from blueprints.networks.models import (
    MatchDismissal,
    Network,
    NetworkActivity,
    NetworkChecklistItem,
    NetworkEvent,
    NetworkMember,
)
from blueprints.networks.policies import may_apply
from blueprints.organisations.models import Organisation
from blueprints.vocabulary.queries import cpv_codes_by_id


@dataclass(frozen=True)
class NetworkData:
    """What the network form holds, parsed."""

    name: str
    common_challenge: str
    need_area_id: int | None
    cpv_codes: list[str]
    host_organisation_id: int | None
    coordinator_id: int | None
    is_open: bool


def _event(
    network: Network,
    actor: User | None,
    kind: str,
    detail: str = "",
    note: str = "",
    challenge: Challenge | None = None,
) -> None:
    network.events.append(
        NetworkEvent(actor=actor, kind=kind, detail=detail[:300], note=note, challenge_id=challenge and challenge.id)
    )
    # Members, challenges and phase are part of what the matching index sees: tell every worker.
    network.updated_at = utcnow()
    if network.id is not None and (challenge is None or challenge.visibility == "all"):
        _tell_followers(network, actor, kind, detail)


FOLLOWED_NETWORK_SUBJECT = N_("Nytt i ett nätverk du följer: %(network)s")


def _tell_followers(network: Network, actor: User | None, kind: str, detail: str) -> None:
    """E-mail the people who follow the network what happened, in their own language."""
    queue_notice(
        followers_of("network", network.id, except_id=actor.id if actor else None),
        subject=FOLLOWED_NETWORK_SUBJECT,
        message=lambda: str(
            _l("I nätverket %(network)s: %(what)s.", network=network.name, what=event_text(kind, detail))
        ),
        link=public_url("networks.detail", network_id=network.id),
        network=network.name,
    )


def _apply(network: Network, data: NetworkData) -> None:
    codes = cpv_codes_by_id(data.cpv_codes)
    unknown = [c for c in data.cpv_codes if c not in codes]
    if unknown:
        raise DomainError(str(_l("Okända CPV-koder: %(codes)s", codes=", ".join(unknown))), field="cpv_codes")
    if data.host_organisation_id is not None and db.session.get(Organisation, data.host_organisation_id) is None:
        raise DomainError(str(_l("Välj en värdorganisation.")), field="host_organisation_id")
    if data.coordinator_id is not None:
        coordinator = db.session.get(User, data.coordinator_id)
        if coordinator is None or not coordinator.is_active or not coordinator.is_staff:
            raise DomainError(str(_l("Välj en samordnare bland myndighetens medarbetare.")), field="coordinator_id")
    for name in ("name", "common_challenge", "need_area_id", "host_organisation_id", "coordinator_id", "is_open"):
        setattr(network, name, getattr(data, name))
    network.cpv_codes = [codes[c] for c in data.cpv_codes]


def _ensure_host(network: Network) -> None:
    """The host organisation is an active member with the role värd; a former host becomes a member."""
    for former in network.members:
        if former.role == HOST and former.organisation_id != network.host_organisation_id:
            former.role = MEMBER
    if network.host_organisation_id is None:
        return
    host = network.member_for(network.host_organisation_id)
    if host is None:
        network.members.append(
            NetworkMember(organisation_id=network.host_organisation_id, role=HOST, status=ACTIVE, answered_at=utcnow())
        )
    else:
        host.role, host.status = HOST, ACTIVE


def create_network(
    *, data: NetworkData, challenge_ids: Iterable[int], invite: bool, actor: User, organisation_ids: Iterable[int] = ()
) -> Network:
    """A new network, optionally from challenges (they are linked, and their organisations invited) and from
    organisations found in the statistics (invited)."""
    network = Network()
    _apply(network, data)
    db.session.add(network)
    _event(network, actor, "created")
    _ensure_host(network)
    db.session.flush()
    for challenge_id in challenge_ids:
        challenge = db.session.get(Challenge, challenge_id)
        if challenge is None:
            raise DomainError(str(_l("Utmaningen finns inte eller är inte inskickad.")))
        link_challenge(network=network, challenge=challenge, invite=invite, actor=actor)
    if invite:
        for organisation_id in organisation_ids:
            if network.member_for(organisation_id) is None:
                invite_organisation(network=network, organisation_id=organisation_id, role=MEMBER, actor=actor)
    return network


def update_network(*, network: Network, data: NetworkData, actor: User) -> Network:
    """Change a network's name, challenge, area, codes, host, coordinator or openness."""
    _apply(network, data)
    _ensure_host(network)
    network.updated_at = utcnow()  # CPV codes live in their own table: the matching index must still notice
    db.session.flush()
    return network


def change_phase(*, network: Network, to_phase: str, note: str, actor: User) -> Network:
    """Move a network one phase forward (or back, to correct a mistake); the step is dated in its history."""
    if to_phase not in PHASES:
        raise DomainError(str(_l("Okänd fas.")), field="phase")
    step = PHASE_ORDER.index(to_phase) - PHASE_ORDER.index(network.phase)
    if abs(step) != 1:
        raise DomainError(str(_l("Nätverket kan bara flyttas en fas i taget.")), field="phase")
    network.phase = to_phase
    _event(network, actor, "phase", to_phase, note.strip())
    db.session.flush()
    return network


def set_checklist_item(*, network: Network, phase: str, item: str, done: bool, actor: User) -> None:
    """Mark a point of a phase's checklist as done, or not done."""
    if item not in CHECKLIST.get(phase, {}):
        raise DomainError(str(_l("Okänd punkt i checklistan.")), status_code=400)
    current = next((c for c in network.checklist if (c.phase, c.item) == (phase, item)), None)
    if done and current is None:
        network.checklist.append(NetworkChecklistItem(phase=phase, item=item, done_by=actor))
    elif not done and current is not None:
        network.checklist.remove(current)
    db.session.flush()


INVITATION_SUBJECT = N_("Inbjudan till beställarnätverket %(network)s")


def _email_invitation(member: NetworkMember) -> int:
    """E-mail the organisation's buyers a link to answer; returns how many were e-mailed."""
    network = member.network
    buyers = active_buyers_of(member.organisation_id)
    for buyer in buyers:
        with force_locale(buyer.language):
            role = str(MEMBER_ROLES[member.role]).lower()
        queue_email(
            recipient=buyer.email,
            language=buyer.language,
            template="network_invitation",
            subject=INVITATION_SUBJECT,
            network=network.name,
            organisation=member.organisation.name,
            role=role,
            common_challenge=network.common_challenge,
            name=buyer.name,
            link=public_url("networks.detail", network_id=network.id, anchor="inbjudan"),
        )
    return len(buyers)


def without_buyers(organisation_ids: Iterable[int]) -> set[int]:
    """Those of the organisations where nobody can answer an invitation: no active buyer (an invited person
    counts: they answer once they have set their password). One statement."""
    wanted = set(organisation_ids)
    if not wanted:
        return set()
    with_buyers = (
        sa.select(User.organisation_id)
        .join(UserRole)
        .where(User.organisation_id.in_(wanted), User.is_active, UserRole.role == BUYER)
    )
    return wanted - set(db.session.scalars(with_buyers))


def can_answer(organisation_id: int) -> bool:
    """Whether anyone at the organisation can answer an invitation."""
    return not without_buyers([organisation_id])


def _invite_person(*, organisation: Organisation, email: str, name: str, actor: User) -> None:
    """Invite a named person as a buyer of the organisation (nothing to do if they are one already)."""
    existing = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if existing is not None:
        if existing.organisation_id != organisation.id:
            raise DomainError(
                str(_l("%(email)s hör till en annan organisation.", email=existing.email)), field="person_email"
            )
        return
    invite_user(
        inviter=actor,
        email=email,
        name=name.strip() or email.split("@")[0],
        roles={BUYER},
        organisation=organisation,
        language="sv",
    )


def invite_organisation(
    *, network: Network, organisation_id: int, role: str, actor: User, person: tuple[str, str] | None = None
) -> NetworkMember:
    """Invite an organisation (again, if it declined or left); its buyers are e-mailed. ``person`` (e-mail,
    name) is invited as a buyer of the organisation first, so that someone there can answer."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise DomainError(str(_l("Välj en organisation.")), field="organisation_id")
    if role not in MEMBER_ROLES or role == HOST:
        raise DomainError(str(_l("Välj rollen medlem eller observatör.")), field="role")
    member = network.member_for(organisation_id)
    if member is not None and member.status in BELONGING:
        raise DomainError(
            str(_l("%(name)s är redan med i nätverket.", name=organisation.name)), field="organisation_id"
        )
    if person is not None:
        _invite_person(organisation=organisation, email=person[0], name=person[1], actor=actor)
    if member is None:
        member = NetworkMember(organisation=organisation, role=role, status=INVITED)
        network.members.append(member)
    else:
        member.role, member.status, member.invited_at, member.answered_at = role, INVITED, utcnow(), None
    _event(network, actor, "invited", organisation.name)
    db.session.flush()
    _email_invitation(member)
    return member


def answer_invitation(*, member: NetworkMember, accept: bool, user: User) -> NetworkMember:
    """The invited organisation accepts or declines."""
    if member.status != INVITED:
        raise DomainError(str(_l("Inbjudan är redan besvarad.")))
    _settle(member, accept, user, "accepted" if accept else "declined")
    return member


def _settle(member: NetworkMember, accept: bool, actor: User, event_kind: str) -> None:
    """An invitation or a request to join answered: the organisation is in (active) or not (declined)."""
    member.status = ACTIVE if accept else DECLINED
    member.answered_at = utcnow()
    member.answered_by_id = actor.id
    _event(member.network, actor, event_kind, member.organisation.name)
    db.session.flush()


APPLICATION_SUBJECT = N_("%(organisation)s vill gå med i nätverket %(network)s")
APPLICATION_ANSWER_SUBJECT = N_("Svar på er ansökan till nätverket %(network)s")


def _notify(people: Iterable[User], subject: str, message: str, network: Network, **values: str) -> None:
    """E-mail each person a short notice about the network, in their language, with a link to it."""
    queue_notice(
        people,
        subject=subject,
        message=lambda: str(_l(message, network=network.name, **values)),
        link=public_url("networks.detail", network_id=network.id, anchor="medlemmar"),
        network=network.name,
        **values,
    )


def apply_to_join(*, network: Network, user: User) -> NetworkMember:
    """A buyer's organisation asks to join an open network; the host's buyers and the coordinator are told."""
    if user.organisation_id is None or not may_apply(network, user):
        raise DomainError(str(_l("Er organisation kan inte ansöka om att gå med i det här nätverket.")))
    member = network.member_for(user.organisation_id)
    if member is None:
        member = NetworkMember(organisation_id=user.organisation_id, role=MEMBER, status=APPLIED)
        network.members.append(member)
    else:
        member.role, member.status, member.answered_at = MEMBER, APPLIED, None
    member.invited_at = utcnow()
    organisation = db.session.get_one(Organisation, user.organisation_id)
    _event(network, user, "applied", organisation.name)
    db.session.flush()
    deciders = [*(active_buyers_of(network.host_organisation_id) if network.host_organisation_id else [])]
    if network.coordinator is not None and network.coordinator.is_active:
        deciders.append(network.coordinator)
    _notify(
        deciders,
        APPLICATION_SUBJECT,
        N_("%(organisation)s ansöker om att gå med i nätverket %(network)s. Svara på nätverkets sida."),
        network,
        organisation=organisation.name,
    )
    return member


def answer_application(*, member: NetworkMember, accept: bool, actor: User) -> NetworkMember:
    """The host or the agency admits or refuses an organisation that asked to join; its buyers are told."""
    if not member.has_applied:
        raise DomainError(str(_l("Ansökan är redan besvarad.")))
    _settle(member, accept, actor, "admitted" if accept else "refused")
    message = (
        N_("Er organisation är nu medlem i nätverket %(network)s. Välkommen!")
        if accept
        else N_("Nätverket %(network)s kan inte ta emot er organisation just nu.")
    )
    _notify(active_buyers_of(member.organisation_id), APPLICATION_ANSWER_SUBJECT, message, member.network)
    return member


def leave_network(*, member: NetworkMember, actor: User) -> NetworkMember:
    """An active member leaves (the host cannot: choose another host first)."""
    if member.status != ACTIVE:
        raise DomainError(str(_l("Organisationen är inte aktiv medlem.")))
    if member.role == HOST:
        raise DomainError(str(_l("Värdorganisationen kan inte lämna nätverket. Byt värd först.")))
    member.status = LEFT
    member.answered_at = utcnow()
    _event(member.network, actor, "left", member.organisation.name)
    db.session.flush()
    return member


def change_member_role(*, member: NetworkMember, role: str, actor: User) -> NetworkMember:
    """Make a member an observer or the other way round (the host is chosen on the network itself)."""
    if role not in (MEMBER, OBSERVER) or member.role == HOST:
        raise DomainError(str(_l("Välj rollen medlem eller observatör.")), field="role")
    member.role = role
    _event(member.network, actor, "role", member.organisation.name)
    db.session.flush()
    return member


def link_challenge(*, network: Network, challenge: Challenge, invite: bool, actor: User) -> bool:
    """Link a challenge to the network (it becomes matched); invite its organisation when asked and not yet in.

    Returns True when the organisation was invited. Only submitted challenges and later may be linked: a draft
    is its organisation's own until it is sent in."""
    if challenge.status not in PUBLISHED:
        raise DomainError(str(_l("Utmaningen finns inte eller är inte inskickad.")), field="challenge_id")
    if challenge in network.challenges:
        raise DomainError(str(_l("Utmaningen är redan kopplad till nätverket.")))
    network.challenges.append(challenge)
    mark_matched(challenge=challenge, actor=actor, network_name=network.name)
    _event(network, actor, "challenge_linked", challenge.title, challenge=challenge)
    member = network.member_for(challenge.organisation_id)
    if invite and (member is None or member.status not in BELONGING):
        invite_organisation(network=network, organisation_id=challenge.organisation_id, role=MEMBER, actor=actor)
        return True
    db.session.flush()
    return False


def unlink_challenge(*, network: Network, challenge: Challenge, actor: User) -> None:
    """Take a challenge out of the network; out of its last network it is reviewed again."""
    if challenge not in network.challenges:
        raise DomainError(str(_l("Utmaningen är inte kopplad till nätverket.")), status_code=404)
    network.challenges.remove(challenge)
    db.session.flush()
    others = db.session.scalar(
        sa.select(sa.func.count()).select_from(Network).where(Network.challenges.contains(challenge))
    )
    unmark_matched(challenge=challenge, actor=actor, still_linked=bool(others))
    _event(network, actor, "challenge_unlinked", challenge.title, challenge=challenge)
    db.session.flush()


def dismiss_suggestion(*, challenge: Challenge, kind: str, other_id: int, actor: User) -> None:
    """Remember that staff do not want this suggestion for the challenge (nor, for two challenges, the reverse)."""
    if kind not in ("challenge", "network"):
        raise DomainError(str(_l("Okänd sorts förslag.")))
    pairs = [(challenge.id, kind, other_id)]
    if kind == "challenge":
        pairs.append((other_id, "challenge", challenge.id))
    for challenge_id, pair_kind, pair_other in pairs:
        exists = db.session.scalar(
            sa.select(MatchDismissal.id).where(
                MatchDismissal.challenge_id == challenge_id,
                MatchDismissal.kind == pair_kind,
                MatchDismissal.other_id == pair_other,
            )
        )
        if exists is None and db.session.get(Challenge, challenge_id) is not None:
            db.session.add(
                MatchDismissal(challenge_id=challenge_id, kind=pair_kind, other_id=pair_other, dismissed_by_id=actor.id)
            )
    db.session.flush()


@dataclass(frozen=True)
class ActivityData:
    """What the activity form holds, parsed (times in UTC)."""

    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    video_link: str
    agenda: str
    minutes: str
    suppliers: str
    shared_information: str
    organisation_ids: list[int]


def save_activity(
    *, network: Network, activity: NetworkActivity | None, data: ActivityData, actor: User
) -> NetworkActivity:
    """Plan or update an activity; participants must be organisations of the network."""
    if data.ends_at <= data.starts_at:
        raise DomainError(str(_l("Sluttiden måste vara efter starttiden.")), field="end_time")
    allowed = {m.organisation_id: m.organisation for m in network.members}
    strangers = [i for i in data.organisation_ids if i not in allowed]
    if strangers:
        raise DomainError(str(_l("Deltagarna måste vara organisationer i nätverket.")), field="organisation_ids")
    created = activity is None
    if activity is None:
        activity = NetworkActivity(created_by_id=actor.id)
    else:
        activity.sequence += 1
    for name in ActivityData.__dataclass_fields__:
        if name != "organisation_ids":
            setattr(activity, name, getattr(data, name))
    activity.organisations = [allowed[i] for i in data.organisation_ids]
    if created:
        network.activities.append(activity)
        _event(network, actor, "activity", data.title)
    db.session.flush()
    return activity


def invite_organisations(*, network: Network, organisation_ids: Iterable[int], actor: User) -> list[NetworkMember]:
    """Invite several organisations as members (those already in the network, or invited, are left be)."""
    invited = []
    for organisation_id in organisation_ids:
        member = network.member_for(organisation_id)
        if member is None or member.status not in BELONGING:
            invited.append(
                invite_organisation(network=network, organisation_id=organisation_id, role=MEMBER, actor=actor)
            )
    if not invited:
        raise DomainError(str(_l("De valda organisationerna är redan med i nätverket eller inbjudna.")))
    return invited
