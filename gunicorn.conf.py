"""gunicorn settings for Köpkraft in production: ``gunicorn -c gunicorn.conf.py`` (see the README).

The app is loaded once in the master process (``preload_app``), which also builds the matching index from the
database before it starts any worker (``when_ready``) and brings it up to date before each new worker
(``pre_fork``). The workers are forked from it and share that memory, so the first matching request after a
restart finds the index ready, and no request waits for a build. Settings can be overridden with gunicorn's
own environment variable ``GUNICORN_CMD_ARGS`` or the ones read below.
"""

import errno
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from gunicorn.workers.sync import SyncWorker

# Every worker counts its requests in files here, added up at /metrics (prometheus_client's multi-process
# mode); set before the app is loaded, emptied when the master starts.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kopkraft-metrics-")

wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two workers per core, each answering one request at a time (behind a reverse proxy that buffers slow
# clients). Threads (WEB_THREADS > 1) add concurrency per worker but make each request wait for the others'
# Python work: with 16 clients on 2 workers, 4 threads each tripled the time pages took inside the app.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("WEB_THREADS", "1"))


DRAIN_SECONDS = 10  # within graceful_timeout


class DrainingSyncWorker(SyncWorker):
    """gunicorn's sync worker that, told to stop (SIGTERM, or a reload's replacement), first answers the
    connections already waiting in the listen queue (for at most DRAIN_SECONDS: under steady load the queue is
    never empty), then closes its copy of the socket and stops. The plain one stops after the request at hand,
    and the connections queued behind it are reset when the last worker exits: most of the requests under way
    at a stop under load failed that way."""

    drain_until: float | None = None

    def handle_exit(self, sig: int, frame: Any) -> None:
        """Stop once the queue is empty (not at once)."""
        self.drain_until = time.monotonic() + DRAIN_SECONDS

    def accept(self, listener: Any) -> None:
        """Take the next waiting connection; while draining, an empty queue (or the drain's end) ends the
        worker's life."""
        if self.drain_until is not None and time.monotonic() > self.drain_until:
            self._stop_taking_connections()
            raise BlockingIOError(errno.EAGAIN, "drained")
        try:
            super().accept(listener)
        except BlockingIOError:
            if self.drain_until is not None:
                self._stop_taking_connections()
            raise

    def _stop_taking_connections(self) -> None:
        self.alive = False
        for listener in self.sockets:
            listener.close()  # once every copy is closed, a new connection is refused, not queued and reset

    def wait(self, timeout: float) -> Any:
        """Wait for a connection, unless stopping."""
        return [] if not self.alive else super().wait(timeout)


worker_class = DrainingSyncWorker if threads == 1 else "gthread"
# Every page answers within a second; 30 s is the longest anything may take before the worker is replaced.
# Long work (imports, training) runs in `flask --app app worker`, never in a request.
timeout = 30
graceful_timeout = 30  # SIGTERM: requests under way may finish for this long
keepalive = 5
preload_app = True
# Requests and headers of reasonable size only.
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("ACCESS_LOG", "-")
# One line per request, key=value, with the request id the app sends back (and logs its own lines with).
access_log_format = (
    'time=%(t)s request_id=%({x-request-id}o)s method=%(m)s path="%(U)s" query="%(q)s" status=%(s)s '
    'bytes=%(B)s duration_ms=%(M)s client=%({x-forwarded-for}i)s agent="%(a)s"'
)
errorlog = "-"


def _prepare_matching_index(server: Any) -> None:
    from blueprints.networks.index import prepare

    prepare(server.app.wsgi())


def when_ready(server: Any) -> None:
    """Before the first worker: build the matching index (a minute at 100,000 challenges)."""
    server.log.info("building the matching index")
    _prepare_matching_index(server)
    server.log.info("matching index ready")


def pre_fork(server: Any, worker: Any) -> None:
    """Before each worker (also one that replaces another): the index, fed what changed since."""
    _prepare_matching_index(server)


def on_starting(server: Any) -> None:
    """Start the metrics afresh: counts of an earlier run's workers do not belong to this one."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker that ended: its gauges no longer count (its counters stay in the totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
