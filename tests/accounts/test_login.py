"""Signing in and out, server-side sessions, timeouts and safe redirects."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from blueprints.accounts.models import UserSession
from blueprints.core.db import db, utcnow
from tests.conftest import TEST_PASSWORD, csrf_token


def test_login_page_has_the_contract_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html and 'name="csrf_token"' in html
    assert "Logga in" in html


def test_login_and_logout(client, auth, people):
    response = auth.login("buyer@example.org")
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert "Välkommen, Bengt Beställare" in client.get("/").get_data(as_text=True)
    assert auth.logout().status_code == 303
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("password", ["wrong password 1", ""])
def test_wrong_credentials_get_a_swedish_message_and_422(client, auth, people, password):
    response = auth.login("buyer@example.org", password)
    assert response.status_code == 422
    assert "Fel e-postadress eller lösenord" in response.get_data(as_text=True) or "Fyll i fältet" in response.get_data(
        as_text=True
    )


def test_unknown_user_gets_the_same_message(client, auth, people):
    response = auth.login("nobody@example.org")
    assert response.status_code == 422
    assert "Fel e-postadress eller lösenord." in response.get_data(as_text=True)


def test_email_is_case_insensitive(client, auth, people):
    assert auth.login("Buyer@Example.org").status_code == 303


def test_anonymous_is_sent_to_login_with_next(client, people):
    response = client.get("/profil")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/profil"


def test_next_redirect_stays_on_this_site(client, auth, people):
    assert auth.login("buyer@example.org", next="/profil").headers["Location"] == "/profil"
    auth.logout()
    for evil in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]:
        response = auth.login("buyer@example.org", next=evil)
        assert response.headers["Location"] == "/", evil
        auth.logout()


def _copy_cookie(source, target):
    cookie = source.get_cookie("kopkraft_session")
    target.set_cookie("kopkraft_session", cookie.value)


def test_copied_cookie_stops_working_after_logout(app, client, auth, people):
    auth.login("buyer@example.org")
    thief = app.test_client()
    _copy_cookie(client, thief)
    assert thief.get("/").status_code == 200
    auth.logout()
    assert thief.get("/").status_code == 302


def test_deactivation_ends_sessions_at_once(app, client, auth, people):
    auth.login("buyer@example.org")
    admin = app.test_client()
    admin_token = csrf_token(admin)
    admin.post("/login", data={"email": "admin@example.org", "password": TEST_PASSWORD, "csrf_token": admin_token})
    token = csrf_token(admin)
    response = admin.post(f"/admin/anvandare/{people['buyer']}/aktiv", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get("/").status_code == 302
    assert auth.login("buyer@example.org").status_code == 422


def test_password_change_ends_other_sessions(app, client, auth, people):
    auth.login("buyer@example.org")
    other_browser = app.test_client()
    _copy_cookie(client, other_browser)
    token = csrf_token(client)
    response = client.post(
        "/profil/losenord",
        data={
            "csrf_token": token,
            "current_password": TEST_PASSWORD,
            "password": "a brand new long password",
            "confirm": "a brand new long password",
        },
    )
    assert response.status_code == 303
    assert client.get("/profil").status_code == 200  # this browser got a fresh session
    assert other_browser.get("/").status_code == 302  # the old one is gone
    auth.logout()
    assert auth.login("buyer@example.org", "a brand new long password").status_code == 303


def test_password_change_checks_the_current_password(client, auth, people):
    auth.login("buyer@example.org")
    token = csrf_token(client)
    response = client.post(
        "/profil/losenord",
        data={"csrf_token": token, "current_password": "not it at all", "password": "x" * 12, "confirm": "x" * 12},
    )
    assert response.status_code == 422
    assert "Nuvarande lösenord stämmer inte." in response.get_data(as_text=True)


def test_short_new_password_is_refused(client, auth, people):
    auth.login("buyer@example.org")
    token = csrf_token(client)
    response = client.post(
        "/profil/losenord",
        data={"csrf_token": token, "current_password": TEST_PASSWORD, "password": "kort", "confirm": "kort"},
    )
    assert response.status_code == 422
    assert "Lösenordet måste ha minst 12 tecken." in response.get_data(as_text=True)


def _age_session(app, **changes):
    with app.app_context():
        row = db.session.scalar(sa.select(UserSession).where(UserSession.ended_at.is_(None)))
        for key, value in changes.items():
            setattr(row, key, value)
        db.session.commit()


def test_idle_timeout_after_30_minutes(app, client, auth, people):
    auth.login("buyer@example.org")
    _age_session(app, last_seen_at=utcnow() - timedelta(minutes=29))
    assert client.get("/").status_code == 200
    _age_session(app, last_seen_at=utcnow() - timedelta(minutes=31))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_activity_keeps_the_session_alive(app, client, auth, people):
    auth.login("buyer@example.org")
    _age_session(app, last_seen_at=utcnow() - timedelta(minutes=20))
    client.get("/")
    _age_session(app, created_at=utcnow() - timedelta(minutes=45))
    assert client.get("/").status_code == 200


def test_absolute_timeout_after_12_hours(app, client, auth, people):
    auth.login("buyer@example.org")
    _age_session(app, created_at=utcnow() - timedelta(hours=12, minutes=1))
    assert client.get("/").status_code == 302


def test_session_status_reports_time_left_without_extending(app, client, auth, people):
    auth.login("buyer@example.org")
    _age_session(app, last_seen_at=utcnow() - timedelta(minutes=26))
    remaining = client.get("/session/status").get_json()["remaining_seconds"]
    assert 200 < remaining <= 240
    again = client.get("/session/status").get_json()["remaining_seconds"]
    assert again <= remaining


def test_extend_session_resets_the_idle_timer(app, client, auth, people):
    auth.login("buyer@example.org")
    _age_session(app, last_seen_at=utcnow() - timedelta(minutes=26))
    response = client.post(
        "/session/forlang", data={"csrf_token": csrf_token(client)}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.get_json()["remaining_seconds"] > 29 * 60


def test_htmx_request_with_expired_session_redirects_the_whole_page(client, people):
    response = client.get("/organisationer/?q=x", headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
    assert response.get_data(as_text=True) == ""


def test_profile_lists_active_sessions_and_can_end_one(app, client, auth, people):
    auth.login("buyer@example.org")
    laptop = app.test_client()
    laptop_token = csrf_token(laptop)
    laptop.post("/login", data={"email": "buyer@example.org", "password": TEST_PASSWORD, "csrf_token": laptop_token})
    page = client.get("/profil").get_data(as_text=True)
    assert page.count("/avsluta") == 2
    with app.app_context():
        ids = sorted(db.session.scalars(sa.select(UserSession.id).where(UserSession.ended_at.is_(None))))
    token = csrf_token(client)
    client.post(f"/profil/sessioner/{ids[1]}/avsluta", data={"csrf_token": token})
    assert laptop.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_cannot_end_someone_elses_session(app, client, auth, people):
    other = app.test_client()
    other_token = csrf_token(other)
    other.post("/login", data={"email": "buyer2@example.org", "password": TEST_PASSWORD, "csrf_token": other_token})
    with app.app_context():
        their_id = db.session.scalar(sa.select(UserSession.id))
    auth.login("buyer@example.org")
    token = csrf_token(client)
    assert client.post(f"/profil/sessioner/{their_id}/avsluta", data={"csrf_token": token}).status_code == 404
    assert other.get("/").status_code == 200
