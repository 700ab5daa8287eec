"""Signing in with SAML 2.0 against a real IdP (pysaml2's, signing with xmlsec1): metadata, first sign-in with
an organisation from its organisationsnummer, and the refusals: unsigned, tampered, another audience, expired,
replayed, unsolicited."""

import base64
from datetime import timedelta

import sqlalchemy as sa

from blueprints.accounts.models import User
from blueprints.core.db import db
from blueprints.sso.models import SsoIdentity
from tests.conftest import page_text
from tests.sso.saml_idp import Person

MALMO = Person(
    "malmo-ines-1",
    {"mail": ["ines@malmo.example"], "displayName": ["Ines Inköpare"], "organizationIdentifier": ["2120000837"]},
)


def test_the_metadata_describes_the_service_provider(client, federation):
    response = client.get("/sso/federationen/metadata")
    assert response.status_code == 200
    assert response.mimetype == "application/samlmetadata+xml"
    xml = response.get_data(as_text=True)
    assert 'entityID="http://localhost/sso/federationen/metadata"' in xml
    assert 'Location="http://localhost/sso/federationen/acs"' in xml
    assert 'WantAssertionsSigned="true"' in xml


def test_a_first_sign_in_creates_the_buyer_in_the_organisation_of_its_number(app, client, people, saml_sign_in):
    saml_sign_in.idp.person = MALMO
    response = saml_sign_in(next_url="/stod/")
    assert response.status_code == 303, page_text(response.get_data(as_text=True))
    assert response.headers["Location"] == "/stod/"
    assert "Ines Inköpare" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "ines@malmo.example"))
        assert (user.roles, user.organisation_id) == ({"buyer"}, people["other"].id)
        identity = db.session.scalar(sa.select(SsoIdentity))
        assert (identity.provider, identity.subject) == ("federationen", "malmo-ines-1")


def test_the_same_answer_twice_is_refused(client, people, saml_sign_in):
    saml_sign_in.idp.person = MALMO
    acs, value = saml_sign_in.answer()
    assert saml_sign_in.post(acs, value).status_code == 303
    client.post("/logout", data={"csrf_token": _token(client)})
    response = saml_sign_in.post(acs, value)
    assert response.status_code == 400
    assert "Logga in igen" in page_text(response.get_data(as_text=True))
    assert client.get("/").status_code == 302


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client)


def test_an_unsigned_assertion_is_refused(client, people, saml_sign_in):
    saml_sign_in.idp.person = MALMO
    saml_sign_in.idp.sign_assertion = False  # the response is signed, the assertion is not
    response = saml_sign_in()
    assert response.status_code == 400
    assert "kunde inte kontrolleras" in page_text(response.get_data(as_text=True))


def test_a_tampered_assertion_is_refused(client, people, saml_sign_in):
    saml_sign_in.idp.person = MALMO
    acs, value = saml_sign_in.answer()
    xml = base64.b64decode(value).decode()
    assert "ines@malmo.example" in xml
    forged = base64.b64encode(xml.replace("ines@malmo.example", "admin@example.org").encode()).decode()
    response = saml_sign_in.post(acs, forged)
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_an_assertion_for_another_service_is_refused(client, people, saml_sign_in):
    saml_sign_in.idp.person = MALMO
    other = "https://annan-tjanst.example/sp"
    ours = client.get("/sso/federationen/metadata").get_data(as_text=True)
    saml_sign_in.idp.other_services.append(ours.replace("http://localhost/sso/federationen/metadata", other))
    saml_sign_in.idp.audience = other
    response = saml_sign_in()
    assert response.status_code == 400
    assert "inte avsett för Köpkraft" in page_text(response.get_data(as_text=True))


def test_an_expired_assertion_is_refused(client, people, saml_sign_in, pinned_clock):
    saml_sign_in.idp.person = MALMO
    acs, value = saml_sign_in.answer()
    pinned_clock.shift(timedelta(minutes=8))  # the assertion lived 5 minutes (1 more for clock skew)
    response = saml_sign_in.post(acs, value)
    assert response.status_code == 400
    assert "Inloggningen har gått ut" in page_text(response.get_data(as_text=True))


def test_an_answer_to_no_request_of_ours_is_refused(app, client, people, saml_sign_in):
    saml_sign_in.idp.person = MALMO
    acs, value = saml_sign_in.answer()
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM saml_request"))
        db.session.commit()
    response = saml_sign_in.post(acs, value)
    assert response.status_code == 400


def test_an_empty_post_is_a_clear_400(client, federation):
    response = client.post("/sso/federationen/acs", data={})
    assert response.status_code == 400
    assert "saknas" in page_text(response.get_data(as_text=True))


def test_garbage_is_a_clear_400(client, federation):
    response = client.post("/sso/federationen/acs", data={"SAMLResponse": "inte base64 <xml"})
    assert response.status_code == 400


def test_an_answer_addressed_to_another_service_is_refused(client, people, saml_sign_in):
    saml_sign_in.idp.person = MALMO
    saml_sign_in.idp.destination = "https://annan-tjanst.example/acs"  # Destination and Recipient name another
    response = saml_sign_in()
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_the_next_address_is_kept_with_the_request_and_cannot_lead_off_the_site(client, people, saml_sign_in):
    saml_sign_in.idp.person = MALMO
    response = saml_sign_in(next_url="https://evil.example/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_the_settings_page_shows_the_metadata_address(client, auth, people, federation):
    auth.login("admin@example.org")
    text = page_text(client.get("/admin/inloggning").get_data(as_text=True))
    assert "SAML 2.0" in text and "http://localhost/sso/federationen/metadata" in text
