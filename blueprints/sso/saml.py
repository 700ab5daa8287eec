"""SAML 2.0 with pysaml2 as the service provider: requests by HTTP-Redirect, answers by HTTP-POST, signed
assertions required, audience and recipient checked by pysaml2, and each request answered once (the requests
and used assertions are kept in the database: see services).

pysaml2 reads XML schemas when it is imported (0.7 s): it is imported at start-up only where a SAML provider
is configured (``load_library``), so no other process (the job worker, each `flask` command, an app without
SAML) pays for it, and the first sign-in of a web worker does not either."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from blueprints.core.urls import public_url
from blueprints.sso.providers import Provider
from blueprints.sso.services import Claims, SsoRefused, refused

if TYPE_CHECKING:
    from saml2.config import SPConfig

EXTENSION_KEY = "sso.saml"
CLOCK_SKEW_SECONDS = 60


def load_library() -> None:
    """Import pysaml2 now rather than at the first sign-in (called at start-up when a SAML provider is set)."""
    import saml2.client  # noqa: F401


def _config(provider: Provider) -> SPConfig:
    """The service provider's configuration for ``provider`` (its metadata read once per app)."""
    from saml2 import BINDING_HTTP_POST
    from saml2.config import SPConfig
    from saml2.sigver import get_xmlsec_binary

    configs: dict[str, SPConfig] = current_app.extensions.setdefault(EXTENSION_KEY, {})
    if provider.name not in configs:
        metadata: dict[str, Any] = (
            {"remote": [{"url": provider.idp_metadata}]}
            if provider.idp_metadata.startswith(("https://", "http://"))
            else {"local": [provider.idp_metadata]}
        )
        signing = {"key_file": provider.sp_key, "cert_file": provider.sp_cert} if provider.sp_key else {}
        config = SPConfig()
        config.load(
            {
                "entityid": public_url("sso.metadata", name=provider.name),
                "service": {
                    "sp": {
                        "name": "Köpkraft",
                        "endpoints": {
                            "assertion_consumer_service": [
                                (public_url("sso.assertion_consumer", name=provider.name), BINDING_HTTP_POST)
                            ],
                        },
                        "want_assertions_signed": True,
                        "want_response_signed": False,
                        "allow_unsolicited": False,
                        "authn_requests_signed": bool(signing),
                    },
                },
                "metadata": metadata,
                "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
                "accepted_time_diff": CLOCK_SKEW_SECONDS,
                "allow_unknown_attributes": True,
                **signing,
            }
        )
        configs[provider.name] = config
    return configs[provider.name]


def metadata_xml(provider: Provider) -> str:
    """The service provider's metadata, for the federation or the IdP's administrator."""
    from saml2.metadata import entity_descriptor

    return str(entity_descriptor(_config(provider)))


def _idp_entity_id(config: SPConfig) -> str:
    idps = list(config.metadata.identity_providers())
    if len(idps) != 1:
        raise SsoRefused(
            str(_l("Inloggningstjänsten är inte rätt inställd. Kontakta myndighetens administratör.")), status_code=502
        )
    return idps[0]


def start(provider: Provider) -> tuple[str, str]:
    """An authentication request for the provider: its id and the URL that sends the browser there."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.client import Saml2Client

    config = _config(provider)
    client = Saml2Client(config=config)
    request_id, info = client.prepare_for_authenticate(
        entityid=_idp_entity_id(config), binding=BINDING_HTTP_REDIRECT, sign=bool(provider.sp_key)
    )
    location = dict(info["headers"])["Location"]
    return request_id, location


def finish(provider: Provider, saml_response: str, outstanding: dict[str, str]) -> tuple[Claims, str, str, datetime]:
    """The provider's POSTed answer, checked: the claims, the request it answers, the assertion's id and when it
    expires. SsoRefused says what went wrong."""
    from saml2 import BINDING_HTTP_POST
    from saml2.client import Saml2Client
    from saml2.validate import ResponseLifetimeExceed, ToEarly

    client = Saml2Client(config=_config(provider))
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)
    except (ResponseLifetimeExceed, ToEarly):
        raise refused(_l("Inloggningen har gått ut. Logga in igen."), 400) from None
    except Exception as error:
        raise _refusal(error) from None
    if response is None or response.assertion is None:
        raise refused(_l("Svaret från inloggningstjänsten kunde inte kontrolleras."), 400)
    assertion = response.assertion
    return (
        claims_of(provider, response.name_id.text if response.name_id else "", response.ava),
        response.in_response_to,
        assertion.id,
        _expiry(response),
    )


def _refusal(error: Exception) -> SsoRefused:
    text = str(error)
    if "Unsolicited" in type(error).__name__ or "Unsolicited" in text:
        message = _l("Svaret från inloggningstjänsten har redan använts eller var inte begärt. Logga in igen.")
    elif "AudienceRestrictions" in text:
        message = _l("Svaret från inloggningstjänsten var inte avsett för Köpkraft.")
    elif "recipient" in text.lower():
        message = _l("Svaret från inloggningstjänsten var ställt till en annan adress.")
    else:
        message = _l("Svaret från inloggningstjänsten kunde inte kontrolleras.")
    return SsoRefused(str(message), status_code=400)


def _expiry(response: Any) -> datetime:
    not_on_or_after = getattr(response, "not_on_or_after", 0) or 0
    return datetime.fromtimestamp(int(not_on_or_after), UTC) if not_on_or_after else datetime.now(UTC)


def _first(values: Any) -> str:
    if isinstance(values, (list, tuple)):
        return str(values[0]) if values else ""
    return str(values or "")


def claims_of(provider: Provider, name_id: str, ava: dict[str, Any]) -> Claims:
    """The assertion's attributes in Köpkraft's terms, by the attribute names configured for the provider. An
    e-mail address in a signed assertion of a configured IdP counts as verified."""
    groups = ava.get(provider.groups_claim) or []
    return Claims(
        subject=name_id,
        email=_first(ava.get(provider.email_claim)),
        email_verified=True,
        name=_first(ava.get(provider.name_claim)),
        groups=tuple(str(g) for g in (groups if isinstance(groups, (list, tuple)) else [groups])),
        org_number=_first(ava.get(provider.org_number_claim)) if provider.org_number_claim else "",
    )
