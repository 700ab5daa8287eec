"""Audit log: explicit security events, and every create, update and delete of audited models.

Models opt in with ``__audited__ = True`` (and may hide columns with ``__audit_exclude__``). Changes are
captured after each flush and written on the same connection, so they commit or roll back with the change.
"""

import logging
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, UOWTransaction

from blueprints.core.db import db, utcnow
from blueprints.core.models import AuditEvent

log = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def _actor() -> tuple[int | None, str | None, str | None]:
    if not has_request_context():
        return None, "system", None
    user = g.get("user")
    ip = request.remote_addr
    if user is None:
        return None, None, ip
    return user.id, user.email, ip


def audit_row(
    action: str,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    summary: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_email: str | None = None,
) -> dict[str, Any]:
    """The column values of one audit event, with the current actor filled in."""
    actor_id, email, ip = _actor()
    return {
        "at": utcnow(),
        "actor_id": actor_id,
        "actor_email": actor_email or email,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "summary": summary[:500] if summary else None,
        "before": before,
        "after": after,
        "ip_address": ip,
    }


def record_event(action: str, **fields: Any) -> AuditEvent:
    """Add a security or domain event to the current transaction."""
    event = AuditEvent(**audit_row(action, **fields))
    db.session.add(event)
    return event


def record_event_now(action: str, **fields: Any) -> None:
    """Write an event in its own transaction (for refusals, where the request's work is rolled back)."""
    db.session.rollback()
    try:
        db.session.add(AuditEvent(**audit_row(action, **fields)))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("Audit event %s could not be written", action)


def _columns(obj: Any) -> list[sa.Column[Any]]:
    excluded: set[str] = getattr(obj, "__audit_exclude__", set())
    return [c for c in sa.inspect(obj).mapper.columns if c.key not in excluded]


def _snapshot(obj: Any) -> dict[str, Any]:
    return {c.key: _plain(getattr(obj, c.key)) for c in _columns(obj)}


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = sa.inspect(obj)
    before, after = {}, {}
    for column in _columns(obj):
        history = state.attrs[column.key].history
        if history.has_changes() and column.key != "updated_at":
            before[column.key] = _plain(history.deleted[0]) if history.deleted else None
            after[column.key] = _plain(history.added[0]) if history.added else None
    return before, after


def _object_id(obj: Any) -> str:
    # The identity key is not set yet for new rows inside after_flush; the primary key values are.
    key = sa.inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _capture_changes(session: Session, flush_context: UOWTransaction) -> None:
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            rows.append(
                audit_row("create", object_type=type(obj).__name__, object_id=_object_id(obj), after=_snapshot(obj))
            )
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                rows.append(
                    audit_row(
                        "update", object_type=type(obj).__name__, object_id=_object_id(obj), before=before, after=after
                    )
                )
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            rows.append(
                audit_row("delete", object_type=type(obj).__name__, object_id=_object_id(obj), before=_snapshot(obj))
            )
    if rows:
        session.connection().execute(sa.insert(AuditEvent), rows)


# What core's own events are called (areas name theirs with ``areas(app).add_audit_names``).
CORE_ACTIONS = {
    "create": _l("Skapade"),
    "update": _l("Ändrade"),
    "delete": _l("Tog bort"),
    "forbidden": _l("Nekades åtkomst"),
    "csrf_failure": _l("Formulär utan giltig säkerhetstoken"),
}


def init_audit() -> None:
    """Listen to every flush of the Flask-SQLAlchemy session class (once per process)."""
    session_class = db.session.session_factory.class_
    if not sa.event.contains(session_class, "after_flush", _capture_changes):
        sa.event.listen(session_class, "after_flush", _capture_changes)
