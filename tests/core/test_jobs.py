"""Background jobs: one worker gets each job, a job's writes land with its status or not at all, a job whose
worker died goes back to the queue (a few times, then fails), and ``flask worker --once`` empties the queue."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.jobs import MAX_ATTEMPTS, JobKind, enqueue, run_next_job
from blueprints.core.models import Job
from blueprints.core.registry import areas
from blueprints.organisations.models import Organisation


def _add_organisation(context):
    """A job that writes, reports progress, then succeeds or fails as its parameters say."""
    number = context.params.get("org_number", "2120001132")
    db.session.add(Organisation(name=context.params["name"], org_number=number, kind="kommun"))
    db.session.flush()
    if context.params.get("fail") == "domain":
        raise DomainError("Rad 3 saknar titel.", details={"refused": [[3, "titeln saknas", {}]]})
    if context.params.get("fail") == "crash":
        raise RuntimeError("secret internals")
    return {"name": context.params["name"]}


@pytest.fixture
def test_job(app):
    registry = areas(app)
    registry.add_job("test.organisation", JobKind(_add_organisation, "Test"))
    yield "test.organisation"
    del registry.jobs["test.organisation"]


def _queue(app, **params):
    with app.app_context():
        job = enqueue(kind="test.organisation", params=params)
        db.session.commit()
        return job.id


def _job(app, job_id):
    with app.app_context():
        return db.session.get(Job, job_id)


def _organisations(app):
    with app.app_context():
        return db.session.scalars(sa.select(Organisation.name)).all()


def test_a_job_runs_once_and_keeps_its_result(app, test_job):
    job_id = _queue(app, name="Lunds kommun")
    assert run_next_job(app, worker="w1", heartbeat=False) == job_id
    assert run_next_job(app, worker="w2", heartbeat=False) is None  # nothing left for a second worker
    job = _job(app, job_id)
    assert (job.status, job.result, job.claimed_by, job.attempts) == ("done", {"name": "Lunds kommun"}, "w1", 1)
    assert _organisations(app) == ["Lunds kommun"]


def test_a_refused_job_stores_nothing_and_keeps_the_reason_and_details(app, test_job):
    job_id = _queue(app, name="Lunds kommun", fail="domain")
    run_next_job(app, worker="w1", heartbeat=False)
    job = _job(app, job_id)
    assert (job.status, job.error) == ("failed", "Rad 3 saknar titel.")
    assert job.result == {"refused": [[3, "titeln saknas", {}]]}
    assert _organisations(app) == []


def test_an_unexpected_error_is_logged_not_shown(app, test_job, caplog):
    job_id = _queue(app, name="Lunds kommun", fail="crash")
    run_next_job(app, worker="w1", heartbeat=False)
    job = _job(app, job_id)
    assert job.status == "failed" and job.error == "Ett oväntat fel inträffade. Felet är loggat."
    assert "secret internals" in caplog.text and _organisations(app) == []


def test_a_job_whose_worker_died_is_tried_again_then_given_up(app, test_job, pinned_clock):
    job_id = _queue(app, name="Lunds kommun")
    with app.app_context():
        db.session.execute(
            sa.update(Job).values(status="running", claimed_by="dead", heartbeat_at=utcnow(), attempts=1)
        )
        db.session.commit()
    assert run_next_job(app, worker="w2", heartbeat=False) is None  # its heart beat a moment ago: still running
    pinned_clock.shift(timedelta(minutes=3))
    assert run_next_job(app, worker="w2", heartbeat=False) == job_id
    assert _job(app, job_id).status == "done" and _job(app, job_id).attempts == 2

    lost = _queue(app, name="Region Skåne")
    with app.app_context():
        db.session.execute(
            sa.update(Job)
            .where(Job.id == lost)
            .values(status="running", claimed_by="dead", heartbeat_at=utcnow(), attempts=MAX_ATTEMPTS)
        )
        db.session.commit()
    pinned_clock.shift(timedelta(minutes=3))
    assert run_next_job(app, worker="w2", heartbeat=False) is None
    assert (_job(app, lost).status, _job(app, lost).error) == ("failed", "Arbetet avbröts för många gånger.")


def test_a_job_broken_by_the_database_fails_and_the_next_one_runs(app, test_job):
    _queue(app, name="Lunds kommun")
    duplicate = _queue(app, name="Lund igen")  # the same organisationsnummer: the database refuses it
    third = _queue(app, name="Region Skåne", org_number="2321000255")
    for _ in range(3):
        run_next_job(app, worker="w1", heartbeat=False)
    assert _job(app, duplicate).status == "failed" and _job(app, third).status == "done"
    assert sorted(_organisations(app)) == ["Lunds kommun", "Region Skåne"]


def test_an_unknown_kind_of_job_fails_with_its_name(app):
    with app.app_context():
        job = enqueue(kind="nothing.known")
        db.session.commit()
        job_id = job.id
    run_next_job(app, worker="w1", heartbeat=False)
    assert _job(app, job_id).error == "Okänt slags arbete: nothing.known"


def test_the_worker_command_empties_the_queue(app, test_job):
    first, second = _queue(app, name="Lunds kommun"), _queue(app, name="Region Skåne", org_number="2321000255")
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "2 jobs run" in result.output
    assert {_job(app, first).status, _job(app, second).status} == {"done"}
    assert sorted(_organisations(app)) == ["Lunds kommun", "Region Skåne"]


@pytest.mark.commits
def test_a_long_job_beats_its_heart_from_its_own_thread(app, monkeypatch):
    """The heartbeat thread has no app context of its own (it once died on the first beat, so a job longer
    than two minutes would have been taken for one whose worker died)."""
    import threading
    import time

    from blueprints.core import jobs

    def slow(context):
        time.sleep(0.6)  # several beats at the interval set below
        return {}

    registry = areas(app)
    registry.add_job("test.slow", JobKind(slow, "Slow"))
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", timedelta(seconds=0.1))
    failures: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda hook: failures.append(hook.exc_value))
    with app.app_context():
        job = enqueue(kind="test.slow")
        db.session.commit()
        job_id = job.id
        claimed_at = utcnow()
    try:
        assert run_next_job(app, worker="w1") == job_id
    finally:
        del registry.jobs["test.slow"]
    job = _job(app, job_id)
    assert failures == []
    assert job.status == "done" and job.heartbeat_at > claimed_at + timedelta(seconds=0.3)
