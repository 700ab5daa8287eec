"""In Chromium: staff sign in through the agency's OpenID provider and sign out there too; a buyer signs in
through a SAML federation's IdP (its answer a cross-site POST); a refusal and the admins' sign-in page. axe-core
(WCAG 2.1 A/AA) on the login page with providers, on every refusal and on the settings page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in
from tests.sso.conftest import oidc_provider, oidc_settings, saml_idp, trust  # noqa: F401 (fixtures)
from tests.sso.saml_idp import Person

pytestmark = [pytest.mark.browser, pytest.mark.commits]


@pytest.fixture
def agency_in_browser(app, live_server, oidc_provider, trust):  # noqa: F811 (the fixtures imported above)
    app.config["BASE_URL"] = live_server.url  # the provider sends the browser back to the served app
    trust(myndigheten=oidc_settings(oidc_provider, trust_email="true"))
    return oidc_provider


def test_staff_sign_in_with_the_agencys_provider_and_sign_out_there_too(page, agency_in_browser, live_server):
    agency_in_browser.set_user("fredrik", email="facilitator@example.org", name="Fredrik F")
    page.goto("/login?next=/utmaningar/")
    expect(page.get_by_role("heading", name="Med din organisations konto")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Logga in med Myndighetens konto").click()
    page.wait_for_url(f"{agency_in_browser.issuer}/oauth2/authorize*")
    page.locator("input[name=sub]").fill("fredrik")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server.url}/utmaningar/")
    expect(page.get_by_role("status").filter(has_text="Du är inloggad.")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/login")
    expect(page.get_by_text("Du är utloggad från Köpkraft.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Logga ut även hos Myndighetens konto").click()
    page.wait_for_url(f"{agency_in_browser.issuer}/oauth2/end_session*")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{live_server.url}/login*")
    expect(page.get_by_role("link", name="Logga ut även hos Myndighetens konto")).to_have_count(0)


def test_a_refused_sign_in_is_explained_and_passes_axe(page, agency_in_browser):
    agency_in_browser.set_user("okand", email="okand@example.org")
    page.goto("/login")
    page.get_by_role("link", name="Logga in med Myndighetens konto").click()
    page.locator("input[name=sub]").fill("okand")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="Inloggningen misslyckades")).to_be_visible()
    expect(page.get_by_text("Det finns inget konto i Köpkraft för okand@example.org")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/sso/okand/login")
    expect(page.get_by_text("Det finns ingen sådan inloggningstjänst.")).to_be_visible()
    assert axe_violations(page) == []


def test_a_buyer_signs_in_through_a_saml_federation(page, app, live_server, saml_idp, trust, people):  # noqa: F811
    app.config["BASE_URL"] = live_server.url
    trust(
        federationen={
            "protocol": "saml",
            "label": "Sambi",
            "idp_metadata": saml_idp.metadata_file,
            "create_accounts": "true",
            "org_number_claim": "organizationIdentifier",
        }
    )
    saml_idp.know_service_provider(page.request.get("/sso/federationen/metadata").text())
    saml_idp.person = Person(
        "gbg-1", {"mail": ["ny@goteborg.example"], "displayName": ["Nora Ny"], "organizationIdentifier": ["2120001355"]}
    )
    page.goto("/login")
    page.get_by_role("link", name="Logga in med Sambi").click()
    page.get_by_role("button", name="Fortsätt till tjänsten").click()  # the IdP's page posts the answer to us
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/$"))
    expect(page.get_by_role("status").filter(has_text="Du är inloggad.")).to_be_visible()
    page.goto("/profil")
    expect(page.get_by_text("Göteborgs kommun").first).to_be_visible()


def test_admins_set_up_sign_in_on_a_page_that_passes_axe(page, agency_in_browser):
    log_in(page, "admin@example.org")
    page.goto("/admin/inloggning")
    expect(page.get_by_role("heading", name="Myndighetens konto")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Lägg till (Myndighetens konto)").click()  # nothing filled in
    expect(page.locator(".field__error").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Grupp hos leverantören").fill("kk-chefer")
    page.get_by_label("Roll i Köpkraft").select_option("manager")
    page.get_by_role("button", name="Lägg till (Myndighetens konto)").click()
    expect(page.get_by_role("status").filter(has_text="Gruppen ger nu rollen.")).to_be_visible()
    expect(page.get_by_role("cell", name="kk-chefer", exact=True)).to_be_visible()
    assert axe_violations(page) == []
