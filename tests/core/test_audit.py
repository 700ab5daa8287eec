"""The audit log records security events and every create, update and delete of audited rows."""

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.core.models import AuditEvent
from blueprints.organisations.models import Organisation
from tests.conftest import csrf_token


def _events(app, **where):
    with app.app_context():
        query = sa.select(AuditEvent).order_by(AuditEvent.id)
        for key, value in where.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return db.session.scalars(query).all()


def test_create_update_delete_are_recorded_with_values(app, make_organisation):
    # An organisation without users (a user's organisation cannot be deleted under them).
    lone = make_organisation(name="Malmö kommun", org_number="2120000837")
    with app.app_context():
        org = db.session.get(Organisation, lone.id)
        org.annual_volume_sek = 5
        db.session.commit()
        db.session.delete(org)
        db.session.commit()
    created, updated, deleted = (
        _events(app, object_type="Organisation", object_id=str(lone.id), action=a)
        for a in ("create", "update", "delete")
    )
    assert created[0].after["name"] == "Malmö kommun" and "search_text" not in created[0].after
    assert updated[0].before == {"annual_volume_sek": None} and updated[0].after == {"annual_volume_sek": 5}
    assert deleted[0].before["org_number"] == "2120000837"
    assert created[0].actor_email == "system"


def test_password_hashes_never_reach_the_log(app, people):
    for event in _events(app, object_type="User"):
        assert "password_hash" not in (event.after or {}) and "password_hash" not in (event.before or {})


def test_security_events(app, client, auth, people):
    auth.login("buyer@example.org", "wrong password!!")
    auth.login("buyer@example.org")
    client.get("/admin/logg")  # 403
    client.post("/logout")  # no CSRF token
    auth.logout()
    actions = [e.action for e in _events(app) if e.action not in {"create", "update"}]
    assert actions == ["login_failure", "login", "forbidden", "csrf_failure", "logout"]
    forbidden = _events(app, action="forbidden")[0]
    assert forbidden.actor_email == "buyer@example.org" and forbidden.summary == "GET /admin/logg"


def test_audited_change_rolls_back_with_its_cause(app, client, auth, people):
    auth.login("admin@example.org")
    before = len(_events(app, object_type="Organisation"))
    response = client.post(
        "/organisationer/ny",
        data={
            "csrf_token": csrf_token(client),
            "name": "Dubblett",
            "org_number": "2120001355",
            "kind": "kommun",
            "county_code": "14",
        },
    )
    assert response.status_code == 422
    assert len(_events(app, object_type="Organisation")) == before
