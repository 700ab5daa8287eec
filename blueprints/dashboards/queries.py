"""Reads for the dashboard: every figure is counted, summed or grouped by the database (never by loading
rows into Python), for the current period and the one before it in the same statement where possible."""

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
from blueprints.support.constants import CANCELLED
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
    def period_limits(self) -> list[datetime]:
        """The limits that put a timestamp into the previous period (0) or the current one (1)."""
        return [self.current.start]


def _organisations(scope: Scope) -> sa.Select[tuple[int]] | None:
    """The ids of the organisations in the chosen län and of the chosen kind, or None when not narrowed."""
    conditions = []
    if scope.county:
        conditions.append(Organisation.county_code == scope.county)
    if scope.org_kind:
        conditions.append(Organisation.kind == scope.org_kind)
    return sa.select(Organisation.id).where(*conditions) if conditions else None


def _narrowed(
    query: sa.Select[Any],
    scope: Scope,
    organisation: SqlColumn,
    need_area: SqlColumn | None,
) -> sa.Select[Any]:
    """``query`` limited to the chosen län, organisation kind and need area (``need_area`` None: not by area)."""
    organisations = _organisations(scope)
    if organisations is not None:
        query = query.where(organisation.in_(organisations))
    if scope.need_area_id and need_area is not None:
        query = query.where(need_area == scope.need_area_id)
    return query


def _within_both(column: SqlColumn, scope: Scope) -> list[sa.ColumnElement[bool]]:
    return [column >= scope.previous.start, column < scope.current.end]


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
    """Sessions of one kind and status in one month of the current period (month 1 …) or in the previous
    period (month 0), with their feedback."""

    month: int
    kind: str
    status: str
    sessions: int
    feedback_sent: int
    feedback_answered: int
    rating_sum: int

    @property
    def period(self) -> int:
        return CURRENT if self.month > 0 else PREVIOUS


