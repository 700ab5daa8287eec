"""The providers read from the environment (pure: no app), and what an app with them loads at start-up."""

import os
import subprocess
import sys

import pytest

from blueprints.sso.providers import ProviderConfigError, providers_from, settings_from_environment
from tests.conftest import PROJECT_ROOT


def test_providers_are_read_from_their_variables_in_order():
    environ = {
        "SSO_PROVIDERS": "myndigheten, kommun-federation",
        "SSO_MYNDIGHETEN_PROTOCOL": "oidc",
        "SSO_MYNDIGHETEN_LABEL": "Myndighetens konto",
        "SSO_MYNDIGHETEN_ISSUER": "https://login.microsoftonline.com/abc/v2.0/",
        "SSO_MYNDIGHETEN_CLIENT_ID": "id",
        "SSO_MYNDIGHETEN_CLIENT_SECRET": "hemligt",
        "SSO_MYNDIGHETEN_TRUST_EMAIL": "true",
        "SSO_MYNDIGHETEN_EMAIL_CLAIM": "preferred_username",
        "SSO_KOMMUN_FEDERATION_PROTOCOL": "SAML",
        "SSO_KOMMUN_FEDERATION_IDP_METADATA": "https://md.example/idp.xml",
        "SSO_OTHER_PROTOCOL": "oidc",  # not named in SSO_PROVIDERS: ignored
    }
    providers = providers_from(settings_from_environment(environ))
    assert list(providers) == ["myndigheten", "kommun-federation"]
    agency, federation = providers.values()
    assert agency.is_oidc and agency.issuer == "https://login.microsoftonline.com/abc/v2.0"  # no trailing slash
    assert (agency.trust_email, agency.create_accounts, agency.email_claim) == (True, False, "preferred_username")
    assert agency.scopes == "openid email profile"
    assert "hemligt" not in repr(agency)
    assert federation.is_saml and federation.label == "kommun-federation"
    assert (federation.email_claim, federation.name_claim, federation.groups_claim) == (
        "mail",
        "displayName",
        "memberOf",
    )


def test_nothing_configured_is_no_provider():
    assert providers_from(settings_from_environment({})) == {}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"protocol": "oidc", "issuer": "https://x", "client_id": "a"}, "SSO_A_CLIENT_SECRET"),
        ({"protocol": "saml"}, "SSO_A_IDP_METADATA"),
        ({"protocol": "ldap"}, "PROTOCOL must be 'oidc' or 'saml'"),
        ({}, "PROTOCOL must be"),
    ],
)
def test_settings_that_cannot_work_are_named(settings, message):
    with pytest.raises(ProviderConfigError, match=message):
        providers_from({"a": settings})


def test_a_name_must_fit_in_an_address():
    with pytest.raises(ProviderConfigError, match="use a-z"):
        providers_from({"Min IdP": {"protocol": "saml", "idp_metadata": "x"}})


def test_the_app_refuses_to_start_with_settings_that_cannot_work(database_url):
    from app import create_app
    from tests.conftest import base_config

    with pytest.raises(RuntimeError, match="SSO_A_CLIENT_SECRET"):
        create_app(
            base_config(database_url, SSO_PROVIDERS={"a": {"protocol": "oidc", "issuer": "x", "client_id": "y"}})
        )


OIDC = {
    "SSO_PROVIDERS": "entra",
    "SSO_ENTRA_PROTOCOL": "oidc",
    "SSO_ENTRA_ISSUER": "https://login.example/t/v2.0",
    "SSO_ENTRA_CLIENT_ID": "kopkraft",
    "SSO_ENTRA_CLIENT_SECRET": "a-client-secret",
}
SAML = {"SSO_PROVIDERS": "fed", "SSO_FED_PROTOCOL": "saml", "SSO_FED_IDP_METADATA": "https://md.example/i.xml"}


@pytest.mark.parametrize(
    ("environ", "loaded"),
    [
        ({}, {"saml2": False, "authlib": False}),
        (SAML, {"saml2": True, "authlib": False}),
        (OIDC, {"saml2": False, "authlib": True}),
    ],
    ids=["none", "saml", "oidc"],
)
def test_sign_in_libraries_are_loaded_at_start_only_where_their_provider_is_set(environ, loaded):
    """pysaml2 (0.7 s to import) and Authlib (0.2 s) are loaded by no process of an app without their kind of
    provider, and at start-up (before gunicorn forks its workers) by one with it, not at a person's first
    sign-in."""
    probe = (
        "import sys; from app import create_app; create_app(); "
        "print(' '.join(str(name in sys.modules) for name in ('saml2', 'authlib')))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SSO_")},
        "SECRET_KEY": "a-secret-key-for-this-probe-only",
        **environ,
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == f"{loaded['saml2']} {loaded['authlib']}"
