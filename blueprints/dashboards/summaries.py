"""Keeping the summary tables (models.py) in step with the rows they count.

Every flush that writes a counted row (a challenge, its history, a support request, a session, its feedback, or
an organisation's län or kind) marks the Swedish days it touches; before the transaction commits, those days are
recounted from the rows themselves and the months they lie in are corrected by the difference. So the summaries
change in the same transaction as the data, and a rolled-back change leaves them as they were. Writes the flush
does not see (an import's bulk ``INSERT``) send ``rows_written``. ``rebuild`` recounts everything (after a
migration, a bulk load or by hand: ``flask --app app dashboards rebuild``), a month at a time.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from blueprints.challenges.constants import MATCHED, REVIEWED
from blueprints.challenges.models import Challenge, ChallengeEvent
from blueprints.core.db import db
from blueprints.core.formatting import STOCKHOLM, swedish_time_to_utc
from blueprints.core.versions import rows_written
from blueprints.dashboards.measures import response_key
from blueprints.dashboards.models import (
    AREA,
    COUNTY,
    DAY,
    GROUPINGS,
    KIND,
    MONTH,
    NO_AREA,
    NO_COUNTY,
    NO_KIND,
    ChallengeSummary,
    HoursSummary,
    RequestSummary,
    ReviewSummary,
    SessionSummary,
    SummaryLock,
    SummaryRow,
)
from blueprints.dashboards.periods import NEVER
from blueprints.organisations.models import Organisation
from blueprints.support.constants import CANCELLED, DONE
from blueprints.support.models import Booking, Feedback, SupportRequest

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Counted:
    """One counted row as a summary sees it: when (UTC), its dimensions, its own keys and values."""

    at: datetime
    need_area_id: int | None
    county_code: str | None
    org_kind: str
    keys: tuple[Any, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class Summary:
    """A summary table and how to read the rows it counts between two moments (both None: all of them)."""

    name: str
    model: type[SummaryRow]
    counted: Callable[[sa.Connection, datetime | None, datetime | None], Iterable[Counted]]
    when: Any  # the column that dates a counted row
    groupings: tuple[int, ...] = GROUPINGS


def _between(column: Any, start: datetime | None, end: datetime | None) -> list[sa.ColumnElement[bool]]:
    if start is None or end is None:
        return [column.is_not(None)]
    return [column >= start, column < end]


def _challenges(connection: sa.Connection, start: datetime | None, end: datetime | None) -> Iterator[Counted]:
    query = (
        sa.select(Challenge.submitted_at, Challenge.need_area_id, Organisation.county_code, Organisation.kind)
        .join(Organisation, Organisation.id == Challenge.organisation_id)
        .where(*_between(Challenge.submitted_at, start, end))
    )
    for at, area, county, kind in connection.execute(query):
        yield Counted(at, area, county, kind, (), (1,))


def _reviews(connection: sa.Connection, start: datetime | None, end: datetime | None) -> Iterator[Counted]:
    earlier = aliased(ChallengeEvent)
    previous = (
        sa.select(sa.func.max(earlier.at))
        .where(
            earlier.challenge_id == ChallengeEvent.challenge_id,
            earlier.to_status == ChallengeEvent.to_status,
            sa.or_(
                earlier.at < ChallengeEvent.at, sa.and_(earlier.at == ChallengeEvent.at, earlier.id < ChallengeEvent.id)
            ),
        )
        .scalar_subquery()
    )
    query = (
        sa.select(
            ChallengeEvent.at,
            Challenge.need_area_id,
            Organisation.county_code,
            Organisation.kind,
            ChallengeEvent.to_status,
            previous,
        )
        .join(Challenge, Challenge.id == ChallengeEvent.challenge_id)
        .join(Organisation, Organisation.id == Challenge.organisation_id)
        .where(ChallengeEvent.to_status.in_((REVIEWED, MATCHED)), *_between(ChallengeEvent.at, start, end))
    )
    for at, area, county, kind, status, before in connection.execute(query):
        yield Counted(at, area, county, kind, (status, NEVER if before is None else swedish_day(before)), (1,))


def _requests(connection: sa.Connection, start: datetime | None, end: datetime | None) -> Iterator[Counted]:
    query = (
        sa.select(
            SupportRequest.submitted_at,
            SupportRequest.need_area_id,
            Organisation.county_code,
            Organisation.kind,
            SupportRequest.first_response_at,
        )
        .join(Organisation, Organisation.id == SupportRequest.organisation_id)
        .where(*_between(SupportRequest.submitted_at, start, end))
    )
    for at, area, county, kind, answered in connection.execute(query):
        keys = response_key(swedish_day(at), None if answered is None else swedish_day(answered))
        yield Counted(at, area, county, kind, keys, (1,))


def _sessions(connection: sa.Connection, start: datetime | None, end: datetime | None) -> Iterator[Counted]:
    query = (
        sa.select(
            Booking.starts_at,
            SupportRequest.need_area_id,
            Organisation.county_code,
            Organisation.kind,
            Booking.kind,
            Booking.status,
            Feedback.id,
            Feedback.answered_at,
            Feedback.rating,
        )
        .join(SupportRequest, SupportRequest.id == Booking.request_id)
        .join(Organisation, Organisation.id == SupportRequest.organisation_id)
        .outerjoin(Feedback, sa.and_(Feedback.booking_id == Booking.id, Booking.status == DONE))
        .where(*_between(Booking.starts_at, start, end))
    )
    for at, area, county, org_kind, kind, status, feedback, answered, rating in connection.execute(query):
        values = (1, int(feedback is not None), int(answered is not None), rating or 0)
        yield Counted(at, area, county, org_kind, (kind, status), values)


def _hours(connection: sa.Connection, start: datetime | None, end: datetime | None) -> Iterator[Counted]:
    query = sa.select(Booking.starts_at, Booking.ends_at, Booking.facilitator_id).where(
        Booking.status != CANCELLED, *_between(Booking.starts_at, start, end)
    )
    for starts, ends, facilitator in connection.execute(query):
        yield Counted(starts, None, None, "", (facilitator,), ((ends - starts).total_seconds() / 3600,))


CHALLENGES = Summary("challenges", ChallengeSummary, _challenges, Challenge.submitted_at)
REVIEWS = Summary("reviews", ReviewSummary, _reviews, ChallengeEvent.at)
REQUESTS = Summary("requests", RequestSummary, _requests, SupportRequest.submitted_at)
SESSIONS = Summary("sessions", SessionSummary, _sessions, Booking.starts_at)
HOURS = Summary("hours", HoursSummary, _hours, Booking.starts_at, groupings=(0,))
SUMMARIES = {s.name: s for s in (CHALLENGES, REVIEWS, REQUESTS, SESSIONS, HOURS)}


def swedish_day(moment: datetime) -> date:
    """The Swedish calendar day of a UTC moment."""
    return moment.astimezone(STOCKHOLM).date()


def _start_of(day: date) -> datetime:
    return swedish_time_to_utc(day, time(0))


# --- counting -------------------------------------------------------------------------------------------


def _tally(summary: Summary, rows: Iterable[Counted], spans: tuple[str, ...]) -> dict[Key, list[float]]:
    """The summary rows (key → values) that ``rows`` make, in every grouping, for each of ``spans``."""
    width = len(summary.model.VALUES)
    tally: defaultdict[Key, list[float]] = defaultdict(lambda: [0] * width)
    for row in rows:
        day = swedish_day(row.at)
        periods = [(span, day if span == DAY else day.replace(day=1)) for span in spans]
        for grouping in summary.groupings:
            dimensions = (
                (row.need_area_id or NO_AREA) if grouping & AREA else NO_AREA,
                (row.county_code or NO_COUNTY) if grouping & COUNTY else NO_COUNTY,
                row.org_kind if grouping & KIND else NO_KIND,
            )
            for span, first in periods:
                totals = tally[(grouping, span, first, *dimensions, *row.keys)]
                for index, value in enumerate(row.values):
                    totals[index] += value
    return tally


def _key_columns(model: type[SummaryRow]) -> list[str]:
    return ["grouping", "span", "day", "need_area_id", "county_code", "org_kind", *model.KEYS]


def _as_rows(model: type[SummaryRow], tally: dict[Key, list[float]]) -> list[dict[str, Any]]:
    keys, values = _key_columns(model), model.VALUES
    return [dict(zip((*keys, *values), (*key, *totals), strict=True)) for key, totals in tally.items()]


def _insert(connection: sa.Connection, model: type[SummaryRow], tally: dict[Key, list[float]]) -> None:
    rows = _as_rows(model, tally)
    for start in range(0, len(rows), 5000):
        connection.execute(sa.insert(model), rows[start : start + 5000])


def _ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) ranges."""
    ordered = sorted(set(days))
    ranges = []
    for _, run in groupby(enumerate(ordered), key=lambda pair: pair[1] - timedelta(days=pair[0])):
        run_days = [day for _, day in run]
        ranges.append((run_days[0], run_days[-1]))
    return ranges


