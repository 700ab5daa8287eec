"""Background jobs: long work (imports, training, exports of everything) is queued by a request or a command
and done by ``flask --app app worker``, never inside a web request. The browser follows a job's progress.

An area registers what a kind of job does with ``areas(app).add_job(kind, JobKind(...))``, and queues one with
``enqueue(kind=..., params=..., payload=...)`` in the transaction of the request that asks for it. A worker
claims one queued job at a time (no two workers get the same one), runs it with the app's context, and
records the result; a worker that dies mid-job stops beating its heart, and the next worker to look puts the
job back in the queue (at most ``MAX_ATTEMPTS`` tries in all). Several workers, on several hosts, may run.

A job's own writes and its final status are committed together, so a job is never half done: its progress
(``JobContext.progress``) is committed as it goes, while the job is still only reading.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.models import Job

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
HEARTBEAT_EVERY = timedelta(seconds=20)
STALE_AFTER = timedelta(minutes=2)  # a running job whose heart has not beaten for this long has lost its worker
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class JobContext:
    """What a running job sees: its parameters and file, and a way to report how far it has come."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.params: dict[str, Any] = dict(job.params or {})
        self.payload: bytes = job.payload or b""
        self.payload_name = job.payload_name
        self.file: tuple[str, bytes] | None = None

    def deliver(self, filename: str, data: bytes) -> None:
        """The file the job made (an export): its starter downloads it from the job's page once it is done."""
        self.file = (filename, data)

    def progress(self, done: int, total: int, stage: str | None = None) -> None:
        """Record progress and commit it (call it only while the job has written nothing of its own)."""
        self.job.progress_done, self.job.progress_total = done, total
        if stage is not None:
            self.job.stage = stage[:200]
        db.session.commit()


@dataclass(frozen=True)
class JobKind:
    """What one kind of job does (``run`` returns the result, kept as JSON), what it is called, and the
    template that shows its result on the job's page, done or failed: it gets ``job``, ``result`` and what
    ``result_context`` makes of the result (the rows it names, say)."""

    run: Callable[[JobContext], dict[str, Any]]
    title: Any
    result_template: str | None = None
    result_context: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def context_for(self, job: Job) -> dict[str, Any]:
        """What the result template needs for this job."""
        result = job.result or {}
        return {"result": result, **(self.result_context(result) if self.result_context and result else {})}


def enqueue(
    *,
    kind: str,
    params: dict[str, Any] | None = None,
    payload: bytes | None = None,
    payload_name: str = "",
    actor: Any = None,
) -> Job:
    """Queue a job in the current transaction (it starts once that commits)."""
    job = Job(
        kind=kind,
        params=params or {},
        payload=payload,
        payload_name=payload_name[:255],
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(job)
    db.session.flush()
    return job


def worker_name() -> str:
    """This process, as recorded on the jobs it claims."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _requeue_stale() -> None:
    """Jobs whose worker died: back to the queue, or failed once they have had every try."""
    stale = sa.and_(Job.status == RUNNING, Job.heartbeat_at < utcnow() - STALE_AFTER)
    db.session.execute(
        sa.update(Job)
        .where(stale, Job.attempts >= MAX_ATTEMPTS)
        .values(status=FAILED, finished_at=utcnow(), error="Arbetet avbröts för många gånger.", payload=None)
    )
    db.session.execute(sa.update(Job).where(stale).values(status=QUEUED, claimed_by=None))
    db.session.commit()


def _claim(worker: str) -> int | None:
    """Take the oldest queued job; the status condition makes the claim atomic between workers."""
    for job_id in db.session.scalars(sa.select(Job.id).where(Job.status == QUEUED).order_by(Job.id).limit(5)):
        claimed = db.session.execute(
            sa.update(Job)
            .where(Job.id == job_id, Job.status == QUEUED)
            .values(
                status=RUNNING,
                claimed_by=worker,
                started_at=utcnow(),
                heartbeat_at=utcnow(),
                attempts=Job.attempts + 1,
            )
        )
        db.session.commit()
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return job_id
    return None


@contextmanager
def _heartbeat(job_id: int, worker: str) -> Iterator[None]:
    """Beat the job's heart from a thread of its own (its own connection) while the job runs."""
    stop = threading.Event()
    engine = db.engine  # taken here, in the app's context: the thread has none

    def beat() -> None:
        while not stop.wait(HEARTBEAT_EVERY.total_seconds()):
            try:
                with engine.begin() as connection:
                    connection.execute(
                        sa.update(Job).where(Job.id == job_id, Job.claimed_by == worker).values(heartbeat_at=utcnow())
                    )
            except SQLAlchemyError:  # the job's own transaction may hold SQLite's lock: beat again later
                log.debug("heartbeat of job %s skipped", job_id)

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _fail(job_id: int, message: str, details: dict[str, Any] | None = None) -> None:
    db.session.rollback()
    db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id)
        .values(status=FAILED, finished_at=utcnow(), error=message, result=details, payload=None, stage="")
    )
    db.session.commit()


def run_next_job(app: Flask, *, worker: str, heartbeat: bool = True) -> int | None:
    """Claim and run one queued job (in the app's context); return its id, or None when the queue is empty."""
    from blueprints.core.registry import areas

    with app.app_context():
        _requeue_stale()
        job_id = _claim(worker)
        if job_id is None:
            return None
        job = db.session.get_one(Job, job_id)
        kind_name = job.kind  # read now: after a failed flush the session cannot load it
        kind = areas(app).jobs.get(kind_name)
        if kind is None:
            _fail(job_id, f"Okänt slags arbete: {kind_name}")
            return job_id
        context = JobContext(job)
        try:
            with _heartbeat(job_id, worker) if heartbeat else _no_heartbeat():
                result = kind.run(context)
        except DomainError as error:
            _fail(job_id, error.message, error.details)
        except Exception:
            log.exception("job %s (%s) failed", job_id, kind_name)
            _fail(job_id, "Ett oväntat fel inträffade. Felet är loggat.")
        else:
            job.status, job.result, job.finished_at = DONE, result, utcnow()
            job.payload, job.stage, job.progress_done = None, "", job.progress_total
            if context.file is not None:  # kept for download until the job is purged
                job.payload_name, job.payload = context.file
            db.session.commit()
        finally:
            db.session.remove()
        return job_id


@contextmanager
def _no_heartbeat() -> Iterator[None]:
    yield


def run_worker(
    app: Flask, *, once: bool = False, sleep: float = 2.0, stop: threading.Event | None = None, tasks: bool = True
) -> int:
    """Run jobs until stopped (``once``: until the queue is empty), and between them the scheduled tasks that
    are due (``core.schedule``; not with ``tasks=False``); return how many jobs were run."""
    from blueprints.core.schedule import run_due_tasks

    worker, done = worker_name(), 0
    stop = stop or threading.Event()
    while not stop.is_set():
        if tasks:
            for outcome in run_due_tasks(app, runner=worker):
                log.info("task %s", outcome)
        if run_next_job(app, worker=worker) is not None:
            done += 1
            continue
        if once:
            break
        stop.wait(sleep)
    return done
