"""Reads of challenges and CPV codes: visibility, the filtered list, CPV search."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from blueprints.accounts.models import User
from blueprints.challenges.constants import PUBLISHED, SORTS, STATUSES
from blueprints.challenges.cpv import CpvEntry, branch_prefix, rank, tokens, valid_codes
from blueprints.challenges.models import Challenge, ChallengeComment, ChallengeEvent, CpvCode, challenge_cpv
from blueprints.core.args import ListState, int_arg, page_arg
from blueprints.core.db import db
from blueprints.core.formatting import escape_like, search_text
from blueprints.organisations.models import Organisation
from blueprints.organisations.regions import COUNTIES, KINDS

PER_PAGE = 25


def visible_to(user: User) -> sa.ColumnElement[bool]:
    """Staff see everything; buyers see their own organisation's and others' published, public challenges."""
    if user.is_staff:
        return sa.true()
    own = Challenge.organisation_id == user.organisation_id
    public = sa.and_(Challenge.status.in_(PUBLISHED), Challenge.visibility == "all")
    return sa.or_(own, public)


def get_visible_challenge(challenge_id: int, user: User) -> Challenge | None:
    """The challenge if it exists and the user may see it (else None, shown as 404), with what its page shows."""
    return db.session.scalar(
        sa.select(Challenge)
        .where(Challenge.id == challenge_id, visible_to(user))
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


_CHALLENGE_FTS = sa.table("challenge_fts", sa.column("rowid"), sa.column("search_text"))


def _contains(word: str) -> sa.ColumnElement[bool]:
    """Challenges whose search text contains the word, through the trigram index (see migration 0003)."""
    pattern = f"%{search_text(word)}%"  # words hold only letters and digits: nothing to escape
    if db.engine.dialect.name == "sqlite":
        return Challenge.id.in_(sa.select(_CHALLENGE_FTS.c.rowid).where(_CHALLENGE_FTS.c.search_text.like(pattern)))
    return Challenge.search_text.like(pattern)  # a pg_trgm GIN index answers this on PostgreSQL


def _filtered(flt: ChallengeFilter, user: User) -> sa.Select[tuple[Challenge]]:
    query = sa.select(Challenge).join(Challenge.organisation).where(visible_to(user))
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
    return db.paginate(query, page=flt.page, per_page=PER_PAGE, error_out=False)


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


def review_queue() -> list[Challenge]:
    """Submitted challenges waiting for review, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Challenge)
            .where(Challenge.status == "submitted")
            .order_by(Challenge.submitted_at, Challenge.id)
            .options(sa.orm.selectinload(Challenge.organisation))
        )
    )


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


def cpv_divisions(language: str) -> list[tuple[str, str]]:
    """(two-digit prefix, "45 Bygg- och anläggningsarbeten") of the 45 divisions, for the branch filter."""
    rows = db.session.scalars(sa.select(CpvCode).where(CpvCode.level == 1).order_by(CpvCode.code))
    return [(c.code[:2], f"{c.code[:2]} {c.label(language)}") for c in rows]


def cpv_codes_by_id(codes: list[str]) -> dict[str, CpvCode]:
    """The CPV rows for these codes."""
    if not codes:
        return {}
    return {c.code: c for c in db.session.scalars(sa.select(CpvCode).where(CpvCode.code.in_(codes)))}


def selected_cpv(text: str, language: str) -> list[tuple[str, str]]:
    """(code, label) of the known codes typed in a CPV field, for the picker's chips."""
    codes = valid_codes(text)
    rows = cpv_codes_by_id(codes)
    return [(c, rows[c].label(language)) for c in codes if c in rows]


def search_cpv(query: str, language: str, limit: int = 15) -> list[tuple[CpvCode, CpvCode | None]]:
    """Codes matching the words or digits typed, best first, each with its parent (the branch)."""
    words = [t for t in tokens(query) if len(t) >= 2 and not t.isdigit()]
    digits = "".join(ch for ch in query if ch.isdigit())
    candidates = sa.select(CpvCode)
    if digits and not words:
        candidates = candidates.where(CpvCode.code.startswith(digits[:8]))
    elif words:
        # Narrow in the database on the longest word; rank the few hundred candidates in Python.
        longest = max(words, key=len)
        candidates = candidates.where(CpvCode.search_text.like(f"%{escape_like(longest[:6])}%", escape="\\"))
    else:
        return []
    rows = {c.code: c for c in db.session.scalars(candidates)}
    entries = [
        CpvEntry(code=c.code, label=c.label_sv, level=c.level, words=tuple(tokens(c.search_text)))
        for c in rows.values()
    ]
    best = [rows[e.code] for e in rank(entries, query, limit)]
    parents = cpv_codes_by_id([c.parent_code for c in best if c.parent_code])
    return [(c, parents.get(c.parent_code or "")) for c in best]
