"""OpenID Connect with Authlib: the authorisation code flow with PKCE (S256), ``state`` and ``nonce`` kept in
the signed session cookie, and the ID token checked (signature by the provider's JWKS, fetched again when a
new key appears; issuer, audience, expiry, nonce) before anything of it is believed.

Authlib (with requests and joserfc, 0.2 s to import) is loaded at start-up where an OpenID provider is set
(``load_library``), never in an app without one."""

from typing import TYPE_CHECKING, Any

from flask import current_app
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from blueprints.sso.providers import Provider
from blueprints.sso.services import Claims, SsoRefused, refused

EXTENSION_KEY = "sso.oidc"
TIMEOUT_SECONDS = 10
LEEWAY_SECONDS = 60  # clocks differ a little between servers; an ID token a minute past its expiry is refused

if TYPE_CHECKING:
    from joserfc.errors import InvalidClaimError


def load_library() -> None:
    """Import Authlib now rather than at the first sign-in (called at start-up when an OpenID provider is set)."""
    import authlib.integrations.flask_client  # noqa: F401


def _fetch_failures() -> tuple[type[Exception], ...]:
    """What asking the provider may raise: network errors (OSError), Authlib's own, and unusable answers."""
    from authlib.common.errors import AuthlibBaseError

    return (OSError, AuthlibBaseError, ValueError, KeyError, RuntimeError)


def _client(provider: Provider) -> Any:
    """The provider's Authlib client in this app (its metadata and keys are fetched once, then kept)."""
    from authlib.integrations.flask_client import OAuth

    oauth = current_app.extensions.get(EXTENSION_KEY)
    if oauth is None:
        oauth = current_app.extensions[EXTENSION_KEY] = OAuth(current_app)
    client = oauth.create_client(provider.name)
    if client is None:
        client = oauth.register(
            provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256", "timeout": TIMEOUT_SECONDS},
        )
    return client


# requests' errors (the provider unreachable, a timeout) are OSErrors.
def _unreachable() -> SsoRefused:
    return refused(_l("Inloggningstjänsten svarar inte just nu. Försök igen om en stund."), 502)


def start(provider: Provider, callback_url: str) -> ResponseReturnValue:
    """Send the browser to the provider (a nonce is made for the openid scope)."""
    try:
        return _client(provider).authorize_redirect(callback_url)
    except _fetch_failures():
        raise _unreachable() from None


def finish(provider: Provider) -> Claims:
    """The provider's answer on the callback, checked, as claims; SsoRefused says what went wrong."""
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError

    client = _client(provider)
    # The audience must name Köpkraft's client id (Authlib on its own only asks for azp when it does not).
    options = {
        "iss": {"essential": True, "values": [provider.issuer]},
        "aud": {"essential": True, "values": [provider.client_id]},
        "sub": {"essential": True},
    }
    try:
        token = client.authorize_access_token(claims_options=options, leeway=LEEWAY_SECONDS)
    except ExpiredTokenError:
        raise refused(_l("Inloggningen har gått ut. Logga in igen."), 400) from None
    except InvalidClaimError as error:
        raise SsoRefused(_claim_message(error), status_code=400) from None
    except JoseError:
        raise refused(_l("Svaret från inloggningstjänsten kunde inte kontrolleras."), 400) from None
    except AuthlibBaseError as error:
        raise _oauth_refusal(error) from None
    except OSError:
        raise _unreachable() from None
    userinfo = token.get("userinfo")
    if not userinfo:  # no ID token, or one without the nonce asked for: nothing was checked
        raise refused(_l("Svaret från inloggningstjänsten kunde inte kontrolleras."), 400)
    return claims_of(provider, dict(userinfo))


def _claim_message(error: "InvalidClaimError") -> str:
    if error.claim == "aud":
        return str(_l("Svaret från inloggningstjänsten var inte avsett för Köpkraft."))
    if error.claim == "iss":
        return str(_l("Svaret kom inte från den inloggningstjänst vi frågade."))
    return str(_l("Svaret från inloggningstjänsten kunde inte kontrolleras."))


def _oauth_refusal(error: Exception) -> SsoRefused:
    if getattr(error, "error", "") == "access_denied":
        return refused(_l("Inloggningen avbröts hos inloggningstjänsten."), 403)
    if getattr(error, "error", "") == "mismatching_state":
        return SsoRefused(
            str(_l("Inloggningen har gått ut eller startades i en annan webbläsare. Logga in igen.")), status_code=400
        )
    return refused(_l("Inloggningstjänsten godtog inte inloggningen. Logga in igen."), 400)


def _as_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value) if isinstance(value, (list, tuple)) else ()


def claims_of(provider: Provider, userinfo: dict[str, Any]) -> Claims:
    """The ID token's claims in Köpkraft's terms, by the claim names configured for the provider."""
    return Claims(
        subject=str(userinfo["sub"]),
        email=str(userinfo.get(provider.email_claim) or ""),
        email_verified=userinfo.get("email_verified") is True,
        name=str(userinfo.get(provider.name_claim) or ""),
        groups=_as_list(userinfo.get(provider.groups_claim)),
        org_number=str(userinfo.get(provider.org_number_claim) or "") if provider.org_number_claim else "",
    )


def has_logout(provider: Provider) -> bool:
    """True when the provider has an end-session page (RP-initiated logout)."""
    if not provider.is_oidc:
        return False
    try:
        return bool(_client(provider).load_server_metadata().get("end_session_endpoint"))
    except _fetch_failures():
        return False


def logout_url(provider: Provider, after: str) -> str | None:
    """The provider's end-session page, coming back to ``after``; None when it has none."""
    try:
        return str(
            _client(provider).create_logout_url(post_logout_redirect_uri=after, client_id=provider.client_id)["url"]
        )
    except _fetch_failures():
        return None