def _counted_on(connection: sa.Connection, summary: Summary, days: Iterable[date]) -> list[Counted]:
    rows: list[Counted] = []
    for first, last in _ranges(days):
        rows.extend(summary.counted(connection, _start_of(first), _start_of(last + timedelta(days=1))))
    return rows


def _lock(connection: sa.Connection, summary: Summary, months: Iterable[date]) -> None:
    """Take the summary's months in order (a writer of the same month waits for this transaction to end)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for month in sorted(set(months)):
        statement = dialect.insert(SummaryLock).values(summary=summary.name, month=month, changes=1)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["summary", "month"], set_={"changes": SummaryLock.changes + 1}
            )
        )


def recount(connection: sa.Connection, summary: Summary, days: Iterable[date]) -> None:
    """Count ``days`` again from the rows, and correct their months: whole months are replaced, the rest
    corrected by the difference between the days' old and new rows."""
    days = set(days)
    if not days:
        return
    by_month: defaultdict[date, set[date]] = defaultdict(set)
    for day in days:
        by_month[day.replace(day=1)].add(day)
    _lock(connection, summary, by_month)
    whole = [month for month, within in by_month.items() if len(within) == _days_in(month)]
    partial_days = {day for month, within in by_month.items() if month not in whole for day in within}
    if whole:
        _replace_months(connection, summary, whole)
    if partial_days:
        _recount_days(connection, summary, partial_days)


