"""Reads of networks: who may see which, the filtered list, invitations, and match suggestions with the
objects and volumes they name."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm

from blueprints.accounts.models import User, UserRole
from blueprints.challenges.models import Challenge
from blueprints.challenges.policies import visible_challenges
from blueprints.core.args import ListState, int_arg, page_arg
from blueprints.core.db import contains_words, db, paginate
from blueprints.networks.constants import ACTIVE, BELONGING, CLOSED, INVITED, PHASES
from blueprints.networks.index import quarter_index, rank
from blueprints.networks.matching import CPV_REASONS, LABELLED_REASONS, REASON_TEXTS, Item, Reason, Suggestion
from blueprints.networks.models import MatchDismissal, Network, NetworkEvent, NetworkMember, network_challenge
from blueprints.networks.policies import RUN_NETWORKS, belonging_to, visible_networks
from blueprints.organisations.models import Organisation
from blueprints.organisations.regions import COUNTIES
from blueprints.statistics.power import PooledPower, annual_power_of_groups, pooled_power
from blueprints.vocabulary.cpv import valid_codes
from blueprints.vocabulary.models import CpvCode
from blueprints.vocabulary.queries import cpv_codes_by_id

PER_PAGE = 25


def get_visible_network(network_id: int, user: User) -> Network | None:
    """The network if it exists and the user may see it (else None, shown as 404), with what its page shows."""
    return db.session.scalar(
        sa.select(Network)
        .where(Network.id == network_id, visible_networks(user))
        .options(
            sa.orm.selectinload(Network.members).joinedload(NetworkMember.organisation),
            sa.orm.selectinload(Network.cpv_codes),
            sa.orm.selectinload(Network.challenges).joinedload(Challenge.organisation),
            sa.orm.selectinload(Network.activities),
            sa.orm.selectinload(Network.checklist),
            sa.orm.selectinload(Network.events),
            sa.orm.joinedload(Network.need_area),
            sa.orm.joinedload(Network.coordinator),
            sa.orm.joinedload(Network.host_organisation),
        )
    )


@dataclass(frozen=True)
class NetworkFilter(ListState):
    """The list's state, read from (and written back to) the URL."""

    q: str = ""
    phase: str = ""
    need_area: int | None = None
    county: str = ""
    organisation: int | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str]) -> "NetworkFilter":
        """Read the filter, dropping values that are not valid (a bad link never fails)."""
        return cls(
            q=args.get("q", "").strip()[:200],
            phase=args.get("phase", "") if args.get("phase") in PHASES else "",
            need_area=int_arg(args.get("need_area")),
            county=args.get("county", "") if args.get("county") in COUNTIES else "",
            organisation=int_arg(args.get("organisation")),
            page=page_arg(args.get("page")),
        )


def search_networks(flt: NetworkFilter, user: User) -> Pagination:
    """One page of the networks the user may see that match the filter, in Swedish name order."""
    query = sa.select(Network).where(visible_networks(user))
    query = query.where(*contains_words(Network.search_text, flt.q))
    if flt.phase:
        query = query.where(Network.phase == flt.phase)
    if flt.need_area:
        query = query.where(Network.need_area_id == flt.need_area)
    if flt.county:
        in_county = (
            sa.select(NetworkMember.network_id)
            .join(Organisation, Organisation.id == NetworkMember.organisation_id)
            .where(Organisation.county_code == flt.county, NetworkMember.status.in_(BELONGING))
        )
        query = query.where(Network.id.in_(in_county))
    if flt.organisation:
        query = query.where(belonging_to(flt.organisation))
    query = query.order_by(Network.sort_key, Network.id).options(
        sa.orm.selectinload(Network.members).joinedload(NetworkMember.organisation),
        sa.orm.joinedload(Network.need_area),
    )
    return paginate(query, page=flt.page, per_page=PER_PAGE)


def member_organisations() -> list[tuple[int, str]]:
    """(id, name) of organisations that belong to some network, for the list's filter."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(sa.select(NetworkMember.organisation_id).where(NetworkMember.status.in_(BELONGING))))
        .order_by(Organisation.sort_key)
    )
    return [(row.id, row.name) for row in rows]


def pending_invitations(user: User) -> list[NetworkMember]:
    """Invitations the user's organisation has not answered yet."""
    if user.organisation_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(NetworkMember)
            .where(NetworkMember.organisation_id == user.organisation_id, NetworkMember.status == INVITED)
            .order_by(NetworkMember.invited_at)
            .options(sa.orm.joinedload(NetworkMember.network))
        )
    )


def coordinated_by(user_id: int) -> list[Network]:
    """The networks a staff member coordinates that have not closed."""
    query = sa.select(Network).where(Network.coordinator_id == user_id, Network.phase != CLOSED)
    return list(db.session.scalars(query.order_by(Network.sort_key)))


def networks_of(organisation_id: int | None) -> list[Network]:
    """The networks an organisation is an active member of (not those it is only invited to)."""
    if organisation_id is None:
        return []
    member = sa.select(NetworkMember.network_id).where(
        NetworkMember.organisation_id == organisation_id, NetworkMember.status == ACTIVE
    )
    return list(db.session.scalars(sa.select(Network).where(Network.id.in_(member)).order_by(Network.sort_key)))


