"""Login throttling: 10 failures in 15 minutes lock the account for 15 minutes from that client address, across
processes; an address that fails too often for any accounts waits; nobody can lock anyone else out."""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from blueprints.accounts.models import LoginFailure, LoginLockout
from blueprints.core.db import db, utcnow
from blueprints.core.models import AuditEvent
from tests.conftest import PROJECT_ROOT, TEST_PASSWORD, csrf_token, free_port

LOCK_MESSAGE = "Kontot är tillfälligt låst"


def _fail(auth, email="buyer@example.org", times=1):
    for _ in range(times):
        assert auth.login(email, "wrong password!!").status_code == 422


def test_ten_failures_lock_the_account(app, client, auth, people):
    _fail(auth, times=10)
    response = auth.login("buyer@example.org")  # even the right password is refused now
    assert response.status_code == 429
    assert LOCK_MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("login_failure") == 10
    assert "lockout" in actions


def test_nine_failures_do_not_lock(client, auth, people):
    _fail(auth, times=9)
    assert auth.login("buyer@example.org").status_code == 303


def test_lock_is_per_account(client, auth, people):
    _fail(auth, times=10)
    assert auth.login("buyer2@example.org").status_code == 303


def test_lock_ends_after_15_minutes(app, client, auth, people):
    _fail(auth, times=10)
    assert auth.login("buyer@example.org").status_code == 429
    with app.app_context():
        lockout = db.session.get(LoginLockout, ("buyer@example.org", "127.0.0.1"))
        assert timedelta(minutes=14) < lockout.locked_until - utcnow() <= timedelta(minutes=15)
        lockout.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert auth.login("buyer@example.org").status_code == 303


def test_old_failures_fall_out_of_the_window(app, client, auth, people):
    _fail(auth, times=9)
    with app.app_context():
        db.session.execute(sa.update(LoginFailure).values(at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    _fail(auth, times=1)
    assert auth.login("buyer@example.org").status_code == 303


def test_a_lock_holds_only_for_the_client_address_that_failed(app, client, auth, people):
    _fail(auth, times=10)
    assert auth.login("buyer@example.org").status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    token = csrf_token(elsewhere)
    response = elsewhere.post(
        "/login", data={"email": "buyer@example.org", "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303  # the owner, from another address, signs in


def test_an_address_that_fails_for_many_accounts_must_wait_and_others_do_not(app, client, auth, people):
    app.config["LOGIN_MAX_FAILURES_PER_CLIENT"] = 12
    for number in range(12):
        _fail(auth, email=f"gissning{number}@example.org")
    refused = auth.login("buyer@example.org")  # the right password, from the flooding address
    assert refused.status_code == 429
    assert "För många misslyckade inloggningar från din adress." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 12  # no hash, no row
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    token = csrf_token(elsewhere)
    response = elsewhere.post(
        "/login", data={"email": "buyer@example.org", "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303


def test_failures_older_than_the_window_are_deleted(app, client, auth, people):
    _fail(auth, times=3)
    with app.app_context():
        db.session.execute(sa.update(LoginFailure).values(at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    _fail(auth, email="buyer2@example.org")
    with app.app_context():
        assert db.session.scalars(sa.select(LoginFailure.email)).all() == ["buyer2@example.org"]


def _start_gunicorn(database_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "shared-secret-for-both-processes",
        "SESSION_COOKIE_SECURE": "0",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--preload", "app:create_app()"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError(f"gunicorn on port {port} did not start")


def _attempt(port: int, password: str) -> requests.Response:
    browser = requests.Session()
    page = browser.get(f"http://127.0.0.1:{port}/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return browser.post(
        f"http://127.0.0.1:{port}/login",
        data={"email": "buyer@example.org", "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )


@pytest.mark.slow
@pytest.mark.commits  # the other process must see this test's rows
def test_lockout_holds_across_two_app_processes(app, database_url, people):
    """Fail 10 times against one gunicorn process; a second process refuses the right password."""
    first, second = free_port(), free_port()
    processes = [_start_gunicorn(database_url, first), _start_gunicorn(database_url, second)]
    try:
        _wait_until_up(first)
        _wait_until_up(second)
        assert _attempt(second, TEST_PASSWORD).status_code == 303  # the account works on both to begin with
        for _ in range(10):
            assert _attempt(first, "wrong password!!").status_code == 422
        refused = _attempt(second, TEST_PASSWORD)
        assert refused.status_code == 429
        assert LOCK_MESSAGE in refused.text
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
