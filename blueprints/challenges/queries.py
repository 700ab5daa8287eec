"""Reads of challenges and CPV codes: visibility, the filtered list, CPV search."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from blueprints.accounts.models import User
from blueprints.challenges.constants import RETURNED, SORTS, STATUSES, SUBMITTED
from blueprints.challenges.models import Challenge, ChallengeComment, ChallengeEvent, challenge_cpv
from blueprints.challenges.policies import visible_challenges
from blueprints.core.args import ListState, int_arg, page_arg
from blueprints.core.db import db, holds_word, paginate
from blueprints.organisations.models import Organisation
from blueprints.organisations.regions import COUNTIES, KINDS
from blueprints.vocabulary.cpv import branch_prefix, tokens

PER_PAGE = 25
QUEUE_PER_PAGE = 50


def get_visible_challenge(challenge_id: int, user: User) -> Challenge | None:
    """The challenge if it exists and the user may see it (else None, shown as 404), with what its page shows."""
    return db.session.scalar(
        sa.select(Challenge)
        .where(Challenge.id == challenge_id, visible_challenges(user))
        .options(
            sa.orm.joinedload(Challenge.organisation),
            sa.orm.joinedload(Challenge.need_area),
            sa.orm.selectinload(Challenge.cpv_codes),
            sa.orm.selectinload(Challenge.events).joinedload(ChallengeEvent.actor),
            sa.orm.selectinload(Challenge.comments).joinedload(ChallengeComment.author),
        )
    )


@dataclass(frozen=True)
class ChallengeFilter(ListState):
    """The list's whole state, as read from (and written back to) the URL."""

    q: str = ""
    need_area: int | None = None
    cpv: str = ""
    county: str = ""
    kind: str = ""
    status: str = ""
    year: int | None = None
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str]) -> "ChallengeFilter":
        """Read the filter, dropping values that are not valid (a bad link never fails)."""
        cpv = "".join(ch for ch in args.get("cpv", "") if ch.isdigit())[:8]
        sort = args.get("sort", "newest")
        return cls(
            q=args.get("q", "").strip()[:200],
            need_area=int_arg(args.get("need_area")),
            cpv=branch_prefix(cpv) if len(cpv) == 8 else cpv,
            county=args.get("county", "") if args.get("county") in COUNTIES else "",
            kind=args.get("kind", "") if args.get("kind") in KINDS else "",
            status=args.get("status", "") if args.get("status") in STATUSES else "",
            year=int_arg(args.get("year"), maximum=9999),
            sort=sort if sort in SORTS else "newest",
            page=page_arg(args.get("page")),
        )


def _contains(word: str) -> sa.ColumnElement[bool]:
    """Challenges whose search text contains the word, through the trigram index (see migration 0003)."""
    return holds_word(Challenge.id, Challenge.search_text, "challenge_fts", word)


def _filtered(flt: ChallengeFilter, user: User) -> sa.Select[tuple[Challenge]]:
    query = sa.select(Challenge).join(Challenge.organisation).where(visible_challenges(user))
    for word in tokens(flt.q):
        query = query.where(_contains(word))
    if flt.need_area:
        query = query.where(Challenge.need_area_id == flt.need_area)
    if flt.cpv:
        in_branch = sa.select(challenge_cpv.c.challenge_id).where(challenge_cpv.c.cpv_code.startswith(flt.cpv))
        query = query.where(Challenge.id.in_(in_branch))
    if flt.county:
        query = query.where(Organisation.county_code == flt.county)
    if flt.kind:
        query = query.where(Organisation.kind == flt.kind)
    if flt.status:
        query = query.where(Challenge.status == flt.status)
    if flt.year:
        query = query.where(Challenge.planned_year == flt.year)
    return query


_ORDER = {
    "newest": (Challenge.updated_at.desc(), Challenge.id.desc()),
    "title": (Challenge.sort_key, Challenge.id),
    "volume": (Challenge.annual_volume_sek.desc().nulls_last(), Challenge.id),
    "planned": (Challenge.planned_year.asc().nulls_last(), Challenge.planned_quarter.asc().nulls_last(), Challenge.id),
}


