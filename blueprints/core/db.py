"""The SQLAlchemy instance, declarative base and small column helpers."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
import sqlalchemy.orm
from flask_sqlalchemy import SQLAlchemy
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


def contains_words(column: "sa.orm.QueryableAttribute[str]", text: str) -> list[sa.ColumnElement[bool]]:
    """Conditions that a ``search_text`` column holds every word typed (folded the same way), as substrings."""
    return [column.like(f"%{escape_like(word)}%", escape="\\") for word in search_text(text).split()]


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


# Indexes that live only in migrations (0003 and 0011: challenge and procurement search; 0006: the support
# queue's expression index, which Alembic cannot compare): autogenerate must not try to drop or re-create them.
UNMODELLED_OBJECTS = (
    "challenge_fts",
    "ix_challenge_search_trgm",
    "ix_support_request_queue",
    "procurement_fts",
    "ix_procurement_search_trgm",
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
    planned for its own values; the parsing is still saved."""
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
        dbapi_connection.commit()  # a setting made in a transaction that is rolled back would be undone


def rows_changed(statement: sa.Update | sa.Delete) -> int:
    """Run a bulk UPDATE or DELETE in the current transaction; return how many rows it changed."""
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return int(cast("sa.CursorResult[Any]", result).rowcount or 0)
