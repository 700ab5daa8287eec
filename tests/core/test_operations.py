"""What operations rely on: a request id on every answer and in the logs, 503 with Retry-After (and what the
person typed kept) while the database is away, readiness that checks the database and the upload folder, and
the metrics page behind its token."""

import json
import logging
import re

import pytest

from tests.conftest import base_config, csrf_token_from, free_port, page_text


@pytest.fixture
def app_without_database(tmp_path):
    """The app pointed at a PostgreSQL address where nothing listens: the database is away."""
    from app import create_app

    url = f"postgresql+psycopg://kopkraft@127.0.0.1:{free_port()}/kopkraft?connect_timeout=2"
    return create_app(base_config(url, UPLOAD_DIR=str(tmp_path)))


def test_pages_answer_503_with_retry_after_while_the_database_is_away(app_without_database):
    client = app_without_database.test_client()
    assert client.get("/login").status_code == 200  # a page that needs no database still works
    from blueprints.accounts.identify import SESSION_KEY

    with client.session_transaction() as cookie:
        cookie[SESSION_KEY] = "a-session-key-the-database-would-know"  # someone signed in
    for path in ("/", "/stod/", "/utmaningar/"):
        page = client.get(path)
        assert page.status_code == 503, path
        assert page.headers["Retry-After"] == "30"
        assert "Köpkraft når inte sin databas just nu." in page_text(page.get_data(as_text=True))
    partial = client.get("/utmaningar/", headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    assert partial.status_code == 503 and 'role="alert"' in partial.get_data(as_text=True)
    api = client.get("/api/v1/discovery?cpv=60130000", headers={"Authorization": "Bearer some-token"})
    assert api.status_code == 503 and api.get_json()["error"].startswith("Köpkraft når inte sin databas")
    assert client.get("/healthz").status_code == 200  # the process itself is alive
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["database"].startswith("unreachable")


def test_a_form_sent_while_the_database_is_away_is_offered_to_send_again(app_without_database):
    client = app_without_database.test_client()
    app_without_database.config["WTF_CSRF_ENABLED"] = False
    response = client.post(
        "/login", data={"email": "bengt@kommun.se", "password": "hemligt lösenord", "csrf_token": "abc"}
    )
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert 'name="email" value="bengt@kommun.se"' in html
    assert "hemligt lösenord" not in html  # a password is never written into a page
    assert csrf_token_from(html) == "abc"
    assert "Skicka igen" in page_text(html)


def test_every_answer_carries_a_request_id_and_the_log_lines_name_it(app, client, caplog):
    from flask import request_started

    from blueprints.core.observability import RequestContext

    first = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and client.get("/healthz").headers["X-Request-ID"] != first
    given = client.get("/healthz", headers={"X-Request-ID": "nginx-4f9a0c2e"}).headers["X-Request-ID"]
    assert given == "nginx-4f9a0c2e"
    odd = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", odd)
    with app.test_request_context("/stod/", headers={"X-Request-ID": "trace-123456"}):
        request_started.send(app)  # as Flask does when a request arrives
        app.preprocess_request()
        record = logging.LogRecord("kopkraft.test", logging.WARNING, __file__, 1, "something happened", (), None)
        RequestContext().filter(record)
    assert (record.request_id, record.user_id, record.method, record.path) == ("trace-123456", "-", "GET", "/stod/")


def test_json_log_lines_hold_time_level_request_id_and_user():
    from blueprints.core.observability import RequestContext, _handler

    handler = _handler("json")
    record = logging.LogRecord("kopkraft.test", logging.ERROR, __file__, 1, "outbox %s", ("stuck",), None)
    RequestContext().filter(record)
    line = json.loads(handler.format(record))
    assert line["level"] == "ERROR" and line["message"] == "outbox stuck" and line["request_id"] == "-"
    assert re.match(r"\d{4}-\d\d-\d\d", line["time"]) and "user_id" in line


def test_readiness_fails_when_the_upload_folder_cannot_take_files(app, client, tmp_path):
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok", "storage": "ok"}
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("x")
    app.config["UPLOAD_DIR"] = str(blocked)
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["storage"].startswith("not writable")
    app.config["UPLOAD_DIR"] = str(tmp_path)
    app.config["UPLOAD_MIN_FREE_MB"] = 10**9  # more than any disk here has
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["storage"].startswith("almost full")


def test_metrics_need_the_token_and_count_requests_and_the_outbox(app, client):
    assert client.get("/metrics").status_code == 404  # no token set: no metrics page
    app.config["METRICS_TOKEN"] = "scraper-secret-123"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    client.get("/healthz")
    with app.test_request_context():
        from blueprints.core.db import db
        from tests.conftest import queue_reset_email

        queue_reset_email("person@example.org")
        db.session.commit()
    text = client.get("/metrics", headers={"Authorization": "Bearer scraper-secret-123"}).get_data(as_text=True)
    assert re.search(r'kopkraft_http_requests_total\{endpoint="site.healthz",method="GET",status="200"\} [1-9]', text)
    assert 'kopkraft_http_request_duration_seconds_bucket{endpoint="site.healthz",le="0.005"}' in text
    assert 'kopkraft_outbox_emails{status="pending"} 1.0' in text
    assert "kopkraft_oldest_queued_job_seconds 0.0" in text


def test_admins_see_readiness_tasks_and_queues_on_the_operations_page(app, client, auth, people, smtp):
    from blueprints.core.jobs import run_worker

    run_worker(app, once=True)  # every task runs once
    auth.login("admin@example.org")
    page = client.get("/admin/drift")
    assert page.status_code == 200
    text = page_text(page.get_data(as_text=True))
    assert "Databasen Svarar" in text and "Lagringen för dokument Tar emot filer" in text
    assert "purge.accounts 1:00:00" in text and "deleted 0 sessions" in text
    assert "outbox 0:01:00" in text and "sent 0, retry 0, failed 0, unsure 0" in text
    assert "Äldsta jobb i kö sedan Inget väntar" in text