# --- suggestions ---------------------------------------------------------------------------------------


def draft_item(
    *,
    challenge_id: int,
    organisation_id: int | None,
    title: str,
    description: str,
    cpv_codes: list[str],
    need_area_id: int | None,
    planned_year: int | None,
    planned_quarter: int | None,
) -> Item:
    """A challenge being written (or a saved one, by its values) as the matching engine sees it."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    return Item(
        "challenge",
        challenge_id,
        frozenset({organisation_id}) if organisation_id else frozenset(),
        title,
        description,
        tuple(cpv_codes),
        need_area_id,
        quarter_index(planned_year, planned_quarter),
        organisation.county_code if organisation else None,
    )


def challenge_item(challenge: Challenge) -> Item:
    """A saved challenge as the matching engine sees it."""
    return draft_item(
        challenge_id=challenge.id,
        organisation_id=challenge.organisation_id,
        title=challenge.title,
        description=challenge.description,
        cpv_codes=[c.code for c in challenge.cpv_codes],
        need_area_id=challenge.need_area_id,
        planned_year=challenge.planned_year,
        planned_quarter=challenge.planned_quarter,
    )


SHOWN_SCORE = 0.3  # below this a suggestion is a weak one (shown only on asking, behind "Visa fler")
SUBSTANTIVE_REASONS = frozenset([*CPV_REASONS.values(), "predicted_group", "history", "words"])


@dataclass(frozen=True)
class Match:
    """A suggestion with the challenge or network it names, and the volume the organisations would pool."""

    kind: str
    id: int
    score: float
    reasons: list[str]
    challenge: Challenge | None
    network: Network | None
    pooled_power_sek: int | None  # the pooled power if they joined (statistics.power's definition)
    reason_kinds: frozenset[str] = frozenset()

    @property
    def is_strong(self) -> bool:
        """Worth showing first: a score of SHOWN_SCORE or more, and something in common beyond need area, time
        and place (words, CPV codes, the statistics); the rest are offered behind "Visa fler"."""
        return self.score >= SHOWN_SCORE and bool(self.reason_kinds & SUBSTANTIVE_REASONS)

    @property
    def is_challenge(self) -> bool:
        """Another organisation's challenge (else a network to join)."""
        return self.challenge is not None

    @property
    def title(self) -> str:
        """The challenge's title or the network's name."""
        return self.challenge.title if self.challenge else self.network.name if self.network else ""


def describe(reasons: Iterable[Reason], labels: dict[str, CpvCode], language: str) -> list[str]:
    """The reasons as sentences in the user's language (CPV labels in that language too)."""
    texts = []
    for reason in reasons:
        params = dict(reason.params)
        if reason.kind in LABELLED_REASONS:
            code = labels.get(params["code"].ljust(8, "0"))
            params["label"] = code.label(language) if code else params["label"]
        texts.append(gettext(REASON_TEXTS[reason.kind], **params))
    return texts


def _dismissed(challenge_id: int) -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(MatchDismissal.kind, MatchDismissal.other_id).where(MatchDismissal.challenge_id == challenge_id)
    )
    linked = db.session.scalars(
        sa.select(network_challenge.c.network_id).where(network_challenge.c.challenge_id == challenge_id)
    )
    return [(kind, other_id) for kind, other_id in rows.tuples()] + [("network", n) for n in linked]


def _pooled_group(
    query_organisation_id: int | None, query_codes: list[str], challenge: Challenge | None, network: Network | None
) -> tuple[list[int], list[str]]:
    """Who would pool purchasing power, and in which CPV branches: the query's organisation with the other
    challenge's (in the query's branches), or with the network's members (in the network's branches)."""
    organisations = [query_organisation_id] if query_organisation_id else []
    if challenge is not None:
        return [*organisations, challenge.organisation_id], query_codes or [c.code for c in challenge.cpv_codes]
    assert network is not None
    members = [m.organisation_id for m in network.active_members]
    return [*organisations, *members], [c.code for c in network.cpv_codes] or query_codes


def resolve(
    suggestions: list[Suggestion], query_organisation_id: int | None, query_codes: list[str], language: str
) -> list[Match]:
    """Load what the suggestions name, with the purchasing power each pair would pool, in few statements."""
    challenge_ids = [s.id for s in suggestions if s.kind == "challenge"]
    network_ids = [s.id for s in suggestions if s.kind == "network"]
    challenges = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Challenge)
            .where(Challenge.id.in_(challenge_ids))
            .options(sa.orm.joinedload(Challenge.organisation), sa.orm.selectinload(Challenge.cpv_codes))
        )
    }
    networks = {
        n.id: n
        for n in db.session.scalars(
            sa.select(Network)
            .where(Network.id.in_(network_ids))
            .options(
                sa.orm.selectinload(Network.members).joinedload(NetworkMember.organisation),
                sa.orm.selectinload(Network.cpv_codes),
            )
        )
    }
    prefixes = [
        dict(r.params)["code"].ljust(8, "0") for s in suggestions for r in s.reasons if r.kind in LABELLED_REASONS
    ]
    labels = cpv_codes_by_id(prefixes)
    found = [
        (
            s,
            challenges.get(s.id) if s.kind == "challenge" else None,
            networks.get(s.id) if s.kind == "network" else None,
        )
        for s in suggestions
    ]
    found = [(s, c, n) for s, c, n in found if c is not None or n is not None]  # not deleted since indexed
    power = annual_power_of_groups(
        {(s.kind, s.id): _pooled_group(query_organisation_id, query_codes, c, n) for s, c, n in found}
    )
    return [
        Match(
            s.kind,
            s.id,
            s.score,
            describe(s.reasons, labels, language),
            c,
            n,
            power.get((s.kind, s.id)),
            frozenset(r.kind for r in s.reasons),
        )
        for s, c, n in found
    ]


