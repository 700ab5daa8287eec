"""Signing in with OpenID Connect against a real provider (oidc-provider-mock): first sign-in, linking by
verified e-mail, creating accounts where the provider is trusted for it, group → role, and every refusal."""

from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from blueprints.accounts.models import User
from blueprints.core.db import db
from blueprints.core.models import AuditEvent
from blueprints.sso.models import SsoGroupRole, SsoIdentity
from tests.conftest import TEST_PASSWORD, csrf_token, page_text
from tests.sso.conftest import OidcSignIn, oidc_settings


def _events(app, action):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.action == action)).all()


def test_the_login_page_offers_the_provider_and_passwords(client, agency):
    text = page_text(client.get("/login").get_data(as_text=True))
    assert "Logga in med Myndighetens konto" in text
    assert "E-postadress" in text


def test_each_configured_provider_is_a_button_in_order(client, oidc_provider, trust):
    trust(
        myndigheten=oidc_settings(oidc_provider, label="Myndighetens konto"),
        kommunen=oidc_settings(oidc_provider, label="Kommunens konto"),
    )
    html = client.get("/login?next=/stod/").get_data(as_text=True)
    assert html.index("Logga in med Myndighetens konto") < html.index("Logga in med Kommunens konto")
    assert 'href="/sso/kommunen/login?next=/stod/"' in html


def test_the_authorisation_request_uses_pkce_state_and_nonce(client, oidc_sign_in):
    query = parse_qs(urlsplit(oidc_sign_in.start()).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost/sso/myndigheten/callback"]
    assert query["scope"] == ["openid email profile"]


def test_a_first_sign_in_links_the_invited_account_by_e_mail(app, client, people, oidc_sign_in):
    oidc_sign_in.provider.set_user("fredrik-1", email="Facilitator@Example.org", email_verified=True, name="F")
    response = oidc_sign_in("fredrik-1", next_url="/utmaningar/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/utmaningar/"
    assert "Fredrik Facilitator" in client.get("/").get_data(as_text=True)
    with app.app_context():
        identity = db.session.scalar(sa.select(SsoIdentity))
        assert (identity.provider, identity.subject, identity.user_id) == (
            "myndigheten",
            "fredrik-1",
            people["facilitator"],
        )
    assert _events(app, "sso_linked") == ["myndigheten"]
    assert _events(app, "sso_login") == ["myndigheten"]


def test_the_next_sign_in_finds_the_account_by_subject_even_when_the_e_mail_changed(app, client, people, oidc_sign_in):
    oidc_sign_in.provider.set_user("fredrik-1", email="facilitator@example.org")
    assert oidc_sign_in("fredrik-1").status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    oidc_sign_in.provider.set_user("fredrik-1", email="fredrik.nytt@example.org")
    assert oidc_sign_in("fredrik-1").status_code == 303
    assert "Fredrik Facilitator" in client.get("/").get_data(as_text=True)


def test_no_account_for_the_e_mail_is_refused_with_a_clear_message(app, client, people, oidc_sign_in):
    oidc_sign_in.provider.set_user("okand", email="ny@example.org")
    response = oidc_sign_in("okand")
    assert response.status_code == 403
    assert "Det finns inget konto i Köpkraft för ny@example.org" in page_text(response.get_data(as_text=True))
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "ny@example.org")) == 0
        )
    assert len(_events(app, "sso_refused")) == 1


def test_an_unverified_e_mail_is_not_linked(app, client, people, oidc_provider, trust):
    trust(myndigheten=oidc_settings(oidc_provider))  # not trusted for e-mail: email_verified must say so
    oidc_provider.set_user("x", email="buyer@example.org", email_verified=False)
    response = OidcSignIn(client, oidc_provider)("x")
    assert response.status_code == 403
    assert "inte bekräftad" in page_text(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SsoIdentity)) == 0


def test_a_deactivated_account_cannot_sign_in(app, client, people, oidc_sign_in):
    with app.app_context():
        db.session.get(User, people["buyer"]).is_active = False
        db.session.commit()
    oidc_sign_in.provider.set_user("b", email="buyer@example.org")
    response = oidc_sign_in("b")
    assert response.status_code == 403
    assert "inaktiverat" in page_text(response.get_data(as_text=True))
    assert client.get("/").status_code == 302  # not signed in


def test_a_trusted_provider_creates_an_account_with_the_roles_of_its_groups(app, client, people, oidc_provider, trust):
    trust(myndigheten=oidc_settings(oidc_provider, trust_email="true", create_accounts="true"))
    with app.app_context():
        db.session.add(SsoGroupRole(provider="myndigheten", group_name="kk-handlaggare", role="facilitator"))
        db.session.commit()
    oidc_provider.set_user("ny-1", email="ny@um.example", name="Nina Ny", groups=["kk-handlaggare", "alla"])
    response = OidcSignIn(client, oidc_provider)("ny-1")
    assert response.status_code == 303
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "ny@um.example"))
        assert (user.name, user.roles, user.organisation_id) == ("Nina Ny", {"facilitator"}, None)
    assert _events(app, "sso_account_created") == ["myndigheten"]


