"""Reads for the admin area: user search, the audit log, the outbox and the operations overview."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from blueprints.accounts.models import User, UserRole
from blueprints.core.args import date_arg, page_arg
from blueprints.core.db import contains_words, db, paginate
from blueprints.core.formatting import STOCKHOLM, escape_like
from blueprints.core.health import count_by_status, database_problem, storage_problem
from blueprints.core.models import (
    EMAIL_STATUS_LABELS,
    JOB_STATUS_LABELS,
    AuditEvent,
    Job,
    OutboxEmail,
    ScheduledTask,
)
from blueprints.core.registry import areas
from blueprints.core.roles import ROLES
from blueprints.vocabulary.models import NeedArea

PER_PAGE = 25


def search_users(args: dict[str, str]) -> tuple[Pagination, dict[str, str]]:
    """Users matching ?q=, ?role= and ?status=, in Swedish order; returns the page and the clean filter."""
    q = args.get("q", "").strip()[:100]
    role = args.get("role", "") if args.get("role") in ROLES else ""
    status = args.get("status", "") if args.get("status") in {"active", "inactive", "invited"} else ""
    query = sa.select(User)
    query = query.where(*contains_words(User.search_text, q))
    if role:
        query = query.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    if status == "active":
        query = query.where(User.is_active, User.password_hash.is_not(None))
    elif status == "inactive":
        query = query.where(~User.is_active)
    elif status == "invited":
        query = query.where(User.is_active, User.password_hash.is_(None))
    query = query.order_by(User.sort_key, User.id).options(sa.orm.joinedload(User.organisation))
    page = paginate(query, page=page_arg(args.get("page")), per_page=PER_PAGE)
    return page, _non_empty({"q": q, "role": role, "status": status})


def _non_empty(values: dict[str, str]) -> dict[str, str]:
    """Filter values worth keeping in a URL."""
    return {key: value for key, value in values.items() if value}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=STOCKHOLM)


def search_audit(args: dict[str, str]) -> tuple[Pagination, dict[str, str]]:
    """Audit events filtered by action, object type, actor and dates (Swedish days), newest first."""
    action = args.get("action", "").strip()[:40]
    object_type = args.get("object_type", "").strip()[:60]
    actor = args.get("actor", "").strip()[:254]
    date_from, date_to = date_arg(args.get("from")), date_arg(args.get("to"))
    query = sa.select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if actor:
        query = query.where(AuditEvent.actor_email.like(f"%{escape_like(actor.lower())}%", escape="\\"))
    if date_from:
        query = query.where(AuditEvent.at >= _day_start(date_from))
    if date_to:
        query = query.where(AuditEvent.at < _day_start(date_to + timedelta(days=1)))
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    page = paginate(query, page=page_arg(args.get("page")), per_page=PER_PAGE)
    clean = {
        "action": action,
        "object_type": object_type,
        "actor": actor,
        "from": date_from.isoformat() if date_from else "",
        "to": date_to.isoformat() if date_to else "",
    }
    return page, _non_empty(clean)


def audit_facets() -> tuple[list[str], list[str]]:
    """The actions and object types that occur, for the filter lists."""
    actions = db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    types = db.session.scalars(
        sa.select(AuditEvent.object_type)
        .where(AuditEvent.object_type.is_not(None))
        .distinct()
        .order_by(AuditEvent.object_type)
    ).all()
    return list(actions), [t for t in types if t]


def undelivered_emails(args: Mapping[str, str]) -> Pagination:
    """One page (?page=) of the e-mails not yet delivered, those waiting for an admin first."""
    query = (
        sa.select(OutboxEmail)
        .where(OutboxEmail.status != "sent")
        .order_by(sa.case((OutboxEmail.status.in_(("failed", "held", "unsure")), 0), else_=1), OutboxEmail.id)
    )
    return paginate(query, page=page_arg(args.get("page")), per_page=50)


def delivered_emails(*, limit: int = 50) -> list[OutboxEmail]:
    """The latest e-mails delivered, newest first."""
    query = sa.select(OutboxEmail).where(OutboxEmail.status == "sent").order_by(OutboxEmail.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def all_need_areas() -> list[NeedArea]:
    """Every need area, those in use first, in Swedish order."""
    return list(db.session.scalars(sa.select(NeedArea).order_by(NeedArea.is_retired, NeedArea.sort_key)))


@dataclass(frozen=True)
class TaskState:
    """A scheduled task as the operations page shows it: how often, its last run, and who runs it now."""

    name: str
    every: timedelta
    row: ScheduledTask | None


@dataclass(frozen=True)
class Operations:
    """What the admins' operations page shows."""

    database: str | None
    storage: str | None
    tasks: list[TaskState]
    emails: dict[str, int]
    jobs: dict[str, int]
    oldest_queued_job: datetime | None
    gauges: list[tuple[str, float | None]]


def operations_overview() -> Operations:
    """Readiness, the scheduled tasks, the outbox and the job queue, and the areas' figures."""
    registered = areas().tasks
    rows = {row.name: row for row in db.session.scalars(sa.select(ScheduledTask))}
    return Operations(
        database=database_problem(),
        storage=storage_problem(),
        tasks=[TaskState(name, task.every, rows.get(name)) for name, task in registered.items()],
        emails={str(EMAIL_STATUS_LABELS[s]): n for s, n in count_by_status(OutboxEmail.status).items()},
        jobs={str(JOB_STATUS_LABELS[s]): n for s, n in count_by_status(Job.status).items()},
        oldest_queued_job=db.session.scalar(sa.select(sa.func.min(Job.created_at)).where(Job.status == "queued")),
        gauges=[(gauge.help, gauge.value()) for gauge in areas().gauges],
    )
