"""The README's "Running in production", followed from scratch: a new database migrated, the first administrator
created from the command line, gunicorn started with the repository's gunicorn.conf.py and the example
environment, the worker delivering mail, metrics scraped with the token; reloading and stopping gunicorn under
load (no request that reached it fails); and the restore drill on PostgreSQL."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import PROJECT_ROOT, csrf_token_from, free_port

pytestmark = [pytest.mark.commits, pytest.mark.slow]
BIN = Path(sys.executable).parent
METRICS_TOKEN = "scraper-token-for-the-drill"


def _environment(database: str, tmp_path: Path, port: int, mail_port: int = 1) -> dict[str, str]:
    """deploy/kopkraft.env.example with this run's database, folders, ports and secrets."""
    example = (PROJECT_ROOT / "deploy" / "kopkraft.env.example").read_text(encoding="utf-8").splitlines()
    settings = dict(line.split("=", 1) for line in example if line and not line.startswith("#"))
    settings.update(
        DATABASE_URL=database,
        SECRET_KEY="a-secret-key-for-the-production-drill-0123456789",
        BASE_URL=f"http://127.0.0.1:{port}",
        BIND=f"127.0.0.1:{port}",
        UPLOAD_DIR=str(tmp_path / "uploads"),
        MATCHING_DIR=str(tmp_path / "matching"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(mail_port),
        METRICS_TOKEN=METRICS_TOKEN,
        WEB_CONCURRENCY="2",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        ACCESS_LOG=str(tmp_path / "access.log"),
        SESSION_COOKIE_SECURE="0",  # plain HTTP on loopback here; nginx terminates TLS in production
    )
    return {**os.environ, **settings}


def _flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )


def _serve(env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], cwd=PROJECT_ROOT, env=env)
    base = env["BASE_URL"]
    for _ in range(300):
        try:
            if requests.get(base + "/readyz", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.kill()
    pytest.fail("gunicorn did not become ready")


@pytest.mark.one_database  # production's database is PostgreSQL; the steps are the same on SQLite
def test_the_production_steps_from_scratch(app, fresh_database_url, smtp, tmp_path):
    port = free_port()
    env = _environment(fresh_database_url, tmp_path, port, smtp.port)
    assert _flask(env, "db", "upgrade").returncode == 0  # seed-demo refuses with KOPKRAFT_ENV: test_create_admin
    created = _flask(env, "create-admin", "drift@myndigheten.se", "--name", "Dana Drift", "--link")
    assert created.returncode == 0, created.stderr
    link = re.search(r"http://\S+", created.stdout).group(0)
    server = _serve(env)
    try:
        browser = requests.Session()
        token = csrf_token_from(browser.get(link).text)
        password = "ett långt lösenord för drift"
        chosen = browser.post(link, data={"csrf_token": token, "password": password, "confirm": password})
        assert chosen.status_code == 200 and chosen.url.endswith("/login"), chosen.text[:300]
        signed_in = browser.post(
            chosen.url,
            data={"csrf_token": csrf_token_from(chosen.text), "email": "drift@myndigheten.se", "password": password},
        )
        assert signed_in.url == env["BASE_URL"] + "/", signed_in.text[:300]
        operations = browser.get(env["BASE_URL"] + "/admin/drift")
        assert operations.status_code == 200 and "Schemalagda uppgifter" in operations.text
        assert re.fullmatch(r"[0-9a-f]{32}", operations.headers["X-Request-ID"])
        worker = _flask(env, "worker", "--once")
        assert worker.returncode == 0, worker.stderr
        assert [message["To"] for message in smtp.messages] == ["drift@myndigheten.se"]
        scraped = requests.get(
            env["BASE_URL"] + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
        )
        assert 'kopkraft_http_requests_total{endpoint="admin.operations",method="GET",status="200"} 1.0' in scraped.text
        assert 'kopkraft_outbox_emails{status="sent"} 1.0' in scraped.text
    finally:
        server.terminate()
        server.wait(timeout=60)
    access_log = (tmp_path / "access.log").read_text(encoding="utf-8")
    assert f'request_id={operations.headers["X-Request-ID"]} method=GET path="/admin/drift"' in access_log


def _load(base: str, stop: threading.Event, outcomes: list[tuple[float, str]]) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            response = requests.get(base + "/login", timeout=30)
            outcome = str(response.status_code) if "Logga in" in response.text else f"{response.status_code} cut"
        except requests.ConnectionError as error:
            outcome = "refused" if "refused" in str(error).lower() else f"failed: {error}"
            time.sleep(0.05)
        outcomes.append((started, outcome))


@pytest.mark.one_database
def test_a_reload_then_a_stop_under_load_fail_no_request_that_reached_gunicorn(app, database_url, tmp_path):
    """A reload (SIGHUP: new workers) fails no request at all; a stop (SIGTERM) lets every request that had
    reached gunicorn finish, and refuses the connections that come after (never a cut answer or a 5xx)."""
    env = _environment(database_url, tmp_path, free_port())
    server = _serve(env)
    stop, outcomes = threading.Event(), []
    clients = [threading.Thread(target=_load, args=(env["BASE_URL"], stop, outcomes)) for _ in range(16)]
    for client in clients:
        client.start()
    time.sleep(0.5)
    server.send_signal(signal.SIGHUP)
    time.sleep(2)
    stopped_at = time.monotonic()
    server.send_signal(signal.SIGTERM)
    time.sleep(2)
    stop.set()
    for client in clients:
        client.join(timeout=60)
    assert server.wait(timeout=60) == 0
    before = [outcome for started, outcome in outcomes if started < stopped_at]
    after = [outcome for started, outcome in outcomes if started >= stopped_at]
    print(f"under load: {len(before)} requests through the reload, {len(after)} after the stop: {sorted(set(after))}")
    assert len(before) > 100 and set(before) == {"200"}
    assert set(after) <= {"200", "refused"}


@pytest.fixture
def drill_database(database_url: str) -> Iterator[str]:
    """A PostgreSQL database of its own (the drill dumps and restores a whole database)."""
    server = database_url.split("?")[0].rsplit("/", 1)[0]
    name = f"drill_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield f"{server}/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgresql_only  # pg_dump and pg_restore (SQLite's backup is a copy of its file)
def test_the_restore_drill_restores_rows_and_documents_and_holds_waiting_mail(app, drill_database, tmp_path):
    from app import create_app
    from tests.conftest import base_config, create_organisation, create_user
    from tests.support.conftest import PDF
    from tests.support.test_requests import _submit

    env = _environment(drill_database.replace("+psycopg", ""), tmp_path, free_port())
    assert _flask(env, "db", "upgrade").returncode == 0
    served = create_app(base_config(drill_database, UPLOAD_DIR=env["UPLOAD_DIR"]))
    organisation = create_organisation(served, org_number="2120001355")
    create_user(served, "buyer@example.org", ("buyer",), organisation)
    client = served.test_client()
    from tests.conftest import Auth

    Auth(client).login("buyer@example.org")
    assert _submit(client, files=[("behov.pdf", PDF)]).status_code == 303
    with served.app_context():
        from blueprints.core.db import db

        db.engine.dispose()
    drill = subprocess.run(
        ["bash", "deploy/restore-drill.sh"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "the same rows in each" in drill.stdout
    assert "held 1 e-mails" in drill.stdout  # the request's confirmation, still waiting in the backup
    assert "1 documents, 0 with a missing or changed file" in drill.stdout
    assert drill.stdout.rstrip().endswith("restore drill passed")
