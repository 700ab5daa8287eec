"""Invitations and password resets end to end, with the e-mail read from a real SMTP listener."""

from datetime import timedelta

import sqlalchemy as sa

from blueprints.accounts.models import AccountToken, User
from blueprints.core.db import db, utcnow
from blueprints.core.models import AuditEvent, OutboxEmail
from tests.conftest import csrf_token, deliver_outbox, link_in, run_jobs, text_body

NEW_PASSWORD = "mitt nya långa lösenord"


def _invite(client, **fields):
    token = csrf_token(client)
    data = {
        "csrf_token": token,
        "email": "ny.person@lund.se",
        "name": "Nora Ny",
        "roles": ["buyer"],
        "organisation_id": "0",
        "language": "sv",
        **fields,
    }
    return client.post("/anvandare/bjud-in", data=data)


def _set_password(client, path, password=NEW_PASSWORD):
    token = csrf_token(client)
    return client.post(path, data={"csrf_token": token, "password": password, "confirm": password})


def test_invitation_end_to_end(app, client, auth, people, smtp):
    auth.login("facilitator@example.org")
    response = _invite(client, organisation_id=str(people["home"].id))
    assert response.status_code == 303
    auth.logout()

    assert deliver_outbox(app)["sent"] == 1
    [message] = smtp.messages
    assert message["To"] == "ny.person@lund.se"
    assert message["Subject"] == "Inbjudan till Köpkraft"
    assert "Fredrik Facilitator har bjudit in dig" in text_body(message)
    assert message.get_body(preferencelist=("html",)) is not None
    path = link_in(message)
    assert path.startswith("/inbjudan/")

    page = client.get(path)
    assert page.status_code == 200 and "Välkommen till Köpkraft, Nora Ny" in page.get_data(as_text=True)
    assert _set_password(client, path).status_code == 303
    assert auth.login("ny.person@lund.se", NEW_PASSWORD).status_code == 303
    assert "Göteborgs kommun" in client.get("/").get_data(as_text=True)

    # The link is spent.
    assert client.get(path).status_code == 404


def test_invitation_email_is_in_the_invitees_language(app, client, auth, people, smtp):
    auth.login("admin@example.org")
    _invite(client, language="en", organisation_id=str(people["home"].id))
    deliver_outbox(app)
    [message] = smtp.messages
    assert message["Subject"] == "Invitation to Köpkraft"
    assert "has invited you" in text_body(message)


def test_invitation_link_expires_after_72_hours(app, client, auth, people, smtp):
    auth.login("admin@example.org")
    _invite(client, organisation_id=str(people["home"].id))
    deliver_outbox(app)
    path = link_in(smtp.messages[0])
    with app.app_context():
        token = db.session.scalar(sa.select(AccountToken))
        assert timedelta(hours=71) < token.expires_at - utcnow() <= timedelta(hours=72)
        token.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.get(path)
    assert response.status_code == 404
    assert "Länken gäller inte" in response.get_data(as_text=True)


def test_invitee_cannot_log_in_before_choosing_a_password(client, auth, people):
    auth.login("admin@example.org")
    _invite(client, organisation_id=str(people["home"].id))
    auth.logout()
    assert auth.login("ny.person@lund.se", "").status_code == 422


def test_facilitator_cannot_invite_an_admin(app, client, auth, people):
    auth.login("facilitator@example.org")
    response = _invite(client, roles=["admin"], organisation_id=str(people["home"].id))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "ny.person@lund.se")) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) == 0


def test_buyer_needs_an_organisation(app, client, auth, people):
    auth.login("admin@example.org")
    response = _invite(client)
    assert response.status_code == 422
    assert "En beställare måste höra till en organisation." in response.get_data(as_text=True)


def test_duplicate_invitation_is_refused(client, auth, people):
    auth.login("admin@example.org")
    response = _invite(client, email="Buyer@example.org", organisation_id=str(people["home"].id))
    assert response.status_code == 422
    assert "Det finns redan en användare med den e-postadressen." in response.get_data(as_text=True)


def test_buyers_and_managers_cannot_invite(client, auth, people):
    for email in ("buyer@example.org", "manager@example.org"):
        auth.login(email)
        assert client.get("/anvandare/bjud-in").status_code == 403
        auth.logout()


