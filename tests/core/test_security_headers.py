"""The security baseline on every kind of response: pages, partials, errors and static files."""

import pytest

from app import create_app
from tests.conftest import PROJECT_ROOT, base_config

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


def _assert_baseline(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    _assert_baseline(response)


def test_partial(client, auth, people):
    auth.login("manager@example.org")
    response = client.get("/organisationer/?q=g", headers=PARTIAL)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    _assert_baseline(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_not_found(client):
    response = client.get("/finns-inte")
    assert response.status_code == 404
    _assert_baseline(response)
    assert "Sidan hittades inte" in response.get_data(as_text=True)


def test_static_file(client):
    response = client.get("/static/js/app.js")
    assert response.status_code == 200
    _assert_baseline(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_vendored_htmx_matches_its_recorded_checksum():
    import hashlib

    vendor = PROJECT_ROOT / "static/js/vendor"
    recorded, name = (vendor / "SHA256SUMS").read_text().split()
    assert name == "htmx-4.0.1.min.js"
    assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == recorded
    assert recorded in (PROJECT_ROOT / "README.md").read_text()
    assert f"js/vendor/{name}" in (PROJECT_ROOT / "templates/base.html").read_text()


def test_signed_in_pages_are_not_cached(client, auth, people):
    auth.login("buyer@example.org")
    assert client.get("/profil").headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_flags(database_url):
    app = create_app(base_config(database_url, SESSION_COOKIE_SECURE=True))
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_secure_cookie_is_the_default(monkeypatch, database_url):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    from blueprints.core.config import load_config

    assert load_config({"TESTING": True})["SESSION_COOKIE_SECURE"] is True


def test_secret_key_is_required_outside_debug_and_test(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    from blueprints.core.config import load_config

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config()


def test_maintenance_commands_run_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    from blueprints.core.config import load_config

    monkeypatch.setattr("sys.argv", ["/srv/.venv/bin/flask", "--app", "app", "db", "upgrade"])
    assert load_config()["SECRET_KEY"]
    monkeypatch.setattr("sys.argv", ["/srv/.venv/bin/flask", "--app", "app", "run"])
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config()


def test_request_body_is_capped(app, client):
    response = client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
    assert "För stor begäran" in response.get_data(as_text=True)


def test_no_inline_script_or_handlers_in_templates():
    import re

    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+=|hx-on", text), template


def test_server_timing_only_when_the_setting_turns_it_on(app, client):
    assert "Server-Timing" not in client.get("/login").headers
    app.config["SERVER_TIMING"] = True
    assert client.get("/login").headers["Server-Timing"].startswith("app;dur=")