def test_groups_change_roles_at_each_sign_in_and_unmapped_groups_leave_them(app, client, people, oidc_sign_in):
    with app.app_context():
        db.session.add(SsoGroupRole(provider="myndigheten", group_name="kk-chefer", role="manager"))
        db.session.commit()
    provider = oidc_sign_in.provider
    provider.set_user("f", email="facilitator@example.org", groups=["kk-chefer"])
    oidc_sign_in("f")
    with app.app_context():
        assert db.session.get(User, people["facilitator"]).roles == {"manager"}
        assert db.session.scalar(sa.select(AuditEvent.after).where(AuditEvent.action == "access_changed")) == {
            "roles": ["manager"],
            "organisation_id": None,
        }
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    provider.set_user("f", email="facilitator@example.org", groups=["nagot-annat"])
    oidc_sign_in("f")
    with app.app_context():
        assert db.session.get(User, people["facilitator"]).roles == {"manager"}  # kept: no mapped group


def test_a_buyers_organisation_follows_the_organisationsnummer_claim(app, client, people, oidc_provider, trust):
    trust(kommun=oidc_settings(oidc_provider, trust_email="true", create_accounts="true", org_number_claim="orgnr"))
    oidc_provider.set_user("k1", email="inkopare@malmo.example", name="Ines", orgnr="212000-0837")
    response = OidcSignIn(client, oidc_provider, "kommun")("k1")
    assert response.status_code == 303
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "inkopare@malmo.example"))
        assert (user.roles, user.organisation_id) == ({"buyer"}, people["other"].id)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    oidc_provider.set_user("k2", email="okand@org.example", orgnr="556036-0793")  # a valid number not in Köpkraft
    response = OidcSignIn(client, oidc_provider, "kommun")("k2")
    assert response.status_code == 403
    assert "Organisationen 556036-0793 finns inte i Köpkraft" in page_text(response.get_data(as_text=True))


def test_a_linked_account_signs_in_with_its_password_only_when_an_admin_allows_it(app, client, people, oidc_sign_in):
    oidc_sign_in.provider.set_user("b", email="buyer@example.org")
    oidc_sign_in("b")
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    form = {"email": "buyer@example.org", "password": TEST_PASSWORD}
    response = client.post("/login", data={**form, "csrf_token": csrf_token(client)})
    assert response.status_code == 403
    assert "Logga in med Myndighetens konto." in page_text(response.get_data(as_text=True))

    admin = app.test_client()
    admin.post(
        "/login", data={"email": "admin@example.org", "password": TEST_PASSWORD, "csrf_token": csrf_token(admin)}
    )
    token = csrf_token(admin)
    response = admin.post(
        "/admin/inloggning/myndigheten",
        data={"myndigheten-passwords_allowed": "y", "myndigheten-csrf_token": token},
    )
    assert response.status_code == 303
    response = client.post("/login", data={**form, "csrf_token": csrf_token(client)})
    assert response.status_code == 303


