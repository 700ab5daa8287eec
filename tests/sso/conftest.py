"""Fixtures for signing in through providers: a real OpenID provider on loopback, and the app configured to
trust it as "myndigheten" (staff) with a second provider for buyers."""

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from tests.conftest import IN_CI
from tests.sso.oidc_provider import OidcProvider, path_and_query, query_of, running_provider
from tests.sso.saml_idp import SamlIdp, running_idp


@pytest.fixture
def oidc_provider() -> Iterator[OidcProvider]:
    """A real OpenID provider, served for one test."""
    with running_provider() as provider:
        yield provider


def oidc_settings(provider: OidcProvider, **settings: Any) -> dict[str, Any]:
    """The settings of an OpenID Connect provider at ``provider``."""
    return {
        "protocol": "oidc",
        "label": "Myndighetens konto",
        "issuer": provider.issuer,
        "client_id": "kopkraft",
        "client_secret": "hemligt",
        **settings,
    }


@pytest.fixture
def trust(app: Flask) -> Callable[..., None]:
    """Configure the app's providers for this test: ``trust(agency=settings, ...)``."""

    def configure(**providers: dict[str, Any]) -> None:
        app.config["SSO_PROVIDERS"] = providers
        app.extensions.pop("sso.providers", None)

    return configure


@pytest.fixture
def agency(oidc_provider: OidcProvider, trust) -> OidcProvider:
    """The agency's own provider, trusted for e-mail (its directory), named "myndigheten"."""
    trust(myndigheten=oidc_settings(oidc_provider, trust_email="true"))
    return oidc_provider


class OidcSignIn:
    """Sign in through the provider with a test client, as a browser would, step by step."""

    def __init__(self, client, provider: OidcProvider, name: str = "myndigheten") -> None:
        self.client, self.provider, self.name = client, provider, name

    def start(self, next_url: str | None = None) -> str:
        """Click the provider's button: the URL of the provider's authorisation page."""
        response = self.client.get(f"/sso/{self.name}/login", query_string={"next": next_url} if next_url else None)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"]

    def callback(self, subject: str, next_url: str | None = None) -> str:
        """Sign in at the provider: the callback path the provider sends the browser back to."""
        return path_and_query(self.provider.approve(self.start(next_url), subject))

    def __call__(self, subject: str, next_url: str | None = None):
        """The whole way: the callback's response."""
        return self.client.get(self.callback(subject, next_url))


@pytest.fixture
def oidc_sign_in(client, agency) -> OidcSignIn:
    """Sign in with the agency's provider in ``client``."""
    return OidcSignIn(client, agency)


@pytest.fixture
def saml_idp(tmp_path) -> Iterator[SamlIdp]:
    """A real SAML IdP (pysaml2, xmlsec1), served for one test; skipped without xmlsec1 (never in CI)."""
    if shutil.which("xmlsec1") is None:
        if IN_CI:
            pytest.fail("CI must have xmlsec1 (Debian package xmlsec1): .ci/run installs it")
        pytest.skip("needs xmlsec1 (Debian package xmlsec1) to sign and check SAML assertions")
    with running_idp(tmp_path) as idp:
        yield idp


@pytest.fixture
def federation(app: Flask, client, saml_idp: SamlIdp, trust) -> SamlIdp:
    """The app trusting ``saml_idp`` as "federationen" (buyers' organisations), and the IdP knowing the app."""
    trust(
        federationen={
            "protocol": "saml",
            "label": "Federationen",
            "idp_metadata": saml_idp.metadata_file,
            "org_number_claim": "organizationIdentifier",
            "create_accounts": "true",
        }
    )
    saml_idp.know_service_provider(client.get("/sso/federationen/metadata").get_data(as_text=True))
    return saml_idp


class SamlSignIn:
    """Sign in through the IdP with a test client: the request to the IdP, its answer posted back."""

    def __init__(self, client, idp: SamlIdp, name: str = "federationen") -> None:
        self.client, self.idp, self.name = client, idp, name

    def answer(self, next_url: str | None = None) -> tuple[str, str]:
        """Click the button and sign in at the IdP: the ACS path and the SAMLResponse to post there."""
        response = self.client.get(f"/sso/{self.name}/login", query_string={"next": next_url} if next_url else None)
        assert response.status_code == 302, response.get_data(as_text=True)
        acs, value = self.idp.answer(query_of(response.headers["Location"])["SAMLRequest"])
        return path_and_query(acs), value

    def post(self, acs: str, value: str):
        """Post the IdP's answer from the browser."""
        return self.client.post(acs, data={"SAMLResponse": value})

    def __call__(self, next_url: str | None = None):
        return self.post(*self.answer(next_url))


@pytest.fixture
def saml_sign_in(client, federation) -> SamlSignIn:
    """Sign in with the federation's IdP in ``client``."""
    return SamlSignIn(client, federation)
