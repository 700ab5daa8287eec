"""Reads for the dashboard: every figure is counted, summed or grouped by the database (never by loading
rows into Python), for the current period and the one before it in the same statement where possible."""

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from blueprints.accounts.models import User
from blueprints.challenges.constants import MATCHED, REVIEWED
from blueprints.core.db import UTCDateTime, db, utcnow
from blueprints.core.versions import token_columns
from blueprints.dashboards.models import (
    AREA,
    COUNTY,
    DAY,
    KIND,
    MONTH,
    NO_AREA,
    ChallengeSummary,
    HoursSummary,
    RequestSummary,
    ReviewSummary,
    SessionSummary,
    SummaryRow,
)
from blueprints.dashboards.periods import Period
from blueprints.networks.constants import ACTIVE, CLOSED, INITIATE, LEFT, MARKET_DIALOGUE, PHASES
from blueprints.networks.models import Network, NetworkActivity, NetworkEvent, NetworkMember, network_cpv
from blueprints.organisations.models import Organisation
from blueprints.statistics.models import Procurement
from blueprints.statistics.power import WINDOW_YEARS
from blueprints.support.constants import DONE, NO_SHOW
from blueprints.support.models import AvailabilityException, AvailabilityWindow
from blueprints.vocabulary.models import CpvCode

# Columns of the totals statement are named <measure>_previous and <measure>_current.
PREVIOUS, CURRENT = "previous", "current"
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


class ResponseRow(NamedTuple):
    """Requests submitted in a month of one of the periods (``current``: the chosen one), by working days waited
    for the first response (-1: none yet) and the day from which the unanswered are late."""

    current: bool
    month: date
    waited: int
    late_from: date
    requests: int


def response_rows(scope: Scope) -> list[ResponseRow]:
    """Requests submitted in either period (summary rows: a month or a day each)."""
    model = RequestSummary
    current = _in_period(model, scope.current)
    query = sa.select(current, model.day, model.waited, model.late_from, sa.func.sum(model.count))
    query = query.where(
        sa.or_(*(_in_period(model, p, *_scoped(model, scope)) for p in (scope.previous, scope.current)))
    )
    rows = db.session.execute(query.group_by(current, model.day, model.waited, model.late_from)).tuples()
    return [ResponseRow(bool(now), day.replace(day=1), waited, late, int(n)) for now, day, waited, late, n in rows]


@dataclass(frozen=True)
class SessionCount:
    """Sessions of one kind and status that started in one month of the period (1 is the first)."""

    month: int
    kind: str
    status: str
    sessions: int


def session_counts(scope: Scope) -> list[SessionCount]:
    """The period's sessions by month, kind and status (their feedback, and the previous period's totals, are
    in ``period_totals``)."""
    model = SessionSummary
    query = sa.select(model.day, model.kind, model.status, sa.func.sum(model.count))
    query = query.where(_in_period(model, scope.current, *_scoped(model, scope)))
    month_number = {month: number for number, month in enumerate(scope.current.months(), start=1)}
    counts: defaultdict[tuple[int, str, str], int] = defaultdict(int)
    for day, kind, status, sessions in db.session.execute(query.group_by(model.day, model.kind, model.status)):
        counts[month_number[day.replace(day=1)], kind, status] += int(sessions)
    return [SessionCount(month, kind, status, sessions) for (month, kind, status), sessions in counts.items()]


# --- facilitators ---------------------------------------------------------------------------------------


