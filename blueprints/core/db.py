"""The SQLAlchemy instance, declarative base and small column helpers."""

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
import sqlalchemy.orm
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from blueprints.core.formatting import escape_like, search_text

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use utcnow() or an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention, so migrations are deterministic."""

    registry = sa.orm.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)

# Models subclass ``Model``: Flask-SQLAlchemy's ``db.Model`` at run time, seen as ``Base`` by the type checker.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def sort_key_type(length: int) -> sa.types.TypeEngine[str]:
    """A column type for Swedish sort keys: compared byte by byte ("C" collation on PostgreSQL)."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def one_of(column: str, values: object) -> str:
    """SQL for a CHECK constraint: the column holds one of the values (the keys of a dict of labels)."""
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"  # type: ignore[attr-defined]


def holds_word(row_id: Any, column: Any, index_table: str, word: str) -> sa.ColumnElement[bool]:
    """Rows whose ``column`` (a search text) holds ``word`` (folded the same way, no LIKE wildcards), through a
    trigram index: on SQLite the FTS5 table ``index_table`` (external content, keyed by ``row_id``), on
    PostgreSQL a pg_trgm GIN index on the column. Either finds "städ" in "kontorsstädning"."""
    pattern = f"%{search_text(word)}%"
    if db.engine.dialect.name == "sqlite":
        index = sa.table(index_table, sa.column("rowid"), sa.column("search_text"))
        return cast(
            sa.ColumnElement[bool], row_id.in_(sa.select(index.c.rowid).where(index.c.search_text.like(pattern)))
        )
    return cast(sa.ColumnElement[bool], column.like(pattern))


def search_words(text: str) -> list[str]:
    """The words typed, folded as search texts are; LIKE's wildcards count as spaces."""
    return search_text(re.sub(r"[%_\\]", " ", text)).split()


def contains_words(column: "sa.orm.QueryableAttribute[str]", text: str) -> list[sa.ColumnElement[bool]]:
    """Conditions that a ``search_text`` column holds every word typed (folded the same way), as substrings."""
    return [column.like(f"%{escape_like(word)}%", escape="\\") for word in search_text(text).split()]


COUNTED_EXACTLY = 10_000


class Page(SelectPagination):
    """One page of a list whose total is counted exactly up to ``COUNTED_EXACTLY`` results; above that the count
    stops there (``total`` is that number and ``more`` is True: "över 10 000"), so that a long list's count
    costs as much as a short one's."""

    more = False

    def _query_count(self) -> int:
        # Only a constant from each row, so the database reads no row it does not need (the rows' columns would
        # be read when the limit keeps it from folding the count into the query).
        select = self._query_args["select"].order_by(None)
        if not (select._distinct or select._group_by_clauses):  # the rows would be others
            select = select.with_only_columns(sa.literal(1), maintain_column_froms=True)
        counted = select.limit(COUNTED_EXACTLY + 1).subquery()
        count = self._query_args["session"].execute(sa.select(sa.func.count()).select_from(counted)).scalar() or 0
        self.more = count > COUNTED_EXACTLY
        return min(count, COUNTED_EXACTLY)


class PageOfIds(Pagination):
    """One page of a list whose matching ids (in order, up to ``COUNTED_EXACTLY`` and one more) were read in one
    statement: the count is their number, and only the page's rows are loaded (``load(ids)``, in that order)."""

    more = False

    def _query_items(self) -> list[Any]:
        ids: list[Any] = self._query_args["ids"]
        start = self._query_offset
        return list(self._query_args["load"](ids[start : start + self.per_page]))

    def _query_count(self) -> int:
        ids: list[Any] = self._query_args["ids"]
        self.more = len(ids) > COUNTED_EXACTLY
        return min(len(ids), COUNTED_EXACTLY)


def paginate_ids(ids: list[Any], load: Any, *, page: int, per_page: int) -> PageOfIds:
    """A page of a list given as its ordered ids (see ``PageOfIds``); an empty page past the end."""
    return PageOfIds(ids=ids, load=load, page=page, per_page=per_page, error_out=False)


def paginate(select: sa.Select[Any], *, page: int, per_page: int) -> Page:
    """A page of ``select`` (an empty page past the end, never a 404)."""
    return Page(select=select, session=db.session(), page=page, per_page=per_page, error_out=False)


class TimestampMixin:
    """Created and updated times, set by the database session."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user (already translated). ``field`` names
    the form field it concerns; ``status_code`` is the HTTP answer (422, or e.g. 404 for something that is not
    there, 409 for a conflict); ``back`` is where a page goes to show it (set by ``core.actions.perform``);
    ``details`` what a report of it needs (a refused import's rows, say), as JSON."""

    status_code = 422

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        status_code: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.back: str | None = None
        self.details = details
        if status_code is not None:
            self.status_code = status_code


# Indexes that live only in migrations (0003, 0011, 0022 and 0024: challenge, procurement, support request and
# knowledge article search;
# 0006: the support queue's expression index, which Alembic cannot compare): autogenerate must not try to drop
# or re-create them.
UNMODELLED_OBJECTS = (
    "challenge_fts",
    "support_request_fts",
    "ix_support_request_search_trgm",
    "ix_challenge_search_trgm",
    "ix_support_request_queue",
    "procurement_fts",
    "ix_procurement_search_trgm",
    "knowledge_article_fts",
    "ix_knowledge_article_search_trgm",
)


def include_in_migrations(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave the hand-made index objects out of autogenerate comparisons."""
    return not (name or "").startswith(UNMODELLED_OBJECTS)


def render_migration_type(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write UTCDateTime into migrations as a plain timezone-aware DateTime (migrations stay app-free)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


@sa.event.listens_for(sa.engine.Engine, "connect")
def _connection_settings(dbapi_connection: object, connection_record: object) -> None:
    """Per-connection settings.

    SQLite enforces foreign keys only when asked, per connection; wait for locks instead of failing.

    PostgreSQL: psycopg prepares a statement once it has run five times on a connection, and after five more
    runs PostgreSQL may switch it to one generic plan made without the parameters' values. For reports that
    plan can be several times slower (a dashboard narrowed to one län: 50 → 150 ms), so every execution is
    planned for its own values; the parsing is still saved. And a random page read is costed as what it is on
    SSD or in memory (``random_page_cost`` 1.1; the default, 4, is for spinning disks): with 4, PostgreSQL read
    all 100,000 challenges to list one län's 4,800 (31 ms) instead of finding them by organisation (5 ms)."""
    import sqlite3

    import psycopg

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
    elif isinstance(dbapi_connection, psycopg.Connection):
        dbapi_connection.execute("SET plan_cache_mode = force_custom_plan")
        dbapi_connection.execute("SET random_page_cost = 1.1")
        dbapi_connection.commit()  # a setting made in a transaction that is rolled back would be undone


def rows_changed(statement: sa.Update | sa.Delete) -> int:
    """Run a bulk UPDATE or DELETE in the current transaction; return how many rows it changed."""
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return int(cast("sa.CursorResult[Any]", result).rowcount or 0)