def search_challenges(flt: ChallengeFilter, user: User) -> Pagination:
    """One page of the challenges the user may see that match the filter."""
    query = (
        _filtered(flt, user)
        .order_by(*_ORDER[flt.sort])
        .options(sa.orm.contains_eager(Challenge.organisation), sa.orm.selectinload(Challenge.need_area))
    )
    return paginate(query, page=flt.page, per_page=PER_PAGE)


def all_matching(flt: ChallengeFilter, user: User) -> list[Challenge]:
    """Every matching challenge (for exports), with what the export shows loaded up front."""
    query = (
        _filtered(flt, user)
        .order_by(*_ORDER[flt.sort])
        .options(
            sa.orm.contains_eager(Challenge.organisation),
            sa.orm.selectinload(Challenge.need_area),
            sa.orm.selectinload(Challenge.cpv_codes),
        )
    )
    return list(db.session.scalars(query).unique())


def count_matching(flt: ChallengeFilter, user: User) -> int:
    """How many challenges the filter finds for this person."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(_filtered(flt, user).subquery())) or 0


def review_queue(args: Mapping[str, str]) -> Pagination:
    """One page (?page=) of the submitted challenges waiting for review, oldest first."""
    query = (
        sa.select(Challenge)
        .where(Challenge.status == SUBMITTED)
        .order_by(Challenge.submitted_at, Challenge.id)
        .options(sa.orm.selectinload(Challenge.organisation))
    )
    return paginate(query, page=page_arg(args.get("page")), per_page=QUEUE_PER_PAGE)


def return_note(challenge: Challenge) -> ChallengeEvent | None:
    """What the agency asked for when it last returned the challenge for completion (while it is returned)."""
    if challenge.status != RETURNED:
        return None
    returns = [event for event in challenge.events if event.to_status == RETURNED]
    return returns[-1] if returns else None


def review_queue_head(*, limit: int = 5) -> tuple[list[Challenge], int]:
    """The challenges that have waited longest for review, and how many wait: the first few read in the queue's
    order from its index, the number counted from the same index (a window count over the queue would read
    every waiting row whole: 450 ms for 100,000)."""
    waiting = sa.select(Challenge).where(Challenge.status == SUBMITTED)
    head = db.session.scalars(
        waiting.order_by(Challenge.submitted_at, Challenge.id)
        .limit(limit)
        .options(sa.orm.joinedload(Challenge.organisation))
    ).all()
    count = db.session.scalar(sa.select(sa.func.count()).where(Challenge.status == SUBMITTED)) or 0
    return list(head), count


def latest_challenges_of(organisation_id: int | None, *, limit: int = 5) -> list[Challenge]:
    """An organisation's most recently changed challenges, drafts included."""
    query = (
        sa.select(Challenge)
        .where(Challenge.organisation_id == organisation_id)
        .order_by(Challenge.updated_at.desc(), Challenge.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def planned_years() -> list[int]:
    """The planned years that occur, for the filter list."""
    return list(
        db.session.scalars(
            sa.select(Challenge.planned_year)
            .where(Challenge.planned_year.is_not(None))
            .distinct()
            .order_by(Challenge.planned_year)
        )
    )


def followed_challenges(user: User, since: dict[int, datetime]) -> list[tuple[Challenge, ChallengeEvent | None]]:
    """The challenges the person follows and still sees, each with its latest change since they began."""
    if not since:
        return []
    challenges = db.session.scalars(
        sa.select(Challenge)
        .where(Challenge.id.in_(since), visible_challenges(user))
        .order_by(Challenge.updated_at.desc())
        .options(sa.orm.selectinload(Challenge.events))
    )
    return [(c, next((e for e in reversed(c.events) if e.at >= since[c.id]), None)) for c in challenges]
