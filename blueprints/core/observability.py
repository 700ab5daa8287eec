"""What operations see: a request id on every request (taken from the proxy's ``X-Request-ID`` or made here,
sent back in the response), log lines with time, level, request id and user (JSON in production, readable text
elsewhere), and Prometheus metrics: requests by route and status, their latency, and figures read from the
database when scraped (the outbox, the job queue, and whatever areas add with ``areas(app).add_gauge``).

Under gunicorn every worker counts its own requests; with ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn.conf.py
sets it) the counts of all workers are added up at ``/metrics``."""

import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context, request, request_started
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from pythonjsonlogger.json import JsonFormatter

from blueprints.core.db import db, utcnow
from blueprints.core.health import count_by_status
from blueprints.core.models import Job, OutboxEmail

REQUEST_ID_HEADER = "X-Request-ID"
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,100}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s user_id=%(user_id)s %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(method)s %(path)s"

REQUESTS = Counter("kopkraft_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "kopkraft_http_request_duration_seconds",
    "Time from the request's arrival in the app to its answer",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class RequestContext(logging.Filter):
    """Adds the request id, the signed-in user's id, the method and the path to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate the record (never drops one)."""
        inside = has_request_context()
        record.request_id = g.get("request_id", "-") if inside else "-"
        user = g.get("user") if inside else None
        record.user_id = getattr(user, "id", "-")
        record.method = request.method if inside else "-"
        record.path = request.path if inside else "-"
        return True


def _handler(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestContext())
    if log_format == "json":
        handler.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level"}))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.set_name("kopkraft")
    return handler


def init_logging(app: Flask) -> None:
    """One handler on the root logger (once per process), in the format ``LOG_FORMAT`` names (not under test:
    pytest collects the log records itself)."""
    root = logging.getLogger()
    if app.testing or any(handler.get_name() == "kopkraft" for handler in root.handlers):
        return
    root.addHandler(_handler(app.config["LOG_FORMAT"]))
    root.setLevel(app.config["LOG_LEVEL"])


def _assign_request_id(sender: Flask, **_extra: Any) -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if ACCEPTED_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _count_and_tag(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    endpoint = request.endpoint or "unmatched"
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    started = g.get("request_started")
    if started is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    return response


class DatabaseFigures(Collector):
    """Figures read from the database when /metrics is scraped: the outbox, the job queue, the areas' gauges."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One gauge family per figure."""
        from blueprints.core.registry import areas

        yield _by_status("kopkraft_outbox_emails", "E-mails in the outbox by status", OutboxEmail.status)
        yield _by_status("kopkraft_jobs", "Background jobs by status", Job.status)
        oldest = db.session.scalar(sa.select(sa.func.min(Job.created_at)).where(Job.status == "queued"))
        yield GaugeMetricFamily(
            "kopkraft_oldest_queued_job_seconds",
            "How long the oldest queued job has waited (0: none waits)",
            value=(utcnow() - oldest).total_seconds() if oldest else 0,
        )
        for gauge in areas(current_app).gauges:
            value = gauge.value()
            if value is not None:
                yield GaugeMetricFamily(gauge.name, gauge.help, value=value)


def _by_status(name: str, help: str, status: Any) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, help, labels=["status"])
    for value, count in count_by_status(status).items():
        family.add_metric([value], count)
    return family


def metrics_page() -> Response:
    """The Prometheus text of this process, or of every gunicorn worker when multi-process mode is on."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseFigures())
    return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4; charset=utf-8")


class _ThisProcess(Collector):
    def collect(self) -> Iterator[Any]:
        yield from REQUESTS.collect()
        yield from LATENCY.collect()


def init_observability(app: Flask) -> None:
    """Logging, request ids and request metrics for every request."""
    init_logging(app)
    # On request_started, before any before_request function (identifying the person reads the database, and
    # a failure there is logged with the request's id too).
    request_started.connect(_assign_request_id, app)
    app.after_request(_count_and_tag)