def test_password_reset_end_to_end(app, client, auth, people, smtp):
    other_browser = app.test_client()
    other_token = csrf_token(other_browser)
    other_browser.post(
        "/login", data={"email": "buyer@example.org", "password": "correct horse battery", "csrf_token": other_token}
    )
    token = csrf_token(client)
    response = client.post("/losenord/glomt", data={"csrf_token": token, "email": "buyer@example.org"})
    assert response.status_code == 303
    assert run_jobs(app) == 1  # the worker looks the address up and queues the e-mail
    assert deliver_outbox(app)["sent"] == 1
    [message] = smtp.messages
    assert message["Subject"] == "Återställ ditt lösenord i Köpkraft"
    path = link_in(message)
    assert path.startswith("/losenord/aterstall/")
    assert _set_password(client, path).status_code == 303
    assert other_browser.get("/").status_code == 302  # resetting the password ended every session
    assert auth.login("buyer@example.org", NEW_PASSWORD).status_code == 303
    assert client.get(path).status_code == 404


def test_reset_for_unknown_address_says_the_same_and_sends_nothing(app, client, smtp, people):
    token = csrf_token(client)
    response = client.post(
        "/losenord/glomt", data={"csrf_token": token, "email": "okand@example.org"}, follow_redirects=True
    )
    assert "Om adressen finns hos oss" in response.get_data(as_text=True)
    assert run_jobs(app) == 1
    assert deliver_outbox(app)["sent"] == 0
    assert smtp.messages == []


def test_reset_form_mismatched_passwords(app, client, people, smtp):
    token = csrf_token(client)
    client.post("/losenord/glomt", data={"csrf_token": token, "email": "buyer@example.org"})
    run_jobs(app)
    deliver_outbox(app)
    path = link_in(smtp.messages[0])
    token = csrf_token(client)
    response = client.post(path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": "något annat helt"})
    assert response.status_code == 422
    assert "Lösenorden är inte lika." in response.get_data(as_text=True)


def _ask_for_reset(client, email):
    token = csrf_token(client)
    return client.post("/losenord/glomt", data={"csrf_token": token, "email": email})


def _stored(app, model):
    with app.app_context():
        return db.session.scalars(sa.select(model)).all()


def test_asking_for_a_reset_does_the_same_work_whether_the_address_exists_or_not(app, client, people):
    from blueprints.core.models import Job

    for email in ("buyer@example.org", "okand@example.org"):
        assert _ask_for_reset(client, email).status_code == 303
    jobs = _stored(app, Job)
    # One queued row each, nothing else: no token, no e-mail, no audit event that only a known address makes.
    assert [(job.kind, job.params["email"]) for job in jobs] == [
        ("accounts.password_reset", "buyer@example.org"),
        ("accounts.password_reset", "okand@example.org"),
    ]
    assert _stored(app, AccountToken) == [] and _stored(app, OutboxEmail) == []


def test_a_reset_link_lives_one_hour(app, client, people, smtp):
    _ask_for_reset(client, "buyer@example.org")
    run_jobs(app)
    deliver_outbox(app)
    [message] = smtp.messages
    assert "Länken gäller i 1 timme och kan användas en gång." in text_body(message)
    [row] = _stored(app, AccountToken)
    assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(hours=1)
    with app.app_context():
        db.session.execute(sa.update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(link_in(message)).status_code == 404


def test_at_most_three_reset_emails_an_hour_reach_one_address(app, client, people, smtp):
    for _ in range(5):
        _ask_for_reset(client, "buyer@example.org")
    assert run_jobs(app) == 5
    assert deliver_outbox(app)["sent"] == 3
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert events.count("password_reset_limited") == 2


def test_one_client_address_queues_at_most_twenty_reset_requests_an_hour(app, client, people):
    from blueprints.core.models import Job

    for number in range(25):
        assert _ask_for_reset(client, f"person{number}@example.org").status_code == 303  # the same answer
    assert len(_stored(app, Job)) == 20
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert _ask_for_reset(elsewhere, "buyer@example.org").status_code == 303
    assert len(_stored(app, Job)) == 21
