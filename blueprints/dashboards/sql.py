"""SQL for reporting that SQLite and PostgreSQL spell differently: a timestamp's Swedish calendar day and the
hours between two timestamps, summed. Both are computed in the database, so figures are aggregated there."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class stockholm_date(FunctionElement[Any]):
    """The day in Sweden (summer or winter time) on which a UTC timestamp falls."""

    type = sa.Date()
    inherit_cache = True
    name = "stockholm_date"


@compiles(stockholm_date, "postgresql")
def _stockholm_date_postgresql(element: stockholm_date, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST(timezone('Europe/Stockholm', {column}) AS DATE)"


@compiles(stockholm_date, "sqlite")
def _stockholm_date_sqlite(element: stockholm_date, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite knows no time zones. Sweden is one or two hours ahead of UTC, so before 22:00 UTC the day is UTC's
    # (the cheap, common case). Later, EU summer time decides: it runs from 01:00 UTC on the last Sunday of
    # March to 01:00 UTC on the last Sunday of October (the Sunday on or after the 25th).
    column = compiler.process(element.clauses, **kw)
    year = f"strftime('%Y', {column})"
    summer = (
        f"{column} >= datetime({year} || '-03-31', '-6 days', 'weekday 0', '+1 hours') AND "
        f"{column} < datetime({year} || '-10-31', '-6 days', 'weekday 0', '+1 hours')"
    )
    late = f"date({column}, CASE WHEN {summer} THEN '+2 hours' ELSE '+1 hours' END)"
    return f"CASE WHEN substr({column}, 12, 2) < '22' THEN substr({column}, 1, 10) ELSE {late} END"


class total_hours(FunctionElement[Any]):
    """An aggregate: the hours from the first timestamp to the second, summed over the rows (None for none).
    PostgreSQL sums the intervals and converts once, rather than converting every row to a decimal number."""

    type = sa.Float()
    inherit_cache = True
    name = "total_hours"


@compiles(total_hours, "postgresql")
def _total_hours_postgresql(element: total_hours, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM sum({end} - {start})) / 3600.0)"


@compiles(total_hours, "sqlite")
def _total_hours_sqlite(element: total_hours, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(sum(julianday({end}) - julianday({start})) * 24.0)"


def bucket(column: Any, boundaries: list[datetime]) -> sa.ColumnElement[int]:
    """0 before the first boundary, 1 before the second, and so on: timestamps sorted into months or periods
    whose limits were computed in Swedish time, the same in every database."""
    if not boundaries:
        return sa.literal(0)
    return sa.case(*((column < limit, index) for index, limit in enumerate(boundaries)), else_=len(boundaries))
