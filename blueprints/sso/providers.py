"""The identity providers Köpkraft trusts, read from the environment (pure: no Flask).

``SSO_PROVIDERS`` names them, comma-separated; each name's settings are ``SSO_<NAME>_<SETTING>``:

- every provider: ``PROTOCOL`` (``oidc`` or ``saml``), ``LABEL`` (the login button's text), ``CREATE_ACCOUNTS``
  (a first sign-in without an account creates one; otherwise only invited or existing accounts are linked),
  ``TRUST_EMAIL`` (the provider's e-mail addresses count as verified without an ``email_verified`` claim: an
  organisation's own directory, such as Entra ID), and the claims or attributes that carry the e-mail
  (``EMAIL_CLAIM``), the name (``NAME_CLAIM``), the groups (``GROUPS_CLAIM``) and the organisationsnummer
  (``ORG_NUMBER_CLAIM``);
- OpenID Connect: ``ISSUER``, ``CLIENT_ID``, ``CLIENT_SECRET``, ``SCOPES``;
- SAML 2.0: ``IDP_METADATA`` (a file or an https URL), ``SP_CERT`` and ``SP_KEY`` (files: the service
  provider's own certificate and key, for signed requests and encrypted assertions).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OIDC, SAML = "oidc", "saml"
NAME = re.compile(r"^[a-z][a-z0-9-]{0,29}$")


class ProviderConfigError(ValueError):
    """The provider settings cannot work (named in the message, for the operator)."""


@dataclass(frozen=True)
class Provider:
    """One configured identity provider."""

    name: str
    protocol: str
    label: str
    create_accounts: bool = False
    trust_email: bool = False
    email_claim: str = "email"
    name_claim: str = "name"
    groups_claim: str = "groups"
    org_number_claim: str = ""
    # OpenID Connect
    issuer: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    scopes: str = "openid email profile"
    # SAML 2.0
    idp_metadata: str = ""
    sp_cert: str = ""
    sp_key: str = field(default="", repr=False)

    @property
    def is_oidc(self) -> bool:
        """True for an OpenID Connect provider."""
        return self.protocol == OIDC

    @property
    def is_saml(self) -> bool:
        """True for a SAML 2.0 identity provider."""
        return self.protocol == SAML


_REQUIRED = {OIDC: ("issuer", "client_id", "client_secret"), SAML: ("idp_metadata",)}
_SAML_DEFAULTS = {"email_claim": "mail", "name_claim": "displayName", "groups_claim": "memberOf"}
_FLAGS = ("create_accounts", "trust_email")


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in {"1", "true", "yes", "on"}


def provider_from(name: str, settings: Mapping[str, Any]) -> Provider:
    """A provider from its settings (lower-case keys, as in ``Provider``); raises ProviderConfigError."""
    if not NAME.match(name):
        raise ProviderConfigError(f"SSO provider name {name!r}: use a-z, 0-9 and '-', starting with a letter")
    protocol = str(settings.get("protocol", "")).strip().lower()
    if protocol not in _REQUIRED:
        raise ProviderConfigError(f"SSO provider {name!r}: PROTOCOL must be 'oidc' or 'saml'")
    known = set(Provider.__dataclass_fields__) - {"name", "protocol"}
    values: dict[str, Any] = {**(_SAML_DEFAULTS if protocol == SAML else {})}
    for key, value in settings.items():
        if key in known and value not in (None, ""):
            values[key] = _flag(value) if key in _FLAGS else str(value).strip()
    missing = [key.upper() for key in _REQUIRED[protocol] if not values.get(key)]
    if missing:
        raise ProviderConfigError(f"SSO provider {name!r} needs " + ", ".join(f"SSO_{_env(name)}_{m}" for m in missing))
    if values.get("issuer"):
        values["issuer"] = values["issuer"].rstrip("/")
    values.setdefault("label", name)
    return Provider(name=name, protocol=protocol, **values)


def _env(name: str) -> str:
    return name.upper().replace("-", "_")


def settings_from_environment(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``SSO_PROVIDERS`` and each provider's ``SSO_<NAME>_*`` variables, as settings by provider name."""
    names = [n.strip().lower() for n in environ.get("SSO_PROVIDERS", "").split(",") if n.strip()]
    settings = {}
    for name in names:
        prefix = f"SSO_{_env(name)}_"
        settings[name] = {key[len(prefix) :].lower(): value for key, value in environ.items() if key.startswith(prefix)}
    return settings


def providers_from(settings: Mapping[str, Mapping[str, Any]]) -> dict[str, Provider]:
    """Every configured provider by name, in the configured order; raises ProviderConfigError."""
    return {name: provider_from(name, values) for name, values in settings.items()}