def test_signing_out_ends_the_session_and_offers_the_providers_logout(app, client, people, oidc_sign_in):
    oidc_sign_in.provider.set_user("b", email="buyer@example.org")
    oidc_sign_in("b")
    response = client.post("/logout", data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    text = page_text(response.get_data(as_text=True))
    assert "Du är utloggad" in text
    assert "Logga ut även hos Myndighetens konto" in text
    assert client.get("/").status_code == 302  # the Köpkraft session has ended
    response = client.get("/sso/myndigheten/logga-ut")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{oidc_sign_in.provider.issuer}/oauth2/end_session?")
    assert parse_qs(urlsplit(location).query)["post_logout_redirect_uri"] == ["http://localhost/login"]
    assert "Logga ut även hos" not in page_text(client.get("/login").get_data(as_text=True))  # offered once


def test_the_providers_logout_is_offered_only_after_signing_out_from_it(client, agency):
    assert client.get("/sso/myndigheten/logga-ut").status_code == 404


def test_the_next_address_cannot_lead_off_the_site(app, client, people, oidc_sign_in):
    oidc_sign_in.provider.set_user("b", email="buyer@example.org")
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = oidc_sign_in("b", next_url=outside)
        assert response.headers["Location"] == "/", outside
        client.post("/logout", data={"csrf_token": csrf_token(client)})


def test_a_callback_without_the_browsers_state_is_refused(app, client, people, oidc_sign_in):
    oidc_sign_in.provider.set_user("b", email="buyer@example.org")
    callback = oidc_sign_in.callback("b")
    other_browser = app.test_client()  # an attacker's link, opened in the victim's browser (login CSRF)
    response = other_browser.get(callback)
    assert response.status_code == 400
    assert "Logga in igen" in page_text(response.get_data(as_text=True))
    assert other_browser.get("/").status_code == 302


def test_the_provider_refusing_is_shown_as_such(client, people, oidc_sign_in):
    oidc_sign_in.start()
    state = query_state(oidc_sign_in.start())
    response = client.get(f"/sso/myndigheten/callback?error=access_denied&state={state}")
    assert response.status_code == 403
    assert "Inloggningen avbröts hos inloggningstjänsten" in page_text(response.get_data(as_text=True))


def query_state(url: str) -> str:
    return parse_qs(urlsplit(url).query)["state"][0]


def test_an_unknown_provider_is_a_404_with_a_message(client, agency):
    response = client.get("/sso/okand/login")
    assert response.status_code == 404
    assert "Det finns ingen sådan inloggningstjänst" in page_text(response.get_data(as_text=True))


def test_a_tampered_id_token_is_refused(client, people, oidc_sign_in):
    provider = oidc_sign_in.provider
    provider.set_user("b", email="buyer@example.org")
    provider.resign = False
    provider.token_changes = lambda claims: {**claims, "email": "admin@example.org"}
    response = oidc_sign_in("b")
    assert response.status_code == 400
    assert "kunde inte kontrolleras" in page_text(response.get_data(as_text=True))
    assert client.get("/").status_code == 302


def test_an_id_token_for_another_client_is_refused(client, people, oidc_sign_in):
    provider = oidc_sign_in.provider
    provider.set_user("b", email="buyer@example.org")
    # Signed by the provider, naming Köpkraft only as the authorised party: the audience is still another's.
    provider.token_changes = lambda claims: {**claims, "aud": ["en-annan-tjanst"], "azp": "kopkraft"}
    response = oidc_sign_in("b")
    assert response.status_code == 400
    assert "inte avsett för Köpkraft" in page_text(response.get_data(as_text=True))


def test_an_id_token_from_another_issuer_is_refused(client, people, oidc_sign_in):
    provider = oidc_sign_in.provider
    provider.set_user("b", email="buyer@example.org")
    provider.token_changes = lambda claims: {**claims, "iss": "https://annan.example"}
    response = oidc_sign_in("b")
    assert response.status_code == 400
    assert "inte från den inloggningstjänst" in page_text(response.get_data(as_text=True))


def test_an_expired_id_token_is_refused(client, people, oidc_sign_in):
    provider = oidc_sign_in.provider
    provider.set_user("b", email="buyer@example.org")
    provider.token_changes = lambda claims: {**claims, "iat": claims["iat"] - 600, "exp": claims["iat"] - 300}
    response = oidc_sign_in("b")
    assert response.status_code == 400
    assert "Inloggningen har gått ut" in page_text(response.get_data(as_text=True))


def test_an_id_token_with_another_nonce_is_refused(client, people, oidc_sign_in):
    provider = oidc_sign_in.provider
    provider.set_user("b", email="buyer@example.org")
    provider.token_changes = lambda claims: {**claims, "nonce": "ett-annat-nonce"}
    response = oidc_sign_in("b")
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_a_new_provider_key_is_fetched_and_used(app, client, people, oidc_sign_in):
    provider = oidc_sign_in.provider
    provider.set_user("b", email="buyer@example.org")
    assert oidc_sign_in("b").status_code == 303  # the old key's JWKS is now kept by the app
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    provider.rotate_key()
    provider.token_changes = lambda claims: claims  # signed with the new key, its id in the header (as IdPs do)
    assert oidc_sign_in("b").status_code == 303  # a key id the app has not seen: the JWKS is fetched again
    assert "Bengt Beställare" in client.get("/").get_data(as_text=True)


def test_a_used_callback_cannot_be_used_again(app, client, people, oidc_sign_in):
    oidc_sign_in.provider.set_user("b", email="buyer@example.org")
    callback = oidc_sign_in.callback("b")
    assert client.get(callback).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    response = client.get(callback)
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_the_callbacks_are_rate_limited_per_client_address(app, client, people, oidc_sign_in):
    app.config["SSO_CALLBACKS_PER_CLIENT"] = 3
    for _attempt in range(3):
        assert client.get("/sso/myndigheten/callback?code=x&state=y").status_code == 400
    response = client.get("/sso/myndigheten/callback?code=x&state=y")
    assert response.status_code == 429
    assert "För många inloggningsförsök" in page_text(response.get_data(as_text=True))


def test_a_provider_that_does_not_answer_is_a_502_with_a_message(client, people, trust):
    trust(nere={"protocol": "oidc", "issuer": "http://localhost:9", "client_id": "k", "client_secret": "s"})
    response = client.get("/sso/nere/login")
    assert response.status_code == 502
    assert "svarar inte just nu" in page_text(response.get_data(as_text=True))


def test_an_invited_account_that_never_chose_a_password_is_linked(app, client, people, make_user, oidc_sign_in):
    invited = make_user("inbjuden@example.org", ("facilitator",), name="Ingrid Inbjuden", password_hash=None)
    oidc_sign_in.provider.set_user("ingrid", email="inbjuden@example.org")
    assert oidc_sign_in("ingrid").status_code == 303
    assert "Ingrid Inbjuden" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(SsoIdentity.user_id).where(SsoIdentity.subject == "ingrid")) == invited
