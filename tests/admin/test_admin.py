"""Admin: users (search, roles, organisation, deactivation), need areas and the audit log."""

import sqlalchemy as sa

from blueprints.accounts.models import User
from blueprints.core.db import db
from blueprints.core.models import AuditEvent
from blueprints.vocabulary.models import NeedArea
from tests.conftest import csrf_token, page_text

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


def test_user_list_search_and_filters(client, auth, people):
    auth.login("admin@example.org")
    full = client.get("/admin/anvandare").get_data(as_text=True)
    assert all(name in full for name in ["Astrid Admin", "Bengt Beställare", "Britta Beställare", "Maria Chef"])
    found = client.get("/admin/anvandare?q=britta", headers=PARTIAL).get_data(as_text=True)
    assert "Britta Beställare" in found and "Bengt" not in found and "<html" not in found
    buyers = client.get("/admin/anvandare?role=buyer").get_data(as_text=True)
    assert "Bengt Beställare" in buyers and "Maria Chef" not in buyers


def test_change_roles_and_organisation_is_audited(app, client, auth, people):
    auth.login("admin@example.org")
    user_id = people["manager"]
    token = csrf_token(client)
    response = client.post(
        f"/admin/anvandare/{user_id}",
        data={"csrf_token": token, "roles": ["manager", "buyer"], "organisation_id": str(people["other"].id)},
    )
    assert response.status_code == 303
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.roles == {"manager", "buyer"} and user.organisation_id == people["other"].id
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "access_changed"))
        assert event.before == {"roles": ["manager"], "organisation_id": None}
        assert event.after == {"roles": ["buyer", "manager"], "organisation_id": people["other"].id}
        assert event.actor_email == "admin@example.org"


def test_buyer_role_without_organisation_is_refused(app, client, auth, people):
    auth.login("admin@example.org")
    user_id = people["manager"]
    token = csrf_token(client)
    response = client.post(
        f"/admin/anvandare/{user_id}", data={"csrf_token": token, "roles": ["buyer"], "organisation_id": "0"}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, user_id).roles == {"manager"}


def test_admin_cannot_deactivate_self(app, client, auth, people):
    auth.login("admin@example.org")
    token = csrf_token(client)
    client.post(f"/admin/anvandare/{people['admin']}/aktiv", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(User, people["admin"]).is_active


def test_reactivation(app, client, auth, people):
    auth.login("admin@example.org")
    for _ in range(2):
        client.post(f"/admin/anvandare/{people['buyer']}/aktiv", data={"csrf_token": csrf_token(client)})
    with app.app_context():
        assert db.session.get(User, people["buyer"]).is_active


def test_need_areas_add_rename_retire(app, client, auth, people):
    auth.login("admin@example.org")
    token = csrf_token(client)
    assert client.post("/admin/behovsomraden", data={"csrf_token": token, "name": "Energi"}).status_code == 303
    duplicate = client.post("/admin/behovsomraden", data={"csrf_token": token, "name": "ENERGI"})
    assert duplicate.status_code == 422
    assert "Det finns redan ett behovsområde med det namnet." in duplicate.get_data(as_text=True)
    empty = client.post("/admin/behovsomraden", data={"csrf_token": token, "name": ""})
    assert empty.status_code == 422
    with app.app_context():
        area_id = db.session.scalar(sa.select(NeedArea.id))
    assert (
        client.post(
            f"/admin/behovsomraden/{area_id}", data={"csrf_token": token, "name": "Energi och klimat"}
        ).status_code
        == 303
    )
    assert client.post(f"/admin/behovsomraden/{area_id}/status", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        area = db.session.get(NeedArea, area_id)
        assert area.name == "Energi och klimat" and area.is_retired
        rename = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.object_type == "NeedArea")
        )
        assert rename.before == {"name": "Energi"} and rename.after == {"name": "Energi och klimat"}
    assert "Avvecklat" in client.get("/admin/behovsomraden").get_data(as_text=True)


def test_audit_log_shows_and_filters_events(client, auth, people):
    auth.login("nobody@example.org", "wrong password!!")
    auth.login("admin@example.org")
    everything = client.get("/admin/logg").get_data(as_text=True)
    assert "login_failure" in everything and "nobody@example.org" in everything
    failures = client.get("/admin/logg?action=login_failure", headers=PARTIAL).get_data(as_text=True)
    assert "nobody@example.org" in failures and ">login<" not in failures
    by_actor = client.get("/admin/logg?actor=admin@").get_data(as_text=True)
    assert "admin@example.org" in by_actor
    future = client.get("/admin/logg?from=2999-01-01").get_data(as_text=True)
    assert "Inga händelser matchar filtret." in future
    for far in ("to=9999-12-31", "from=0001-01-01", "from=9999-12-31&to=9999-12-31"):
        response = client.get(f"/admin/logg?{far}")  # beyond any date a person means: the filter is left out
        assert response.status_code == 200 and "nobody@example.org" in response.get_data(as_text=True)


def test_only_admins_reach_admin_pages(client, auth, people):
    for email in ("facilitator@example.org", "manager@example.org", "buyer@example.org"):
        auth.login(email)
        for path in ("/admin/anvandare", "/admin/behovsomraden", "/admin/logg", "/admin/e-post"):
            assert client.get(path).status_code == 403, (email, path)
        auth.logout()


def test_the_audit_log_reads_as_sentences_with_linked_objects_and_changed_fields(app, client, auth, people):
    from blueprints.challenges.models import Challenge
    from blueprints.core.db import db

    with app.test_request_context():
        challenge = Challenge(title="Skolskjuts på landet", organisation_id=people["home"].id, status="submitted")
        db.session.add(challenge)
        db.session.commit()
        assert challenge.title  # loaded, as a view loads what it changes
        challenge.title = "Skolskjuts i Älvsbyn"
        db.session.commit()
        challenge_id = challenge.id
    auth.login("admin@example.org")
    html = client.get("/admin/logg?object_type=Challenge").get_data(as_text=True)
    text = page_text(html)
    assert "Ändrade" in text and "Skapade" in text
    assert f'<a href="/utmaningar/{challenge_id}">Utmaning {challenge_id}</a>' in html
    assert "Titel: Skolskjuts på landet → Skolskjuts i Älvsbyn" in text
    assert "\\u00e4" not in html and '"title"' not in html  # no raw JSON
    assert '<option value="Challenge" selected>Utmaning</option>' in html
    logins = page_text(client.get("/admin/logg?action=login").get_data(as_text=True))
    assert "Loggade in" in logins