def suggestions_for(challenge: Challenge, user: User, *, k: int, language: str) -> list[Match]:
    """Ranked suggestions for a saved challenge: dismissed ones and networks it is in left out; buyers see only
    what they may see."""
    ranked = rank(
        challenge_item(challenge),
        k=k,
        exclude=_dismissed(challenge.id) if challenge.id else [],
        public_only=not user.is_staff,
    )
    return resolve(ranked, challenge.organisation_id, [c.code for c in challenge.cpv_codes], language)


def similar_to_draft(form: FlaskForm, challenge: Challenge | None, user: User, language: str) -> list[Match]:
    """What resembles the challenge being written (the form's values), for the list beside the form."""
    data = form.data
    codes = valid_codes(data.get("cpv_codes") or "")
    organisation_id = int_arg(data.get("organisation_id")) if user.is_staff else user.organisation_id
    query = draft_item(
        challenge_id=challenge.id if challenge else 0,
        organisation_id=organisation_id,
        title=(data.get("title") or "").strip(),
        description=(data.get("description") or "").strip(),
        cpv_codes=codes,
        need_area_id=data.get("need_area_id") or None,
        planned_year=data.get("planned_year") or None,
        planned_quarter=data.get("planned_quarter") or None,
    )
    if len(query.title) < 3 and len(query.description) < 10:
        return []
    exclude = _dismissed(challenge.id) if challenge else []
    return resolve(rank(query, k=5, exclude=exclude, public_only=not user.is_staff), organisation_id, codes, language)


def coordinator_choices() -> list[tuple[int, str]]:
    """(id, name) of active staff who may coordinate a network, after a "none chosen" choice (0)."""
    rows = db.session.execute(
        sa.select(User.id, User.name)
        .join(UserRole)
        .where(User.is_active, UserRole.role.in_(RUN_NETWORKS.roles))
        .distinct()
        .order_by(User.name)
    )
    return [(0, gettext("Ingen samordnare vald")), *((row.id, row.name) for row in rows)]


def visible_challenge_ids(ids: Iterable[int | None], user: User) -> set[int]:
    """Which of these challenges the user may see (the challenges' one visibility rule)."""
    wanted = {id_ for id_ in ids if id_ is not None}
    if not wanted:
        return set()
    return set(db.session.scalars(sa.select(Challenge.id).where(Challenge.id.in_(wanted), visible_challenges(user))))


def challenges_by_id(ids: list[int]) -> list[Challenge]:
    """The challenges with these ids (a new network's starting point), with their organisations."""
    return list(
        db.session.scalars(
            sa.select(Challenge).where(Challenge.id.in_(ids)).options(sa.orm.joinedload(Challenge.organisation))
        )
    )


def power_of(network: Network) -> PooledPower:
    """The network's pooled purchasing power: its active members' purchases in its CPV branches."""
    return pooled_power([m.organisation_id for m in network.active_members], [c.code for c in network.cpv_codes])


def declared_volume(network: Network) -> int:
    """The annual volumes that the network's linked challenges declare, added up (each challenge once)."""
    return sum(c.annual_volume_sek or 0 for c in network.challenges)


def power_of_networks(networks: Iterable[Network]) -> dict[int, int]:
    """The pooled purchasing power (average per year) of each network on a page, in three statements."""
    groups = {n.id: ([m.organisation_id for m in n.active_members], [c.code for c in n.cpv_codes]) for n in networks}
    return annual_power_of_groups(groups)


def followed_networks(user: User, since: dict[int, datetime]) -> list[tuple[Network, NetworkEvent | None]]:
    """The networks the person follows and still sees, each with its latest history entry since they began
    (entries about a challenge the person may not see are left out)."""
    if not since:
        return []
    networks = list(
        db.session.scalars(
            sa.select(Network)
            .where(Network.id.in_(since), visible_networks(user))
            .order_by(Network.updated_at.desc())
            .options(sa.orm.selectinload(Network.events))
        )
    )
    visible = visible_challenge_ids({e.challenge_id for n in networks for e in n.events}, user)
    return [
        (
            n,
            next(
                (
                    e
                    for e in reversed(n.events)
                    if e.at >= since[n.id] and (e.challenge_id is None or e.challenge_id in visible)
                ),
                None,
            ),
        )
        for n in networks
    ]