def session_counts(scope: Scope) -> list[SessionCount]:
    """Sessions that started in either period, by month, kind and status, with feedback links and answers."""
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
        .where(*_within_both(Booking.starts_at, scope))
    )
    if scope.county or scope.org_kind or scope.need_area_id:
        query = query.join(SupportRequest, SupportRequest.id == Booking.request_id)
        query = _narrowed(query, scope, SupportRequest.organisation_id, SupportRequest.need_area_id)
    rows = db.session.execute(query.group_by(month, Booking.kind, Booking.status))
    return [SessionCount(*row) for row in rows.tuples()]  # type: ignore[arg-type]


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
    organisations = _organisations(scope)
    if organisations is not None:
        members = sa.select(NetworkMember.network_id).where(
            NetworkMember.status == ACTIVE, NetworkMember.organisation_id.in_(organisations)
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


@dataclass(frozen=True)
class NetworkFigures:
    """Network figures for the previous period and the current one (index PREVIOUS, CURRENT), and the
    number of networks per phase at the end of the current period."""

    phase_changes: tuple[int, int]
    activities: tuple[int, int]
    market_dialogues: tuple[int, int]
    member_organisations: tuple[int, int]
    pooled_sek: tuple[int, int]
    phases: dict[str, int]


def network_figures(scope: Scope) -> NetworkFigures:
    """Networks per phase, phase changes, activities held, member organisations and pooled purchasing power,
    in one statement."""
    now = utcnow()

    def phase_changes(period: Period) -> sa.ScalarSelect[int]:
        query = (
            sa.select(sa.func.count(NetworkEvent.id))
            .join(Network, Network.id == NetworkEvent.network_id)
            .where(NetworkEvent.kind == "phase", NetworkEvent.at >= period.start, NetworkEvent.at < period.end)
        )
        return query.where(*_networks_in(scope)).scalar_subquery()

    def activities(period: Period, *kinds: str) -> sa.ScalarSelect[int]:
        held = [NetworkActivity.starts_at >= period.start, NetworkActivity.starts_at < min(period.end, now)]
        if kinds:
            held.append(NetworkActivity.kind.in_(kinds))
        query = sa.select(sa.func.count(NetworkActivity.id)).join(Network, Network.id == NetworkActivity.network_id)
        return query.where(*held, *_networks_in(scope)).scalar_subquery()

    def members(period: Period, measure: SqlColumn) -> sa.ScalarSelect[int]:
        query = (
            sa.select(measure)
            .select_from(NetworkMember)
            .join(Network, Network.id == NetworkMember.network_id)
            .join(Organisation, Organisation.id == NetworkMember.organisation_id)
            .where(NetworkMember.status == ACTIVE, NetworkMember.answered_at < period.end)
        )
        return _narrowed(query, scope, NetworkMember.organisation_id, Network.need_area_id).scalar_subquery()

    organisations = sa.func.count(sa.distinct(NetworkMember.organisation_id))
    volume = sa.func.coalesce(
        sa.func.sum(sa.case((Network.phase != CLOSED, Organisation.annual_volume_sek), else_=0)), 0
    )
    columns = []
    for period in (scope.previous, scope.current):
        columns += [
            phase_changes(period),
            activities(period),
            activities(period, MARKET_DIALOGUE),
            members(period, organisations),
            members(period, volume),
        ]
    networks = _phase_at_end(scope)
    columns += [
        sa.select(sa.func.count()).select_from(networks).where(networks.c.phase == phase).scalar_subquery()
        for phase in PHASES
    ]
    values = [int(v or 0) for v in db.session.execute(sa.select(*columns)).one()]
    previous, current, phases = values[:5], values[5:10], values[10:]
    pairs = list(zip(previous, current, strict=True))
    return NetworkFigures(pairs[0], pairs[1], pairs[2], pairs[3], pairs[4], dict(zip(PHASES, phases, strict=True)))


# --- challenges -----------------------------------------------------------------------------------------

# (measure, period, need area id, län code, organisation kind, count)
GroupedCount = tuple[str, int, int | None, str | None, str, int]
SUBMITTED_MEASURE, REVIEWED_MEASURE, MATCHED_MEASURE, REACHED_MEASURE = "submitted", "reviewed", "matched", "reached"


def _reached(scope: Scope) -> sa.Select[Any]:
    """Organisations that first became an active network member in either period, per period, län and kind
    (with a need area chosen: their first network in that area)."""
    conditions: list[sa.ColumnElement[bool]] = [
        NetworkMember.status.in_((ACTIVE, LEFT)),
        NetworkMember.answered_at.is_not(None),
    ]
    first = sa.select(NetworkMember.organisation_id, sa.func.min(NetworkMember.answered_at).label("first_at"))
    if scope.need_area_id:
        first = first.join(Network, Network.id == NetworkMember.network_id)
        conditions.append(Network.need_area_id == scope.need_area_id)
    firsts = first.where(*conditions).group_by(NetworkMember.organisation_id).subquery()
    period = bucket(firsts.c.first_at, scope.period_limits)
    query = (
        sa.select(
            sa.literal(REACHED_MEASURE),
            period,
            sa.cast(sa.null(), sa.Integer()),
            Organisation.county_code,
            Organisation.kind,
            sa.func.count(),
        )
        .join(Organisation, Organisation.id == firsts.c.organisation_id)
        .where(*_within_both(firsts.c.first_at, scope))
    )
    query = _narrowed(query, scope, firsts.c.organisation_id, None)
    return query.group_by(period, Organisation.county_code, Organisation.kind)


def grouped_counts(scope: Scope) -> list[GroupedCount]:
    """Challenges submitted, reviewed and matched, and organisations reached by networks, in either period,
    by (measure, period, need area, län, organisation kind): one statement, grouped by the database."""
    with_organisation = sa.join(Challenge, Organisation, Organisation.id == Challenge.organisation_id)

    def grouped(measure: str, at: SqlColumn, counted: SqlColumn, source: sa.FromClause) -> sa.Select[Any]:
        period = bucket(at, scope.period_limits)
        query = sa.select(
            sa.literal(measure),
            period,
            Challenge.need_area_id,
            Organisation.county_code,
            Organisation.kind,
            (sa.func.count() if counted is None else sa.func.count(sa.distinct(counted))),
        ).select_from(source)
        query = _narrowed(
            query.where(*_within_both(at, scope)), scope, Challenge.organisation_id, Challenge.need_area_id
        )
        return query.group_by(period, Challenge.need_area_id, Organisation.county_code, Organisation.kind)

    def reached(measure: str, status: str) -> sa.Select[Any]:
        source = sa.join(ChallengeEvent, with_organisation, Challenge.id == ChallengeEvent.challenge_id)
        query = grouped(measure, ChallengeEvent.at, ChallengeEvent.challenge_id, source)
        return query.where(ChallengeEvent.to_status == status)

    union = sa.union_all(
        grouped(SUBMITTED_MEASURE, Challenge.submitted_at, None, with_organisation),
        reached(REVIEWED_MEASURE, REVIEWED),
        reached(MATCHED_MEASURE, MATCHED),
        _reached(scope),
    )
    return [tuple(row) for row in db.session.execute(union).tuples()]  # type: ignore[misc]
