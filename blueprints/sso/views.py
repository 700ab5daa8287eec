"""Signing in through a provider (OpenID Connect or SAML), its metadata, the provider's logout, and the admins'
settings page."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, abort, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.accounts.identify import sign_in_browser
from blueprints.accounts.models import User
from blueprints.core.access import permission_required, public
from blueprints.core.actions import form_status, perform
from blueprints.core.audit import record_event
from blueprints.core.db import db
from blueprints.core.forms import EmptyForm
from blueprints.core.htmx import render
from blueprints.core.security import safe_next_url
from blueprints.core.urls import public_url
from blueprints.organisations.models import Organisation
from blueprints.organisations.queries import organisation_choices
from blueprints.sso import oidc, saml
from blueprints.sso.blueprint import bp
from blueprints.sso.forms import GroupRoleForm, ProviderSettingForm
from blueprints.sso.models import SsoGroupRole
from blueprints.sso.policies import MANAGE_SIGN_IN
from blueprints.sso.providers import Provider
from blueprints.sso.queries import group_roles_of, linked_accounts_by_provider
from blueprints.sso.services import (
    PROVIDER_KEY,
    SsoRefused,
    add_group_role,
    configured_providers,
    count_callback,
    outstanding_saml_requests,
    passwords_allowed,
    provider_named,
    record_refusal,
    refused,
    remember_saml_request,
    remove_group_role,
    set_passwords_allowed,
    sign_in_with,
    spend_saml_answer,
)

NEXT_KEY = "sso_next"  # where the person was going, kept in the session while the provider asks who they are


def refusals_shown(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """A refused sign-in is rolled back, written to the audit log and shown on a page of its own with its
    status (4xx), never a 500."""

    @wraps(view)
    def wrapped(name: str, **kwargs: Any) -> ResponseReturnValue:
        try:
            return view(name, **kwargs)
        except SsoRefused as error:
            db.session.rollback()
            record_refusal(name, error.message)
            return render("sso/refused.html", message=error.message, status=error.status_code)

    return wrapped


def _signed_in(provider: Provider, user: User, next_url: str | None) -> ResponseReturnValue:
    sign_in_browser(user)
    session[PROVIDER_KEY] = provider.name
    record_event("sso_login", object_type="User", object_id=user.id, actor_email=user.email, summary=provider.name)
    db.session.commit()
    flash(_("Du är inloggad."), "success")
    return redirect(safe_next_url(next_url, url_for("site.index")), 303)


@bp.get("/sso/<name>/login")
@public
@refusals_shown
def login(name: str) -> ResponseReturnValue:
    """Send the browser to the provider to sign in."""
    provider = provider_named(name)
    next_url = safe_next_url(request.args.get("next"), "") or None
    if provider.is_oidc:
        session[NEXT_KEY] = next_url
        return oidc.start(provider, public_url("sso.callback", name=name))
    request_id, location = saml.start(provider)
    remember_saml_request(provider=name, request_id=request_id, next_url=next_url)
    db.session.commit()
    return redirect(location)


@bp.get("/sso/<name>/callback")
@public
@refusals_shown
def callback(name: str) -> ResponseReturnValue:
    """An OpenID provider's answer: the code is exchanged and the ID token checked before anyone signs in."""
    provider = provider_named(name)
    if not provider.is_oidc:
        abort(404)
    count_callback()
    claims = oidc.finish(provider)
    user = sign_in_with(provider=provider, claims=claims)
    return _signed_in(provider, user, session.pop(NEXT_KEY, None))


@bp.post("/sso/<name>/acs")
@public
@refusals_shown
def assertion_consumer(name: str) -> ResponseReturnValue:
    """A SAML provider's answer (HTTP-POST binding): checked, used once, then the person is signed in."""
    provider = provider_named(name)
    if not provider.is_saml:
        abort(404)
    count_callback()
    answer = request.form.get("SAMLResponse", "")
    if not answer:
        raise refused(_("Svaret från inloggningstjänsten saknas. Logga in igen."), 400)
    claims, request_id, assertion_id, expires_at = saml.finish(provider, answer, outstanding_saml_requests(name))
    if not claims.subject:
        raise refused(_("Svaret från inloggningstjänsten kunde inte kontrolleras."), 400)
    next_url = spend_saml_answer(provider=name, request_id=request_id, assertion_id=assertion_id, expires_at=expires_at)
    user = sign_in_with(provider=provider, claims=claims)
    return _signed_in(provider, user, next_url)


