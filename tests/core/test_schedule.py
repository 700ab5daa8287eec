"""Scheduled tasks: the worker runs each registered task when it is due, on one host at a time; cron may run
them instead (``flask --app app tasks run``); a runner that dies holds a task only until its lease ends."""

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blueprints.core.db import db, utcnow
from blueprints.core.jobs import run_worker
from blueprints.core.models import ScheduledTask
from blueprints.core.registry import areas
from blueprints.core.schedule import Task, run_due_tasks, run_task
from tests.conftest import queue_reset_email

RUNS: list[str] = []


def _count_a_run() -> str:
    RUNS.append("ran")
    time.sleep(0.2)  # long enough for a second runner to try meanwhile
    return f"run {len(RUNS)}"


@pytest.fixture
def counting_task(app):
    RUNS.clear()
    task = Task("test.count", _count_a_run, every=timedelta(minutes=5), lease=timedelta(minutes=1))
    areas(app).add_task(task)
    yield task
    del areas(app).tasks["test.count"]


def _row(app, name):
    with app.app_context():
        row = db.session.get(ScheduledTask, name)
        return None if row is None else (row.locked_by, row.last_result, row.last_error)


def test_every_area_registers_its_tasks(app):
    assert set(areas(app).tasks) >= {
        "outbox",
        "reminders",
        "purge.core",
        "purge.accounts",
        "purge.challenge-uploads",
        "purge.documents",
    }


def test_a_task_runs_when_due_and_not_again_before_its_time(app, counting_task, pinned_clock):
    assert run_task(app, counting_task, runner="host-a") == "test.count: run 1"
    assert _row(app, "test.count") == (None, "run 1", None)
    assert run_task(app, counting_task, runner="host-b") is None  # ran a moment ago
    pinned_clock.shift(timedelta(minutes=5))
    assert run_task(app, counting_task, runner="host-b") == "test.count: run 2"
    assert run_task(app, counting_task, runner="host-a", due_only=False) == "test.count: run 3"


@pytest.mark.commits  # the runners are threads, each with its own connection
def test_two_hosts_at_the_same_moment_run_a_task_once(app, counting_task):
    outcomes = []

    def host(name):
        outcomes.append(run_task(app, counting_task, runner=name, due_only=False))

    threads = [threading.Thread(target=host, args=(f"host-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert RUNS == ["ran"]
    assert sorted(outcomes, key=str) == [None, None, None, "test.count: run 1"]


def test_a_runner_that_died_holds_its_task_only_until_the_lease_ends(app, counting_task, pinned_clock):
    with app.app_context():
        db.session.add(
            ScheduledTask(name="test.count", locked_by="dead-host", locked_until=utcnow() + timedelta(minutes=1))
        )
        db.session.commit()
    assert run_task(app, counting_task, runner="host-a", due_only=False) is None
    pinned_clock.shift(timedelta(minutes=1, seconds=1))
    assert run_task(app, counting_task, runner="host-a", due_only=False) == "test.count: run 1"


def test_a_failing_task_records_its_error_and_is_free_again(app, pinned_clock):
    def broken() -> str:
        raise RuntimeError("disk on fire")

    task = Task("test.broken", broken, every=timedelta(minutes=1))
    areas(app).add_task(task)
    try:
        assert run_task(app, task, runner="host-a") == "test.broken: failed (RuntimeError)"
        assert _row(app, "test.broken") == (None, None, "RuntimeError: disk on fire")
        pinned_clock.shift(timedelta(minutes=1))
        assert run_task(app, task, runner="host-a") == "test.broken: failed (RuntimeError)"
    finally:
        del areas(app).tasks["test.broken"]


def test_the_worker_delivers_the_outbox_without_cron(app, smtp):
    with app.test_request_context():
        queue_reset_email("person@example.org")
        db.session.commit()
    run_worker(app, once=True)
    assert [m["To"] for m in smtp.messages] == ["person@example.org"]
    assert _row(app, "outbox")[1] == "sent 1, retry 0, failed 0, unsure 0"
    assert run_due_tasks(app, runner="again") == []  # nothing is due a moment later


def test_the_worker_leaves_tasks_to_cron_when_told(app, smtp):
    with app.test_request_context():
        queue_reset_email("person@example.org")
        db.session.commit()
    run_worker(app, once=True, tasks=False)
    assert smtp.messages == []


def test_cron_runs_tasks_by_name_and_lists_them(app, smtp):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tasks", "run", "outbox", "purge.core"])
    assert result.exit_code == 0, result.output
    assert "outbox: sent 0" in result.output and "purge.core: deleted 0 sent" in result.output
    again = runner.invoke(args=["tasks", "run", "outbox"])
    assert "outbox: not due, or running elsewhere" in again.output
    listing = runner.invoke(args=["tasks", "list"]).output
    assert "outbox  every 0:01:00  last 2026-09-08" in listing and "reminders  every 0:01:00  never run" in listing
    unknown = runner.invoke(args=["tasks", "run", "no-such-task"])
    assert unknown.exit_code == 2 and "unknown task no-such-task" in unknown.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduledTask)) == 2
