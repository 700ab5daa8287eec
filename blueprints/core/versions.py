"""Data versions: a token per kind of data ("networks", "statistics") that changes whenever a row of it is
written, so that a figure computed from that data can be kept until the data changes.

An area names what it writes with ``watch(Model, "name")``; every flush that adds, changes or deletes such a
row (or changes its collections, such as a network's CPV codes) gives the name a new random token, in the same
transaction. A token, not a counter: a rolled-back transaction's change leaves the old token, and the next
change can never meet a figure kept for the rolled-back one. Rows written with bulk statements rather than
objects (an import's ``INSERT``) are not seen: their writer also writes an object (the import's record) or calls
``bump``.
"""

import uuid
from collections.abc import Iterable
from itertools import chain
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from blueprints.core.db import db
from blueprints.core.models import DataVersion

_WATCHED: dict[type, str] = {}

# Sent by a writer of rows the flush does not see (sender: the model; ``ids``: the rows written), for areas that
# keep figures derived from them (the dashboards' summaries).
rows_written = Namespace().signal("rows-written")


def watch(model: type, name: str) -> None:
    """Give ``name`` a new token whenever a ``model`` row is written."""
    _WATCHED[model] = name


def _upsert(connection: sa.Connection, names: Iterable[str]) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for name in sorted(set(names)):
        statement = dialect.insert(DataVersion).values(name=name, token=uuid.uuid4().hex)
        connection.execute(
            statement.on_conflict_do_update(index_elements=["name"], set_={"token": statement.excluded.token})
        )


def bump(*names: str) -> None:
    """New tokens for ``names`` (for writes the flush does not see)."""
    _upsert(db.session.connection(), names)


def token_columns(*names: str) -> list[sa.ColumnElement[str]]:
    """The names' tokens as columns ``version_<name>`` ("" for a name never written), to select with other
    things in one statement."""
    return [
        sa.func.coalesce(sa.select(DataVersion.token).where(DataVersion.name == name).scalar_subquery(), "").label(
            f"version_{name}"
        )
        for name in sorted(names)
    ]


def _changed_names(session: Session) -> set[str]:
    names = set()
    for row in chain(session.new, session.dirty, session.deleted):
        name = _WATCHED.get(type(row))
        if name and name not in names and (row not in session.dirty or session.is_modified(row)):
            names.add(name)
    return names


def _bump_on_flush(session: Session, _context: Any) -> None:
    names = _changed_names(session)
    if names:
        _upsert(session.connection(), names)


def init_versions() -> None:
    """Listen to every flush of the Flask-SQLAlchemy session class (once per process)."""
    session_class = db.session.session_factory.class_
    if not sa.event.contains(session_class, "after_flush", _bump_on_flush):
        sa.event.listen(session_class, "after_flush", _bump_on_flush)