@bp.get("/sso/<name>/metadata")
@public
@refusals_shown
def metadata(name: str) -> ResponseReturnValue:
    """The service provider's SAML metadata (for the IdP or the federation's registration)."""
    provider = provider_named(name)
    if not provider.is_saml:
        abort(404)
    return Response(saml.metadata_xml(provider), mimetype="application/samlmetadata+xml")


@bp.get("/sso/<name>/logga-ut")
@public
@refusals_shown
def provider_logout(name: str) -> ResponseReturnValue:
    """After signing out of Köpkraft: sign out at the provider too (its end-session page), then back here."""
    provider = provider_named(name)
    if session.get(PROVIDER_KEY) != name:
        abort(404)
    url = oidc.logout_url(provider, public_url("accounts.login"))
    if url is None:
        abort(404)
    session.pop(PROVIDER_KEY, None)
    return redirect(url)


# --- the admins' page ---------------------------------------------------------------------------------------


def _group_form(name: str, **kwargs: Any) -> GroupRoleForm:
    form = GroupRoleForm(prefix=name, **kwargs)  # one form per provider on the page: their fields need ids of their own
    form.organisation_id.choices = [(0, _("Ingen")), *organisation_choices()]
    return form


def _settings_page(*, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """The page, with ``forms`` (by their prefix's provider and kind) shown as sent."""
    providers = list(configured_providers().values())
    return render(
        "sso/settings.html",
        providers=providers,
        linked=linked_accounts_by_provider(),
        mappings=group_roles_of([p.name for p in providers]),
        metadata_urls={p.name: public_url("sso.metadata", name=p.name) for p in providers if p.is_saml},
        setting_forms={
            p.name: forms.get(f"setting_{p.name}")
            or ProviderSettingForm(formdata=None, prefix=p.name, passwords_allowed=passwords_allowed(p.name))
            for p in providers
        },
        group_forms={p.name: forms.get(f"group_{p.name}") or _group_form(p.name, formdata=None) for p in providers},
        action_form=EmptyForm(),
        status=status,
    )


@bp.get("/admin/inloggning")
@permission_required(MANAGE_SIGN_IN)
def settings() -> ResponseReturnValue:
    """The configured providers, what their accounts may do, and which groups give which role."""
    return _settings_page()


@bp.post("/admin/inloggning/<name>")
@permission_required(MANAGE_SIGN_IN)
def change_setting(name: str) -> ResponseReturnValue:
    """Allow or stop password sign-in for a provider's linked accounts."""
    if name not in configured_providers():
        abort(404)
    form = ProviderSettingForm(prefix=name)
    if form.validate_on_submit():
        perform(lambda: set_passwords_allowed(provider=name, allowed=bool(form.passwords_allowed.data)))
        flash(_("Inställningen är sparad."), "success")
        return redirect(url_for("sso.settings"), 303)
    return _settings_page(status=form_status(form), **{f"setting_{name}": form})


@bp.post("/admin/inloggning/<name>/grupper")
@permission_required(MANAGE_SIGN_IN)
def add_group(name: str) -> ResponseReturnValue:
    """Let a provider's group give a role."""
    if name not in configured_providers():
        abort(404)
    form = _group_form(name)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data or 0)
        added = perform(
            lambda: add_group_role(
                provider=name,
                group_name=form.group_name.data or "",
                role=form.role.data or "",
                organisation=organisation,
            ),
            form=form,
        )
        if added is not None:
            flash(_("Gruppen ger nu rollen."), "success")
            return redirect(url_for("sso.settings"), 303)
    return _settings_page(status=form_status(form), **{f"group_{name}": form})


@bp.post("/admin/inloggning/grupper/<int:row_id>/ta-bort")
@permission_required(MANAGE_SIGN_IN)
def remove_group(row_id: int) -> ResponseReturnValue:
    """Stop a group from giving its role."""
    row = db.get_or_404(SsoGroupRole, row_id)
    perform(lambda: remove_group_role(row=row))
    flash(_("Gruppen ger inte längre rollen."), "success")
    return redirect(url_for("sso.settings"), 303)