def _days_in(month: date) -> int:
    following = (month + timedelta(days=32)).replace(day=1)
    return (following - month).days


def _replace_months(connection: sa.Connection, summary: Summary, months: list[date]) -> None:
    model = summary.model
    days = [month + timedelta(days=n) for month in months for n in range(_days_in(month))]
    connection.execute(
        sa.delete(model).where(
            sa.or_(
                sa.and_(model.grouping.in_(summary.groupings), model.span == MONTH, model.day.in_(months)),
                *(
                    sa.and_(model.grouping.in_(summary.groupings), model.span == DAY, model.day.between(first, last))
                    for first, last in _ranges(days)
                ),
            )
        )
    )
    _insert(connection, model, _tally(summary, _counted_on(connection, summary, days), (DAY, MONTH)))


def _recount_days(connection: sa.Connection, summary: Summary, days: set[date]) -> None:
    """Count ``days`` again; write only the day rows that changed, and add the changes to their months."""
    model = summary.model
    keys, values = _key_columns(model), model.VALUES
    # Every grouping named, so that the rows are found by their key (grouping, span, day, ...).
    in_days = sa.and_(model.grouping.in_(summary.groupings), model.span == DAY, model.day.in_(sorted(days)))
    old = {
        tuple(row[: -len(values)]): list(row[-len(values) :])
        for row in connection.execute(sa.select(*(getattr(model, c) for c in (*keys, *values))).where(in_days))
    }
    new = _tally(summary, _counted_on(connection, summary, days), (DAY,))
    zero = [0] * len(values)
    changed_days: dict[Key, list[float]] = {}
    months: defaultdict[Key, list[float]] = defaultdict(lambda: [0] * len(values))
    for key in old.keys() | new.keys():
        change = [a - b for a, b in zip(new.get(key, zero), old.get(key, zero), strict=True)]
        if any(change):
            changed_days[key] = change
            month = months[(key[0], MONTH, key[2].replace(day=1), *key[3:])]
            for index, value in enumerate(change):
                month[index] += value
    _add(connection, model, changed_days)
    _add(connection, model, {key: change for key, change in months.items() if any(change)})


