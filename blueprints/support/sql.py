"""SQL that SQLite and PostgreSQL spell differently: hours between two timestamps, summed over rows, computed
by the database (so that thousands of sessions are not loaded to add up their lengths)."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


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
