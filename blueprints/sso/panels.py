"""What the sign-in area adds to the login page: a button per provider, and after signing out the offer to
sign out at the provider too."""

from typing import Any

from flask import session

from blueprints.sso.oidc import has_logout
from blueprints.sso.services import PROVIDER_KEY, configured_providers


def login_providers(*, user: Any, **_: Any) -> dict[str, Any] | None:
    """The configured providers (none: no panel), and the one just signed out of when it has a logout page."""
    providers = configured_providers()
    if not providers or user is not None:
        return None
    last = providers.get(session.get(PROVIDER_KEY, ""))
    return {
        "providers": list(providers.values()),
        "signed_out_of": last if last is not None and has_logout(last) else None,
    }
