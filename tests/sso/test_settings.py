"""The admins' sign-in page: providers, passwords for linked accounts, group → role; and what signing in through
a provider shares with passwords (session timeouts) and does not (lockouts)."""

from datetime import timedelta

import sqlalchemy as sa

from blueprints.core.db import db, utcnow
from blueprints.core.models import AuditEvent
from blueprints.sso.models import SamlAssertion, SamlRequest, SsoCallback, SsoGroupRole
from blueprints.sso.services import purge_sso
from tests.conftest import csrf_token, page_text


def test_without_providers_the_page_says_so_and_login_shows_passwords_only(client, auth, people):
    assert "Med din organisations konto" not in page_text(client.get("/login").get_data(as_text=True))
    auth.login("admin@example.org")
    text = page_text(client.get("/admin/inloggning").get_data(as_text=True))
    assert "Ingen identitetsleverantör är inställd" in text


def test_admins_map_a_group_to_a_role_and_remove_it(app, client, auth, people, agency):
    auth.login("admin@example.org")
    page = client.get("/admin/inloggning")
    text = page_text(page.get_data(as_text=True))
    assert "Myndighetens konto" in text and "OpenID Connect" in text and "Inga grupper" in text
    token = csrf_token(client)
    response = client.post(
        "/admin/inloggning/myndigheten/grupper",
        data={"myndigheten-csrf_token": token, "myndigheten-group_name": " kk-chefer ", "myndigheten-role": "manager"},
    )
    assert response.status_code == 303
    text = page_text(client.get("/admin/inloggning").get_data(as_text=True))
    assert "kk-chefer Chef" in text
    with app.app_context():
        row = db.session.scalar(sa.select(SsoGroupRole))
        assert (row.provider, row.group_name, row.role, row.organisation_id) == (
            "myndigheten",
            "kk-chefer",
            "manager",
            None,
        )
        row_id = row.id
        assert db.session.scalar(sa.select(AuditEvent.summary).where(AuditEvent.action == "sso_group_mapped")) == (
            "myndigheten: kk-chefer → manager"
        )
    response = client.post(f"/admin/inloggning/grupper/{row_id}/ta-bort", data={"csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SsoGroupRole)) == 0


def test_a_buyer_group_needs_an_organisation_and_a_group_maps_a_role_once(app, client, auth, people, agency):
    auth.login("admin@example.org")
    token = csrf_token(client)
    form = {"myndigheten-csrf_token": token, "myndigheten-group_name": "inkopare", "myndigheten-role": "buyer"}
    response = client.post("/admin/inloggning/myndigheten/grupper", data=form)
    assert response.status_code == 422
    assert "En beställare måste höra till en organisation" in page_text(response.get_data(as_text=True))
    form["myndigheten-organisation_id"] = str(people["home"].id)
    assert client.post("/admin/inloggning/myndigheten/grupper", data=form).status_code == 303
    response = client.post("/admin/inloggning/myndigheten/grupper", data=form)
    assert response.status_code == 422
    assert "Gruppen ger redan den rollen" in page_text(response.get_data(as_text=True))
    empty = {"myndigheten-csrf_token": token, "myndigheten-group_name": "", "myndigheten-role": "admin"}
    assert client.post("/admin/inloggning/myndigheten/grupper", data=empty).status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SsoGroupRole)) == 1


def test_a_mapped_buyer_group_places_a_new_account_in_its_organisation(app, client, people, oidc_provider, trust):
    from tests.sso.conftest import OidcSignIn, oidc_settings

    trust(myndigheten=oidc_settings(oidc_provider, trust_email="true", create_accounts="true"))
    with app.app_context():
        db.session.add(
            SsoGroupRole(provider="myndigheten", group_name="gbg", role="buyer", organisation_id=people["home"].id)
        )
        db.session.commit()
    oidc_provider.set_user("g1", email="ny@goteborg.example", groups=["gbg"])
    assert OidcSignIn(client, oidc_provider)("g1").status_code == 303
    assert "Göteborgs kommun" in page_text(client.get("/profil").get_data(as_text=True))


def test_a_lockout_for_passwords_does_not_stop_a_sign_in_through_the_provider(app, client, auth, people, oidc_sign_in):
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("buyer@example.org", "fel lösenord")
    assert auth.login("buyer@example.org").status_code == 429  # locked for passwords
    oidc_sign_in.provider.set_user("b", email="buyer@example.org")
    assert oidc_sign_in("b").status_code == 303
    assert client.get("/").status_code == 200


def test_a_session_from_a_provider_has_the_same_idle_timeout(app, client, people, oidc_sign_in, pinned_clock):
    oidc_sign_in.provider.set_user("b", email="buyer@example.org")
    oidc_sign_in("b")
    assert client.get("/").status_code == 200
    pinned_clock.shift(timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    assert client.get("/").status_code == 302


def test_the_purge_keeps_only_what_still_protects(app_ctx):
    now = utcnow()
    db.session.add_all(
        [
            SsoCallback(ip_address="1.2.3.4", at=now - timedelta(hours=1)),
            SsoCallback(ip_address="1.2.3.4", at=now),
            SamlRequest(id="old", provider="f", created_at=now - timedelta(hours=1)),
            SamlRequest(id="new", provider="f", created_at=now),
            SamlAssertion(id="spent", provider="f", expires_at=now - timedelta(minutes=1)),
            SamlAssertion(id="live", provider="f", expires_at=now + timedelta(minutes=4)),
        ]
    )
    db.session.commit()
    assert purge_sso() == "deleted 1 counted answers, 1 SAML requests, 1 SAML assertions"
    assert db.session.scalars(sa.select(SamlRequest.id)).all() == ["new"]
    assert db.session.scalars(sa.select(SamlAssertion.id)).all() == ["live"]