def _add(connection: sa.Connection, model: type[SummaryRow], changes: dict[Key, list[float]]) -> None:
    """Add each change to its row (made when missing, removed when it comes to nothing): one statement for
    the additions and one for the removals, whatever their number."""
    if not changes:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = cast(sa.Table, model.__table__)
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=_key_columns(model),
        set_={name: table.c[name] + statement.excluded[name] for name in model.VALUES},
    )
    ordered = sorted(changes)  # the same order in every transaction: no deadlock between two writers
    connection.execute(statement, _as_rows(model, {key: changes[key] for key in ordered}))
    fewer = [key for key in ordered if changes[key][0] < 0]  # these may have come to nothing
    if fewer:
        columns = _key_columns(model)
        empty = sa.delete(table).where(
            *(table.c[column] == sa.bindparam(f"key_{column}") for column in columns),
            sa.func.abs(table.c[model.VALUES[0]]) < 1e-9,
        )
        connection.execute(empty, [{f"key_{c}": v for c, v in zip(columns, key, strict=True)} for key in fewer])


def _months_between(first: datetime | None, last: datetime | None) -> set[date]:
    """The first day of every Swedish month from the one of ``first`` to the one of ``last`` (none without rows)."""
    if first is None or last is None:
        return set()
    month, end = swedish_day(first).replace(day=1), swedish_day(last).replace(day=1)
    months = set()
    while month <= end:
        months.add(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def rebuild(connection: Callable[[], sa.Connection], *, each_month: Callable[[], None] | None = None) -> dict[str, int]:
    """Count every summary again from all the rows, a month at a time (``each_month`` is called after each,
    e.g. to commit; ``connection`` gives the connection to use, again after each month); returns the rows each
    summary holds."""
    rows = {}
    for summary in SUMMARIES.values():
        months = _months_between(
            *connection().execute(sa.select(sa.func.min(summary.when), sa.func.max(summary.when))).one()
        )
        stored = sa.select(sa.distinct(summary.model.day)).where(summary.model.span == MONTH)
        months |= set(connection().scalars(stored))
        for month in sorted(months):
            recount(connection(), summary, (month + timedelta(days=n) for n in range(_days_in(month))))
            if each_month:
                each_month()
        rows[summary.name] = connection().scalar(sa.select(sa.func.count()).select_from(summary.model)) or 0
        # Fresh statistics: with those of the empty table, PostgreSQL scanned all 100,000 rows for 1,200 (15 ms
        # instead of 0.5).
        connection().execute(sa.text(f"ANALYZE {summary.model.__tablename__}"))
    return rows


# --- what a write touches -------------------------------------------------------------------------------


def _moments(row: Any, attribute: str) -> list[datetime]:
    """The attribute's value now and, when the flush changes it, before."""
    history = sa.inspect(row).attrs[attribute].history
    values = [*history.added, *history.unchanged, *history.deleted] or [getattr(row, attribute, None)]
    return [value for value in values if isinstance(value, datetime)]


def _changed(row: Any, *attributes: str) -> bool:
    state = sa.inspect(row)
    return state.persistent and any(state.attrs[name].history.deleted for name in attributes)


def _days_of(connection: sa.Connection, query: sa.Select[Any]) -> set[date]:
    return {swedish_day(moment) for moment in connection.scalars(query) if moment is not None}


def _touched(connection: sa.Connection, row: Any, *, deleted: bool) -> Iterator[tuple[Summary, set[date]]]:
    """The summaries and days that writing (or, ``deleted``, deleting) ``row`` may change."""
    if isinstance(row, Challenge):
        yield CHALLENGES, {swedish_day(m) for m in _moments(row, "submitted_at")}
        if _changed(row, "need_area_id", "organisation_id"):
            yield (
                REVIEWS,
                _days_of(connection, sa.select(ChallengeEvent.at).where(ChallengeEvent.challenge_id == row.id)),
            )
    elif isinstance(row, ChallengeEvent):
        yield REVIEWS, {swedish_day(m) for m in _moments(row, "at")}
        if deleted:  # the entries after it had it as the one before
            yield (
                REVIEWS,
                _days_of(
                    connection, sa.select(ChallengeEvent.at).where(ChallengeEvent.challenge_id == row.challenge_id)
                ),
            )
    elif isinstance(row, SupportRequest):
        yield REQUESTS, {swedish_day(m) for m in _moments(row, "submitted_at")}
        if _changed(row, "need_area_id", "organisation_id"):
            yield SESSIONS, _days_of(connection, sa.select(Booking.starts_at).where(Booking.request_id == row.id))
    elif isinstance(row, Booking):
        days = {swedish_day(m) for m in _moments(row, "starts_at")}
        yield SESSIONS, days
        yield HOURS, days
    elif isinstance(row, Feedback):
        yield SESSIONS, _days_of(connection, sa.select(Booking.starts_at).where(Booking.id == row.booking_id))
    elif isinstance(row, Organisation) and _changed(row, "county_code", "kind"):
        yield from _organisation_days(connection, row.id)


def _organisation_days(connection: sa.Connection, organisation_id: int) -> Iterator[tuple[Summary, set[date]]]:
    challenges = sa.select(Challenge.id).where(Challenge.organisation_id == organisation_id)
    requests = sa.select(SupportRequest.id).where(SupportRequest.organisation_id == organisation_id)
    yield CHALLENGES, _days_of(connection, sa.select(Challenge.submitted_at).where(Challenge.id.in_(challenges)))
    yield REVIEWS, _days_of(connection, sa.select(ChallengeEvent.at).where(ChallengeEvent.challenge_id.in_(challenges)))
    yield REQUESTS, _days_of(connection, sa.select(SupportRequest.submitted_at).where(SupportRequest.id.in_(requests)))
    yield SESSIONS, _days_of(connection, sa.select(Booking.starts_at).where(Booking.request_id.in_(requests)))


MARKS = "summary_days"


def _marks(session: Session) -> defaultdict[str, set[date]]:
    return session.info.setdefault(MARKS, defaultdict(set))


# What a summary reads of each kind of row: a change to anything else (a title, a note, a place) counts nothing
# again.
COUNTED_ATTRIBUTES: dict[type, tuple[str, ...]] = {
    Challenge: ("submitted_at", "need_area_id", "organisation_id"),
    ChallengeEvent: ("at", "to_status", "challenge_id"),
    SupportRequest: ("submitted_at", "first_response_at", "need_area_id", "organisation_id"),
    Booking: ("starts_at", "ends_at", "status", "kind", "facilitator_id", "request_id"),
    Feedback: ("answered_at", "rating", "booking_id"),
    Organisation: ("county_code", "kind"),
}


def _counted_change(row: Any) -> bool:
    """Whether a changed (not new, not deleted) row changed something a summary counts."""
    attributes = COUNTED_ATTRIBUTES.get(type(row), ())
    state = sa.inspect(row)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _mark_flushed(session: Session, _context: Any) -> None:
    connection = session.connection()
    marks = _marks(session)
    deleted = session.deleted
    changed = [row for row in session.dirty if _counted_change(row)]
    for row in (*session.new, *changed, *deleted):
        for summary, days in _touched(connection, row, deleted=row in deleted):
            marks[summary.name] |= days


def _recount_marked(session: Session) -> None:
    session.flush()  # the last changes' marks
    marks = session.info.pop(MARKS, None)
    if marks:
        connection = session.connection()
        for name in sorted(marks):
            recount(connection, SUMMARIES[name], marks[name])


def _mark_written(model: type, *, ids: list[int]) -> None:
    """Rows written with bulk statements (``core.versions.rows_written``): their days are recounted before the
    commit. Only challenges are written so (the import)."""
    if model is not Challenge:
        return
    connection = db.session.connection()
    for start in range(0, len(ids), 1000):
        query = sa.select(Challenge.submitted_at).where(Challenge.id.in_(ids[start : start + 1000]))
        _marks(db.session())[CHALLENGES.name] |= _days_of(connection, query)


# Attributes whose value before a change decides what is counted again: the old value is loaded when a new one
# is set on an expired object (else the flush would know only the new day, or not that a dimension changed).
OLD_VALUES_NEEDED = (
    Challenge.submitted_at,
    Challenge.need_area_id,
    Challenge.organisation_id,
    ChallengeEvent.at,
    SupportRequest.submitted_at,
    SupportRequest.need_area_id,
    SupportRequest.organisation_id,
    Booking.starts_at,
    Organisation.county_code,
    Organisation.kind,
)


def _keep(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return value


def init_summaries() -> None:
    """Listen to the sessions' flushes and commits, and to bulk writes (once per process)."""
    rows_written.connect(_mark_written)
    for attribute in OLD_VALUES_NEEDED:
        if not sa.event.contains(attribute, "set", _keep):
            sa.event.listen(attribute, "set", _keep, active_history=True)
    session_class = db.session.session_factory.class_
    # Marks are kept after a rollback: counting a day again is harmless, forgetting one that an outer
    # transaction still changes is not.
    for event, listener in (("after_flush", _mark_flushed), ("before_commit", _recount_marked)):
        if not sa.event.contains(session_class, event, listener):
            sa.event.listen(session_class, event, listener)
