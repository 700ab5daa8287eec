"""Concurrency against a real gunicorn with 2 workers (threaded, so requests truly overlap), on SQLite and
PostgreSQL: 20 simultaneous bookings of overlapping times give one booking and 19 clean 409s; 20 simultaneous
submissions get 20 distinct, consecutive diarienummer. And two job workers started at once (processes, on
PostgreSQL) run each job once and send each session's reminders once."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from blueprints.core.db import db, utcnow
from blueprints.support.models import Booking, SupportRequest
from tests.conftest import PROJECT_ROOT, TEST_PASSWORD, csrf_token_from, free_port

ATTEMPTS = 20
# gunicorn workers in other processes must see the test's rows.
pytestmark = pytest.mark.commits


@pytest.fixture
def gunicorn(app, database_url, people) -> Iterator[str]:
    """The app served by gunicorn (2 workers, 10 threads each) on the test database."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "concurrency-test-secret-key",
        "SESSION_COOKIE_SECURE": "0",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "MAIL_PORT": "1",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers=2",
        "--worker-class=gthread",
        "--threads=10",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--preload",  # the app is imported once, then the workers fork: a quicker start
        "--graceful-timeout=5",
        "app:create_app()",
    ]
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if requests.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown: no waiting for idle keep-alive connections
        server.wait(timeout=30)


def _signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    token = csrf_token_from(session.get(base + "/login").text)
    response = session.post(
        base + "/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token}, allow_redirects=False
    )
    assert response.status_code == 303, response.text[:500]
    return session


def _all_at_once(jobs) -> list[requests.Response]:
    """Run the jobs in threads released together by a barrier; return their responses in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[requests.Response | None] = [None] * len(jobs)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = jobs[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def test_twenty_overlapping_bookings_give_one_booking_and_nineteen_409s(app, gunicorn, make_request, working_week):
    request_id = make_request(granted=True)
    path = f"{gunicorn}/stod/{request_id}/boka"
    sessions = [_signed_in(gunicorn, "buyer@example.org") for _ in range(ATTEMPTS)]
    forms = []
    for index, session in enumerate(sessions):
        html = session.get(path).text
        starts = re.findall(r'name="start" value="([^"]+)"', html)
        # Three-hour workshops on a half-hour step: the first two starts overlap each other.
        forms.append(
            {"csrf_token": csrf_token_from(html), "kind": "workshop", "start": starts[index % 2], "confirm": "1"}
        )

    def attempt(session: requests.Session, form: dict[str, str]):
        return lambda: session.post(path, data=form, allow_redirects=False, timeout=60)

    responses = _all_at_once([attempt(s, f) for s, f in zip(sessions, forms, strict=True)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] + [409] * (ATTEMPTS - 1), statuses
    for response in responses:
        if response.status_code == 409:
            assert "Välj en annan tid bland de lediga" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 1


def test_twenty_simultaneous_submissions_get_consecutive_diary_numbers(app, gunicorn):
    sessions = [_signed_in(gunicorn, "buyer@example.org") for _ in range(ATTEMPTS)]
    path = f"{gunicorn}/stod/ny"
    forms = [
        {
            "csrf_token": csrf_token_from(session.get(path).text),
            "title": f"Projekt {index}",
            "description": "Samtidigt inskickad",
            "phase": "behovsanalys",
            "support_kinds": "bollplank",
            "format": "digitalt",
        }
        for index, session in enumerate(sessions)
    ]

    def submit(session: requests.Session, form: dict[str, str]):
        return lambda: session.post(path, data=form, allow_redirects=False, timeout=60)

    responses = _all_at_once([submit(s, f) for s, f in zip(sessions, forms, strict=True)])
    assert [r.status_code for r in responses] == [303] * ATTEMPTS
    with app.app_context():
        rows = db.session.execute(sa.select(SupportRequest.diary_year, SupportRequest.diary_number)).all()
    year = utcnow().year
    assert sorted(number for _year, number in rows) == [f"UM {year}/{n:04d}" for n in range(1, ATTEMPTS + 1)]


@pytest.mark.postgresql_only  # two processes writing at once: SQLite serialises them anyway
def test_two_workers_started_at_once_run_each_job_and_send_each_reminder_once(
    app, people, make_request, make_session, database_url
):
    from datetime import UTC, timedelta

    from time_machine import escape_hatch

    from blueprints.accounts.services import request_password_reset
    from blueprints.core.models import Job, OutboxEmail

    real_now = escape_hatch.datetime.datetime.now(UTC)  # the workers live in real time, the test at PINNED_NOW
    request_id = make_request(granted=True)
    sessions = [make_session(request_id, real_now - utcnow() + timedelta(hours=hours)) for hours in (3, 6, 9)]
    emails = ["admin@example.org", "facilitator@example.org", "manager@example.org", "buyer@example.org"]
    with app.test_request_context():
        for email in emails:
            request_password_reset(email=email)
        db.session.commit()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "worker-fault-test-secret-key"}
    workers = [
        subprocess.Popen(
            [str(Path(sys.executable).with_name("flask")), "--app", "app", "worker", "--once"],
            cwd=PROJECT_ROOT,
            env=env,
        )
        for _ in range(2)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    with app.app_context():
        jobs = db.session.scalars(sa.select(Job)).all()
        assert [(job.status, job.attempts) for job in jobs] == [("done", 1)] * len(emails)
        subjects = db.session.scalars(sa.select(OutboxEmail.subject)).all()
        assert sum(subject.startswith("Påminnelse") for subject in subjects) == 2 * len(sessions)  # both sides
        assert sum("lösenord" in subject for subject in subjects) == len(emails)  # one reset link each
        assert all(db.session.get(Booking, booking).reminder_sent_at for booking in sessions)
