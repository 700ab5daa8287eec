"""Reads for the dashboard: every figure is counted, summed or grouped by the database (never by loading
rows into Python), for the current period and the one before it in the same statement where possible."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa

from blueprints.accounts.models import User
from blueprints.challenges.constants import MATCHED, REVIEWED
from blueprints.challenges.models import Challenge, ChallengeEvent
from blueprints.core.db import UTCDateTime, db, utcnow
from blueprints.dashboards.periods import Period
from blueprints.dashboards.sql import bucket, hours_between, stockholm_date
from blueprints.networks.constants import ACTIVE, CLOSED, INITIATE, LEFT, MARKET_DIALOGUE, PHASES
from blueprints.networks.models import Network, NetworkActivity, NetworkEvent, NetworkMember
from blueprints.organisations.models import Organisation
from blueprints.support.constants import CANCELLED, DONE, NO_SHOW
from blueprints.support.models import AvailabilityException, AvailabilityWindow, Booking, Feedback, SupportRequest

PREVIOUS, CURRENT = 0, 1
# A mapped attribute or any SQL expression of the right kind (the type checker tells the two apart).
SqlColumn = Any


@dataclass(frozen=True)
class Scope:
    """What the dashboard is narrowed to: the period (compared with the one before it), and optional län, need
    area and organisation kind."""

    current: Period
    county: str = ""
    need_area_id: int | None = None
    org_kind: str = ""

    @property
    def previous(self) -> Period:
        return self.current.previous()

    @property
    def narrowed(self) -> bool:
        """True when a län, need area or organisation kind is chosen."""
        return bool(self.county or self.need_area_id or self.org_kind)

    @property
    def period_limits(self) -> list[datetime]:
        """The limits that put a timestamp into the previous period (0) or the current one (1)."""
        return [self.current.start]


def _chosen(scope: Scope, need_area: SqlColumn | None) -> list[sa.ColumnElement[bool]]:
    """Conditions for the chosen län and organisation kind (on ``Organisation``, which the query joins) and
    need area (on ``need_area``; None: not narrowed by area)."""
    conditions: list[sa.ColumnElement[bool]] = []
    if scope.county:
        conditions.append(Organisation.county_code == scope.county)
    if scope.org_kind:
        conditions.append(Organisation.kind == scope.org_kind)
    if scope.need_area_id and need_area is not None:
        conditions.append(need_area == scope.need_area_id)
    return conditions


def _narrowed(
    query: sa.Select[Any], scope: Scope, organisation: SqlColumn, need_area: SqlColumn | None
) -> sa.Select[Any]:
    """``query`` limited to the chosen län, organisation kind and need area, joining ``organisation``'s row
    when a län or kind is chosen (a join, not ``IN (ids)``: SQLite would probe an index once per listed id)."""
    if scope.county or scope.org_kind:
        query = query.join(Organisation, Organisation.id == organisation)
    return query.where(*_chosen(scope, need_area))


def _within_both(column: SqlColumn, scope: Scope) -> list[sa.ColumnElement[bool]]:
    return [column >= scope.previous.start, column < scope.current.end]


def _within(column: SqlColumn, period: Period) -> list[sa.ColumnElement[bool]]:
    return [column >= period.start, column < period.end]


# --- support --------------------------------------------------------------------------------------------


def response_days(scope: Scope) -> list[tuple[date, date | None, int]]:
    """Requests submitted in either period, counted per (day submitted, day first answered or None)."""
    submitted = stockholm_date(SupportRequest.submitted_at)
    answered = stockholm_date(SupportRequest.first_response_at)
    query = sa.select(submitted, answered, sa.func.count()).where(*_within_both(SupportRequest.submitted_at, scope))
    query = _narrowed(query, scope, SupportRequest.organisation_id, SupportRequest.need_area_id)
    rows = db.session.execute(query.group_by(submitted, answered))
    return [(day, answered_day, count) for day, answered_day, count in rows.tuples()]


@dataclass(frozen=True)
class SessionCount:
    """Sessions of one kind and status that started in one month of the period (1 is the first), with their
    feedback links, answers and the sum of the ratings."""

    month: int
    kind: str
    status: str
    sessions: int
    feedback_sent: int
    feedback_answered: int
    rating_sum: int


def session_counts(scope: Scope) -> list[SessionCount]:
    """The period's sessions by month, kind and status, with their feedback (the previous period's totals are
    in ``period_totals``)."""
    month = bucket(Booking.starts_at, [scope.current.start, *scope.current.month_starts()])
    query = (
        sa.select(
            month,
            Booking.kind,
            Booking.status,
            sa.func.count(Booking.id),
            sa.func.count(Feedback.id),
            sa.func.count(Feedback.answered_at),
            sa.func.coalesce(sa.func.sum(Feedback.rating), 0),
        )
        .outerjoin(Feedback, Feedback.booking_id == Booking.id)
        .where(*_within(Booking.starts_at, scope.current))
    )
    query = _sessions_narrowed(query, scope)
    rows = db.session.execute(query.group_by(month, Booking.kind, Booking.status))
    return [SessionCount(*row) for row in rows.tuples()]  # type: ignore[arg-type]


def _sessions_narrowed(query: sa.Select[Any], scope: Scope) -> sa.Select[Any]:
    """Sessions of requests from the chosen län, organisation kind and need area (found from the requests'
    side: the chosen organisations' requests are few, the period's sessions many)."""
    if not scope.narrowed:
        return query
    requests = _narrowed(
        sa.select(SupportRequest.id), scope, SupportRequest.organisation_id, SupportRequest.need_area_id
    )
    return query.where(Booking.request_id.in_(requests))


# --- facilitators ---------------------------------------------------------------------------------------


def booked_hours(period: Period) -> dict[int, float]:
    """Hours of sessions (not cancelled) that start in the period, per facilitator."""
    hours = sa.func.sum(hours_between(Booking.starts_at, Booking.ends_at))
    query = (
        sa.select(Booking.facilitator_id, hours)
        .where(Booking.status != CANCELLED, Booking.starts_at >= period.start, Booking.starts_at < period.end)
        .group_by(Booking.facilitator_id)
    )
    return {facilitator: float(total or 0) for facilitator, total in db.session.execute(query).tuples()}


@dataclass(frozen=True)
class TimeRow:
    """A weekly working window (``weekday``, ``start_time``, ``end_time``) or an absence or extra time
    (``kind``, ``starts_at``, ``ends_at``) of a facilitator."""

    facilitator_id: int
    name: str
    weekday: int | None
    start_time: time | None
    end_time: time | None
    kind: str | None
    starts_at: datetime | None
    ends_at: datetime | None


def working_time(period: Period) -> list[TimeRow]:
    """Every active facilitator's weekly windows, and the absences and extra time that overlap the period,
    in one statement."""

    def nothing(type_: Any) -> sa.ColumnElement[Any]:
        return sa.cast(sa.null(), type_)

    windows = (
        sa.select(
            User.id,
            User.name,
            AvailabilityWindow.weekday,
            AvailabilityWindow.start_time,
            AvailabilityWindow.end_time,
            nothing(sa.String()),
            nothing(UTCDateTime()),
            nothing(UTCDateTime()),
        )
        .join(AvailabilityWindow, AvailabilityWindow.facilitator_id == User.id)
        .where(User.is_active.is_(True))
    )
    exceptions = (
        sa.select(
            User.id,
            User.name,
            nothing(sa.SmallInteger()),
            nothing(sa.Time()),
            nothing(sa.Time()),
            AvailabilityException.kind,
            AvailabilityException.starts_at,
            AvailabilityException.ends_at,
        )
        .join(AvailabilityException, AvailabilityException.facilitator_id == User.id)
        .where(AvailabilityException.starts_at < period.end, AvailabilityException.ends_at > period.start)
    )
    return [TimeRow(*row) for row in db.session.execute(sa.union_all(windows, exceptions)).tuples()]


# --- networks -------------------------------------------------------------------------------------------


def _networks_in(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """Networks of the need area that have an active member in the län and of the organisation kind."""
    conditions: list[sa.ColumnElement[bool]] = []
    if scope.need_area_id:
        conditions.append(Network.need_area_id == scope.need_area_id)
    if scope.county or scope.org_kind:
        members = (
            sa.select(NetworkMember.network_id)
            .join(Organisation, Organisation.id == NetworkMember.organisation_id)
            .where(NetworkMember.status == ACTIVE, *_chosen(scope, None))
        )
        conditions.append(Network.id.in_(members))
    return conditions


def _phase_at_end(scope: Scope) -> sa.Subquery:
    """Networks that existed at the end of the period, with the phase they were in then (by their history)."""
    end = scope.current.end
    phase_then = (
        sa.select(NetworkEvent.detail)
        .where(NetworkEvent.network_id == Network.id, NetworkEvent.kind == "phase", NetworkEvent.at < end)
        .order_by(NetworkEvent.at.desc(), NetworkEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = sa.select(sa.func.coalesce(phase_then, INITIATE).label("phase"))
    return query.where(Network.created_at < end, *_networks_in(scope)).subquery()


(
    PHASE_CHANGES,
    ACTIVITIES,
    MARKET_DIALOGUES,
    MEMBERS,
    POOLED_SEK,
    SUBMITTED,
    REVIEWED_CHALLENGES,
    MATCHED_CHALLENGES,
    REACHED,
    HELD,
    NO_SHOWS,
    FEEDBACK_SENT,
    FEEDBACK_ANSWERED,
    RATING_SUM,
) = (
    "phase_changes",
    "activities",
    "market_dialogues",
    "members",
    "pooled_sek",
    "submitted",
    "reviewed",
    "matched",
    "reached",
    "held",
    "no_shows",
    "feedback_sent",
    "feedback_answered",
    "rating_sum",
)


@dataclass(frozen=True)
class PeriodTotals:
    """Totals for the previous period and the current one: ``totals[name]`` is (previous, current). Also the
    number of networks per phase at the end of the current period."""

    pairs: dict[str, tuple[int, int]]
    phases: dict[str, int]

    def __getitem__(self, name: str) -> tuple[int, int]:
        return self.pairs[name]


def period_totals(scope: Scope) -> PeriodTotals:
    """Every total of both periods (networks, challenges, organisations reached, sessions and feedback) and
    the networks per phase, as scalar subqueries of one statement: counting needs no grouping."""
    measures = _network_totals(scope) | _challenge_totals(scope) | _session_totals(scope)
    columns = [make(period) for make in measures.values() for period in (scope.previous, scope.current)]
    networks = _phase_at_end(scope)
    columns += [
        sa.select(sa.func.count()).select_from(networks).where(networks.c.phase == phase).scalar_subquery()
        for phase in PHASES
    ]
    values = [int(v or 0) for v in db.session.execute(sa.select(*columns)).one()]
    pairs = {name: (values[2 * i], values[2 * i + 1]) for i, name in enumerate(measures)}
    return PeriodTotals(pairs, dict(zip(PHASES, values[2 * len(measures) :], strict=True)))


Total = Callable[[Period], sa.ScalarSelect[Any]]


def _network_totals(scope: Scope) -> dict[str, Total]:
    now = utcnow()

    def phase_changes(period: Period) -> sa.ScalarSelect[Any]:
        query = (
            sa.select(sa.func.count(NetworkEvent.id))
            .join(Network, Network.id == NetworkEvent.network_id)
            .where(NetworkEvent.kind == "phase", *_within(NetworkEvent.at, period))
        )
        return query.where(*_networks_in(scope)).scalar_subquery()

    def activities(*kinds: str) -> Total:
        def held(period: Period) -> sa.ScalarSelect[Any]:
            conditions = [NetworkActivity.starts_at >= period.start, NetworkActivity.starts_at < min(period.end, now)]
            if kinds:
                conditions.append(NetworkActivity.kind.in_(kinds))
            query = sa.select(sa.func.count(NetworkActivity.id)).join(Network, Network.id == NetworkActivity.network_id)
            return query.where(*conditions, *_networks_in(scope)).scalar_subquery()

        return held

    def members(measure: SqlColumn) -> Total:
        def at_end(period: Period) -> sa.ScalarSelect[Any]:
            query = (
                sa.select(measure)
                .select_from(NetworkMember)
                .join(Network, Network.id == NetworkMember.network_id)
                .join(Organisation, Organisation.id == NetworkMember.organisation_id)
                .where(NetworkMember.status == ACTIVE, NetworkMember.answered_at < period.end)
            )
            return query.where(*_chosen(scope, Network.need_area_id)).scalar_subquery()

        return at_end

    volume = sa.case((Network.phase != CLOSED, Organisation.annual_volume_sek), else_=0)
    return {
        PHASE_CHANGES: phase_changes,
        ACTIVITIES: activities(),
        MARKET_DIALOGUES: activities(MARKET_DIALOGUE),
        MEMBERS: members(sa.func.count(sa.distinct(NetworkMember.organisation_id))),
        POOLED_SEK: members(sa.func.coalesce(sa.func.sum(volume), 0)),
    }


def _challenge_totals(scope: Scope) -> dict[str, Total]:
    def submitted(period: Period) -> sa.ScalarSelect[Any]:
        query = sa.select(sa.func.count()).select_from(Challenge).where(*_within(Challenge.submitted_at, period))
        return _narrowed(query, scope, Challenge.organisation_id, Challenge.need_area_id).scalar_subquery()

    def reaching(status: str) -> Total:
        def counted(period: Period) -> sa.ScalarSelect[Any]:
            query = sa.select(sa.func.count(sa.distinct(ChallengeEvent.challenge_id))).where(
                ChallengeEvent.to_status == status, *_within(ChallengeEvent.at, period)
            )
            if scope.narrowed:  # from the chosen challenges' side, as for sessions
                chosen = _narrowed(sa.select(Challenge.id), scope, Challenge.organisation_id, Challenge.need_area_id)
                query = query.where(ChallengeEvent.challenge_id.in_(chosen))
            return query.scalar_subquery()

        return counted

    def reached(period: Period) -> sa.ScalarSelect[Any]:
        firsts = _first_memberships(scope)
        query = sa.select(sa.func.count()).select_from(firsts).where(*_within(firsts.c.first_at, period))
        return _narrowed(query, scope, firsts.c.organisation_id, None).scalar_subquery()

    return {
        SUBMITTED: submitted,
        REVIEWED_CHALLENGES: reaching(REVIEWED),
        MATCHED_CHALLENGES: reaching(MATCHED),
        REACHED: reached,
    }


def _session_totals(scope: Scope) -> dict[str, Total]:
    def sessions(status: str, measure: SqlColumn, *, feedback: bool = False) -> Total:
        def counted(period: Period) -> sa.ScalarSelect[Any]:
            query = sa.select(measure).select_from(Booking)
            if feedback:
                query = query.join(Feedback, Feedback.booking_id == Booking.id)
            query = query.where(Booking.status == status, *_within(Booking.starts_at, period))
            return _sessions_narrowed(query, scope).scalar_subquery()

        return counted

    return {
        HELD: sessions(DONE, sa.func.count()),
        NO_SHOWS: sessions(NO_SHOW, sa.func.count()),
        FEEDBACK_SENT: sessions(DONE, sa.func.count(), feedback=True),
        FEEDBACK_ANSWERED: sessions(DONE, sa.func.count(Feedback.answered_at), feedback=True),
        RATING_SUM: sessions(DONE, sa.func.coalesce(sa.func.sum(Feedback.rating), 0), feedback=True),
    }


# --- challenges -----------------------------------------------------------------------------------------

# (measure, need area id, län code, organisation kind, count)
GroupedCount = tuple[str, int | None, str | None, str, int]


def _first_memberships(scope: Scope) -> sa.Subquery:
    """Each organisation's first yes to a network (now active or left later); with a need area chosen, to a
    network in that area."""
    conditions: list[sa.ColumnElement[bool]] = [
        NetworkMember.status.in_((ACTIVE, LEFT)),
        NetworkMember.answered_at.is_not(None),
    ]
    first = sa.select(NetworkMember.organisation_id, sa.func.min(NetworkMember.answered_at).label("first_at"))
    if scope.need_area_id:
        first = first.join(Network, Network.id == NetworkMember.network_id)
        conditions.append(Network.need_area_id == scope.need_area_id)
    return first.where(*conditions).group_by(NetworkMember.organisation_id).subquery()


def _reached(scope: Scope) -> sa.Select[Any]:
    """Organisations that first became an active network member in the period, per län and kind."""
    firsts = _first_memberships(scope)
    query = (
        sa.select(
            sa.literal(REACHED),
            sa.cast(sa.null(), sa.Integer()),
            Organisation.county_code,
            Organisation.kind,
            sa.func.count(),
        )
        .select_from(firsts)
        .join(Organisation, Organisation.id == firsts.c.organisation_id)
        .where(*_within(firsts.c.first_at, scope.current), *_chosen(scope, None))
    )
    return query.group_by(Organisation.county_code, Organisation.kind)


def grouped_counts(scope: Scope) -> list[GroupedCount]:
    """The period's challenges submitted, reviewed and matched, and organisations reached by networks, by
    (measure, need area, län, organisation kind): one statement, grouped by the database."""
    with_organisation = sa.join(Challenge, Organisation, Organisation.id == Challenge.organisation_id)

    def grouped(measure: str, at: SqlColumn, counted: SqlColumn, source: sa.FromClause) -> sa.Select[Any]:
        query = sa.select(
            sa.literal(measure),
            Challenge.need_area_id,
            Organisation.county_code,
            Organisation.kind,
            (sa.func.count() if counted is None else sa.func.count(sa.distinct(counted))),
        ).select_from(source)
        query = query.where(*_within(at, scope.current), *_chosen(scope, Challenge.need_area_id))
        return query.group_by(Challenge.need_area_id, Organisation.county_code, Organisation.kind)

    def reaching(measure: str, status: str) -> sa.Select[Any]:
        source = sa.join(ChallengeEvent, with_organisation, Challenge.id == ChallengeEvent.challenge_id)
        query = grouped(measure, ChallengeEvent.at, ChallengeEvent.challenge_id, source)
        return query.where(ChallengeEvent.to_status == status)

    union = sa.union_all(
        grouped(SUBMITTED, Challenge.submitted_at, None, with_organisation),
        reaching(REVIEWED_CHALLENGES, REVIEWED),
        reaching(MATCHED_CHALLENGES, MATCHED),
        _reached(scope),
    )
    return [tuple(row) for row in db.session.execute(union).tuples()]  # type: ignore[misc]
