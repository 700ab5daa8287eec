"""Scheduled tasks: work that comes round every so often (delivering the outbox, reminders, purges).

Areas register theirs with ``areas(app).add_task(Task(...))``; ``flask --app app worker`` runs those that are
due between jobs, and ``flask --app app tasks run`` runs them from cron instead. A task runs on one host at a
time, whatever runs it: its row in ``scheduled_task`` is claimed for a lease (a conditional UPDATE, atomic on
both databases) and given back when it ends; a runner that dies holds it only until the lease ends.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from blueprints.core.db import db, rows_changed, utcnow
from blueprints.core.models import ScheduledTask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    """Work ``run`` every ``every``; it returns a line saying what it did. ``lease`` is longer than any run."""

    name: str
    run: Callable[[], str]
    every: timedelta
    lease: timedelta = timedelta(minutes=30)


def _ensure_row(name: str) -> None:
    if db.session.get(ScheduledTask, name) is None:
        try:
            with db.session.begin_nested():
                db.session.add(ScheduledTask(name=name))
        except IntegrityError:
            pass  # another runner added it at the same moment
    db.session.commit()


def _claim(task: Task, runner: str, *, due_only: bool) -> bool:
    """Take the task for ``runner`` unless another holds it (or, with ``due_only``, it ran too recently)."""
    _ensure_row(task.name)
    now = utcnow()
    free = sa.or_(ScheduledTask.locked_until.is_(None), ScheduledTask.locked_until < now)
    condition = sa.and_(ScheduledTask.name == task.name, free)
    if due_only:
        due = sa.or_(ScheduledTask.last_started_at.is_(None), ScheduledTask.last_started_at <= now - task.every)
        condition = sa.and_(condition, due)
    claimed = rows_changed(
        sa.update(ScheduledTask)
        .where(condition)
        .values(locked_by=runner, locked_until=now + task.lease, last_started_at=now)
    )
    db.session.commit()
    return claimed == 1


def _release(task: Task, runner: str, *, result: str | None, error: str | None) -> None:
    db.session.rollback()
    rows_changed(
        sa.update(ScheduledTask)
        .where(ScheduledTask.name == task.name, ScheduledTask.locked_by == runner)
        .values(locked_by=None, locked_until=None, last_finished_at=utcnow(), last_result=result, last_error=error)
    )
    db.session.commit()


def run_task(app: Flask, task: Task, *, runner: str, due_only: bool = True) -> str | None:
    """Run ``task`` if this runner can claim it; return what it did, or None when it did not run."""
    with app.app_context():
        try:
            if not _claim(task, runner, due_only=due_only):
                return None
            try:
                result = task.run()
            except Exception as error:
                log.exception("scheduled task %s failed", task.name)
                _release(task, runner, result=None, error=f"{type(error).__name__}: {error}"[:2000])
                return f"{task.name}: failed ({type(error).__name__})"
            _release(task, runner, result=result[:2000], error=None)
            return f"{task.name}: {result}"
        finally:
            db.session.remove()


def run_due_tasks(app: Flask, *, runner: str) -> list[str]:
    """Run every registered task that is due and free; return what each that ran did."""
    from blueprints.core.registry import areas

    done = []
    for task in areas(app).tasks.values():
        outcome = run_task(app, task, runner=runner)
        if outcome is not None:
            done.append(outcome)
    return done
