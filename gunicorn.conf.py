"""gunicorn settings for Köpkraft in production: ``gunicorn -c gunicorn.conf.py`` (see the README).

The app is loaded once in the master process (``preload_app``), which also builds the matching index from the
database before it starts any worker (``when_ready``) and brings it up to date before each new worker
(``pre_fork``). The workers are forked from it and share that memory, so the first matching request after a
restart finds the index ready, and no request waits for a build. Settings can be overridden with gunicorn's
own environment variable ``GUNICORN_CMD_ARGS`` or the ones read below.
"""

import os
from typing import Any

wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two workers per core, each answering one request at a time (behind a reverse proxy that buffers slow
# clients). Threads (WEB_THREADS > 1) add concurrency per worker but make each request wait for the others'
# Python work: with 16 clients on 2 workers, 4 threads each tripled the time pages took inside the app.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "sync" if threads == 1 else "gthread"
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
