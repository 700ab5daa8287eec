"""Sign-in through the organisation's own identity provider: OpenID Connect (Authlib) and SAML 2.0
(pysaml2), accounts linked by verified e-mail, roles that may follow the provider's groups."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Read the providers (refusing settings that cannot work), register the pages, the login page's buttons,
    the password rule for linked accounts, the audit names and the purge of spent answers."""
    import os
    from datetime import timedelta

    from flask_babel import lazy_gettext as _l

    from blueprints.core.registry import areas
    from blueprints.core.schedule import Task
    from blueprints.sso import models, oidc, panels, saml, views  # noqa: F401 (views attach routes to bp)
    from blueprints.sso.blueprint import bp
    from blueprints.sso.policies import PERMISSIONS
    from blueprints.sso.providers import settings_from_environment
    from blueprints.sso.services import PROVIDER_KEY, check_configuration, password_refusal, purge_sso

    app.config.setdefault("SSO_PROVIDERS", settings_from_environment(os.environ))
    app.config.setdefault("SSO_CALLBACKS_PER_CLIENT", int(os.environ.get("SSO_CALLBACKS_PER_CLIENT", 30)))
    app.config.setdefault("SSO_CALLBACK_WINDOW_MINUTES", 5)
    app.config.setdefault("SSO_SAML_REQUEST_MINUTES", 10)
    providers = check_configuration(app.config["SSO_PROVIDERS"]).values()
    if any(provider.is_saml for provider in providers):
        saml.load_library()
    if any(provider.is_oidc for provider in providers):
        oidc.load_library()
    app.register_blueprint(bp)
    app.extensions["csrf"].exempt(views.assertion_consumer)  # a cross-site POST from the IdP: see saml.py
    registry = areas(app)
    registry.add_permissions(PERMISSIONS)
    registry.add_panel("login.providers", "sso/_login_providers.html", panels.login_providers, order=10)
    registry.add_password_rule(password_refusal)
    registry.keep_at_sign_out(PROVIDER_KEY)
    registry.add_task(Task("purge.sso", purge_sso, every=timedelta(hours=1)))
    registry.add_audit_names(
        actions={
            "sso_login": _l("Loggade in via identitetsleverantör"),
            "sso_linked": _l("Kopplade kontot till en identitetsleverantör"),
            "sso_account_created": _l("Konto skapat vid inloggning via identitetsleverantör"),
            "sso_refused": _l("Inloggning via identitetsleverantör nekad"),
            "sso_setting_changed": _l("Ändrade inställning för identitetsleverantör"),
            "sso_group_mapped": _l("Lät en grupp hos identitetsleverantören ge en roll"),
            "sso_group_unmapped": _l("Tog bort en grupps roll"),
        }
    )