def booked_hours(period: Period) -> dict[int, float]:
    """Hours of sessions (not cancelled) that start in the period, per facilitator."""
    model = HoursSummary
    query = (
        sa.select(model.facilitator_id, sa.func.sum(model.hours))
        .where(_in_period(model, period, model.grouping == 0))
        .group_by(model.facilitator_id)
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


def _phases_at_end(scope: Scope) -> sa.Select[Any]:
    """How many networks were in each phase at the end of the period (by their history), as columns named
    ``phase_<phase>``; networks created later are not counted."""
    end = scope.current.end
    phase_then = (
        sa.select(NetworkEvent.detail)
        .where(NetworkEvent.network_id == Network.id, NetworkEvent.kind == "phase", NetworkEvent.at < end)
        .order_by(NetworkEvent.at.desc(), NetworkEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    phase = sa.func.coalesce(phase_then, INITIATE).label("phase")
    # Grouped first, so that each network's phase is looked up once rather than once per phase counted.
    per_phase = (
        sa.select(phase, sa.func.count().label("networks"))
        .where(Network.created_at < end, *_networks_in(scope))
        .group_by(phase)
        .subquery()
    )
    return sa.select(
        *[
            sa.func.coalesce(sa.func.sum(sa.case((per_phase.c.phase == phase, per_phase.c.networks))), 0).label(
                f"phase_{phase}"
            )
            for phase in PHASES
        ]
    )


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
) = TOTALS = (
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


class Pair(NamedTuple):
    """One total for the period before and the period chosen."""

    previous: int
    current: int


@dataclass(frozen=True)
class PeriodTotals:
    """Totals for the previous period and the current one (``totals[name].current``), and the number of
    networks per phase at the end of the current period."""

    pairs: dict[str, Pair]
    phases: dict[str, int]

    def __getitem__(self, name: str) -> Pair:
        return self.pairs[name]


def period_totals(scope: Scope) -> PeriodTotals:
    """Every total of both periods (networks, challenges, organisations reached, sessions and feedback) and
    the networks per phase, in one statement: each source gives one row (its rows read once for both periods,
    or, for counts of many rows, counted per period from an index), and the rows are joined side by side. The
    pooled purchasing power comes from ``pooled_power`` (a second statement only when its data changed)."""
    row = db.session.execute(_period_totals_statement(scope), {NOW.key: utcnow()}).one()._mapping
    pairs = {
        name: Pair(int(row[f"{name}_{PREVIOUS}"] or 0), int(row[f"{name}_{CURRENT}"] or 0))
        for name in TOTALS
        if name != POOLED_SEK
    }
    versions = tuple(row[f"version_{name}"] for name in sorted(POOLED_POWER_DATA))
    pairs[POOLED_SEK] = pooled_power(scope, versions)
    return PeriodTotals(pairs, {phase: int(row[f"phase_{phase}"]) for phase in PHASES})


# What the pooled purchasing power is computed from (core.versions): networks with their members and CPV
# codes, organisations (län and kind filter), and the statistics.
POOLED_POWER_DATA = ("networks", "organisations", "statistics")
POOLED_POWER_KEPT = 256


@functools.lru_cache(maxsize=POOLED_POWER_KEPT)
def pooled_power(scope: Scope, versions: tuple[str, ...]) -> Pair:
    """The pooled purchasing power at the end of each period, kept for the scope until the networks, the
    organisations or the statistics change (``versions``: their tokens when the caller read them). Computing it
    reads every active member's purchases in its networks' branches (about 40 ms on SQLite at 400 networks of
    ten members); a kept figure costs nothing."""
    row = db.session.execute(_pooled_power(scope)).one()._mapping
    return Pair(int(row[f"{POOLED_SEK}_{PREVIOUS}"] or 0), int(row[f"{POOLED_SEK}_{CURRENT}"] or 0))


# Statements are built once per scope and kept (a few dozen scopes are in use on a day: the presets and
# the filters people share). They are a pure function of the scope; the present moment is a parameter.
# Building the totals' statement takes about as long as PostgreSQL takes to run it narrowed.
STATEMENTS_KEPT = 64
NOW = sa.bindparam("now", type_=UTCDateTime())


@functools.lru_cache(maxsize=STATEMENTS_KEPT)
def _period_totals_statement(scope: Scope) -> sa.Select[Any]:
    sources = [
        *_network_totals(scope),
        *_challenge_totals(scope),
        *_session_totals(scope),
        _phases_at_end(scope),
    ]
    subqueries = [source.subquery() for source in sources]
    side_by_side: sa.FromClause = subqueries[0]
    for subquery in subqueries[1:]:
        side_by_side = side_by_side.join(subquery, sa.true())
    columns = [column for subquery in subqueries for column in subquery.c]
    return sa.select(*columns).select_from(side_by_side)


# A measure is an aggregate over the rows for which a condition (being in a period) holds.
Measure = Callable[[sa.ColumnElement[bool]], sa.ColumnElement[Any]]


def counting(*conditions: sa.ColumnElement[bool], value: SqlColumn = 1, distinct: bool = False) -> Measure:
    """How many rows meet the period's condition and ``conditions`` (and have a ``value``; each value once when
    ``distinct``)."""

    def measure(when: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        counted = sa.case((sa.and_(when, *conditions), value))
        return sa.func.count(sa.distinct(counted) if distinct else counted)

    return measure


def summing(value: SqlColumn) -> Measure:
    """The sum of ``value`` over the rows that meet the period's condition (0 for none)."""
    return lambda when: sa.func.coalesce(sa.func.sum(sa.case((when, value), else_=0)), 0)


def _both_periods(
    measures: dict[str, Measure], previous: sa.ColumnElement[bool], current: sa.ColumnElement[bool]
) -> sa.Select[Any]:
    """A select of each measure for the previous period and the current one (rows meeting ``previous`` or
    ``current``), as columns named ``<measure>_previous`` and ``<measure>_current``; the caller adds FROM and
    WHERE."""
    return sa.select(
        *[
            measure(when).label(f"{name}_{period}")
            for name, measure in measures.items()
            for period, when in ((PREVIOUS, previous), (CURRENT, current))
        ]
    )


def _split(measures: dict[str, Measure], at: SqlColumn, scope: Scope) -> sa.Select[Any]:
    """``measures`` of rows timestamped ``at`` in either period (the current one begins where the previous
    one ends)."""
    query = _both_periods(measures, at < scope.current.start, at >= scope.current.start)
    return query.where(*_within_both(at, scope))


def _network_totals(scope: Scope) -> list[sa.Select[Any]]:
    phase_changes = (
        _split({PHASE_CHANGES: counting()}, NetworkEvent.at, scope)
        .select_from(NetworkEvent)
        .join(Network, Network.id == NetworkEvent.network_id)
        .where(NetworkEvent.kind == "phase", *_networks_in(scope))
    )
    # Activities count once they have started: until now, not the end of a period still running.
    held = {ACTIVITIES: counting(), MARKET_DIALOGUES: counting(NetworkActivity.kind == MARKET_DIALOGUE)}
    activities = (
        _split(held, NetworkActivity.starts_at, scope)
        .select_from(NetworkActivity)
        .join(Network, Network.id == NetworkActivity.network_id)
        .where(NetworkActivity.starts_at < NOW, *_networks_in(scope))
    )
    # Members at the end of each period: every yes before that end that is still active.
    at_end = {MEMBERS: counting(value=NetworkMember.organisation_id, distinct=True)}
    members = (
        _both_periods(at_end, NetworkMember.answered_at < scope.current.start, sa.true())
        .select_from(NetworkMember)
        .join(Network, Network.id == NetworkMember.network_id)
        .join(Organisation, Organisation.id == NetworkMember.organisation_id)
        .where(NetworkMember.status == ACTIVE, NetworkMember.answered_at < scope.current.end)
        .where(*_chosen(scope, Network.need_area_id))
    )
    # The pooled purchasing power is kept between requests (see ``pooled_power``); here only the versions of
    # the data it is computed from are read.
    versions = sa.select(*token_columns(*POOLED_POWER_DATA))
    return [phase_changes, activities, members, versions]


def _pooled_power(scope: Scope) -> sa.Select[Any]:
    """Pooled purchasing power at the end of each period (statistics.power's definition, summed over networks
    that are not closed): the procurements, in the statistics' last three years, of organisations that were
    active members by then, in their networks' CPV branches. Each procurement once, however many networks and
    branches it falls in; so each organisation and branch once. An average per year of the years held."""
    latest = sa.select(sa.func.max(Procurement.year)).scalar_subquery()
    years_held = (
        sa.select(sa.func.count(sa.distinct(Procurement.year)))
        .where(Procurement.year > latest - WINDOW_YEARS)
        .scalar_subquery()
    )
    members_and_branches = (
        sa.select(NetworkMember.organisation_id, NetworkMember.answered_at, CpvCode.branch, CpvCode.branch_end)
        .select_from(NetworkMember)
        .join(Network, Network.id == NetworkMember.network_id)
        .join(Organisation, Organisation.id == NetworkMember.organisation_id)
        .join(network_cpv, network_cpv.c.network_id == Network.id)
        .join(CpvCode, CpvCode.code == network_cpv.c.cpv_code)
        .where(
            NetworkMember.status == ACTIVE,
            NetworkMember.answered_at < scope.current.end,
            Network.phase != CLOSED,
            *_chosen(scope, Network.need_area_id),
        )
        .subquery("members_and_branches")
    )
    pair = members_and_branches.c
    in_branch = [
        Procurement.organisation_id == pair.organisation_id,
        Procurement.cpv_code >= pair.branch,
        Procurement.cpv_code < pair.branch_end,
        Procurement.year > latest - WINDOW_YEARS,
    ]
    # Each member's purchases in each branch are read from the (organisation, CPV code) index: SQLite does so
    # for a join; PostgreSQL would hash-join every purchase of the members instead (1.2 million rows, 380 ms),
    # so there it is a LATERAL subquery that OFFSET 0 keeps from being flattened (60 ms).
    joined: sa.FromClause
    procurement_id: sa.ColumnElement[Any] | InstrumentedAttribute[Any]
    value: sa.ColumnElement[Any] | InstrumentedAttribute[Any]
    if db.engine.dialect.name == "postgresql":
        bought = (
            sa.select(Procurement.id, Procurement.contracted_value_sek.label("value"))
            .where(*in_branch)
            .offset(0)
            .lateral("bought")
        )
        joined, procurement_id, value = members_and_branches.join(bought, sa.true()), bought.c.id, bought.c.value
    else:
        joined = members_and_branches.join(Procurement, sa.and_(*in_branch))
        procurement_id, value = Procurement.id, Procurement.contracted_value_sek
    matched = (
        sa.select(procurement_id.label("id"), value.label("value"), sa.func.min(pair.answered_at).label("since"))
        .select_from(joined)
        .group_by(procurement_id, value)
        .subquery()
    )
    per_year = sa.func.nullif(years_held, 0)
    return sa.select(
        sa.func.coalesce(
            sa.func.sum(sa.case((matched.c.since < scope.current.start, matched.c.value), else_=0)) / per_year, 0
        ).label(f"{POOLED_SEK}_{PREVIOUS}"),
        sa.func.coalesce(sa.func.sum(matched.c.value) / per_year, 0).label(f"{POOLED_SEK}_{CURRENT}"),
    ).select_from(matched)


def _in_period(model: type[SummaryRow], period: Period, *conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """Summary rows that make up the period (its whole months' rows, and the day rows of the days around them)
    and meet ``conditions``: those are repeated in each range, so that SQLite reads each range from the key."""
    ranges = [(DAY, first, last) for first, last in period.days_outside_whole_months()]
    months = period.whole_months()
    if months:
        ranges.append((MONTH, *months))
    return sa.or_(
        *(sa.and_(*conditions, model.span == span, model.day.between(first, last)) for span, first, last in ranges)
    )


def _scoped(model: type[SummaryRow], scope: Scope, by: int = 0) -> list[sa.ColumnElement[bool]]:
    """Summary rows for the chosen län, need area and organisation kind, broken down by the dimension ``by``
    (AREA, COUNTY or KIND; 0: the total)."""
    chosen = [
        (AREA, model.need_area_id, scope.need_area_id),
        (COUNTY, model.county_code, scope.county),
        (KIND, model.org_kind, scope.org_kind),
    ]
    grouping = by | sum(bit for bit, _column, value in chosen if value)
    return [model.grouping == grouping, *(column == value for _bit, column, value in chosen if value)]


def _summed(
    model: type[SummaryRow], scope: Scope, measures: dict[str, Callable[[Period], SqlColumn]]
) -> sa.Select[Any]:
    """A one-row select of each measure (a value per summary row, given the period) summed over each period's
    rows, as columns ``<measure>_previous`` and ``<measure>_current``."""
    periods = ((PREVIOUS, scope.previous), (CURRENT, scope.current))
    within = {name: _in_period(model, period) for name, period in periods}
    columns = [
        sa.func.coalesce(sa.func.sum(sa.case((within[name], measure(period)), else_=0)), 0).label(f"{key}_{name}")
        for key, measure in measures.items()
        for name, period in periods
    ]
    scoped = _scoped(model, scope)
    return sa.select(*columns).where(sa.or_(*(_in_period(model, period, *scoped) for _name, period in periods)))


def _first_reaching(status: str) -> Callable[[Period], sa.ColumnElement[Any]]:
    """Challenges reaching ``status`` in a period: each once, by its first entry to the status in the period."""
    model = ReviewSummary
    return lambda period: sa.case(
        (sa.and_(model.to_status == status, model.previous_day < period.first), model.count), else_=0
    )


def _with_status(status: str) -> Callable[[Period], sa.ColumnElement[Any]]:
    return lambda _period: sa.case((SessionSummary.status == status, SessionSummary.count), else_=0)


def _challenge_totals(scope: Scope) -> list[sa.Select[Any]]:
    submitted = _summed(ChallengeSummary, scope, {SUBMITTED: lambda _period: ChallengeSummary.count})
    reviews = {REVIEWED_CHALLENGES: _first_reaching(REVIEWED), MATCHED_CHALLENGES: _first_reaching(MATCHED)}
    firsts = _first_memberships(scope)
    reached = _split({REACHED: counting()}, firsts.c.first_at, scope).select_from(firsts)
    reached = _narrowed(reached, scope, firsts.c.organisation_id, None)
    return [submitted, _summed(ReviewSummary, scope, reviews), reached]


def _session_totals(scope: Scope) -> list[sa.Select[Any]]:
    model = SessionSummary
    measures = {
        HELD: _with_status(DONE),
        NO_SHOWS: _with_status(NO_SHOW),
        FEEDBACK_SENT: lambda _period: model.feedback_sent,
        FEEDBACK_ANSWERED: lambda _period: model.feedback_answered,
        RATING_SUM: lambda _period: model.rating_sum,
    }
    return [_summed(model, scope, measures)]


# --- challenges -----------------------------------------------------------------------------------------


class GroupedCount(NamedTuple):
    """How many of ``measure`` (challenges submitted, reviewed, matched; organisations reached) the period holds
    for one value of a dimension (``need_area_id``, ``county_code`` or ``org_kind``; None: none)."""

    measure: str
    dimension: str
    value: int | str | None
    number: int


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
    """Organisations that first became an active network member in the period, per län."""
    firsts = _first_memberships(scope)
    query = (
        sa.select(sa.literal(REACHED), sa.literal("county_code"), Organisation.county_code, sa.func.count())
        .select_from(firsts)
        .join(Organisation, Organisation.id == firsts.c.organisation_id)
        .where(*_within(firsts.c.first_at, scope.current), *_chosen(scope, None))
    )
    return query.group_by(Organisation.county_code)


BREAKDOWNS = {AREA: "need_area_id", COUNTY: "county_code", KIND: "org_kind"}


def grouped_counts(scope: Scope) -> list[GroupedCount]:
    """The period's challenges submitted, reviewed and matched by need area, by län and by organisation kind,
    and organisations reached by networks by län: one statement."""
    rows = db.session.execute(_grouped_counts_statement(scope)).tuples()
    return [
        GroupedCount(measure, dimension, _value(dimension, value), int(number))
        for measure, dimension, value, number in rows
    ]


def _value(dimension: str, value: str | None) -> int | str | None:
    """A dimension's value as the statement gives it (as text, in one column for all three), None for none."""
    if not value or (value == str(NO_AREA) and dimension == "need_area_id"):
        return None
    return int(value) if dimension == "need_area_id" else value


@functools.lru_cache(maxsize=STATEMENTS_KEPT)
def _grouped_counts_statement(scope: Scope) -> sa.CompoundSelect:
    def broken_down(model: type[SummaryRow], by: int, measure: str, value: SqlColumn) -> sa.Select[Any]:
        dimension = getattr(model, BREAKDOWNS[by])
        shown = sa.cast(dimension, sa.String())
        query = sa.select(sa.literal(measure), sa.literal(BREAKDOWNS[by]), shown, sa.func.sum(value))
        query = query.where(_in_period(model, scope.current, *_scoped(model, scope, by)))
        return query.group_by(dimension)

    period = scope.current
    return sa.union_all(
        *(
            query
            for by in BREAKDOWNS
            for query in (
                broken_down(ChallengeSummary, by, SUBMITTED, ChallengeSummary.count),
                broken_down(ReviewSummary, by, REVIEWED_CHALLENGES, _first_reaching(REVIEWED)(period)),
                broken_down(ReviewSummary, by, MATCHED_CHALLENGES, _first_reaching(MATCHED)(period)),
            )
        ),
        _reached(scope),
    )
