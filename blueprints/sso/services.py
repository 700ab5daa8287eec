"""Signing in with what a provider vouches for: link or create the account, let roles follow the provider's
groups, refuse what must be refused (with a message the person understands), and limit the rate of answers."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr

from blueprints.accounts.models import User
from blueprints.accounts.services import normalise_email, update_user_access
from blueprints.core.audit import record_event
from blueprints.core.db import DomainError, db, rows_changed, utcnow
from blueprints.core.roles import ADMIN, BUYER, ROLES
from blueprints.organisations.models import Organisation
from blueprints.sso.models import SamlAssertion, SamlRequest, SsoCallback, SsoGroupRole, SsoIdentity, SsoProviderSetting
from blueprints.sso.providers import Provider, ProviderConfigError, providers_from

EXTENSION_KEY = "sso.providers"
# In the browser's session: the provider it signed in with; kept at sign-out, so the login page can offer to
# sign out at the provider too.
PROVIDER_KEY = "sso_provider"


class SsoRefused(DomainError):
    """A sign-in through a provider that is refused; the message says why, in the person's language."""

    status_code = 403


def refused(message: object, status: int = 403) -> SsoRefused:
    """A refusal with a (lazily) translated message."""
    return SsoRefused(str(message), status_code=status)


@dataclass(frozen=True)
class Claims:
    """What a provider says about the person who signed in."""

    subject: str
    email: str = ""
    email_verified: bool = False
    name: str = ""
    groups: tuple[str, ...] = ()
    org_number: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def configured_providers() -> dict[str, Provider]:
    """The app's providers by name, read from its configuration once."""
    extensions = current_app.extensions
    if EXTENSION_KEY not in extensions:
        extensions[EXTENSION_KEY] = providers_from(current_app.config.get("SSO_PROVIDERS") or {})
    return extensions[EXTENSION_KEY]  # type: ignore[no-any-return]


def check_configuration(settings: dict[str, dict[str, str]]) -> dict[str, Provider]:
    """The providers; raise at start-up when one's settings cannot work (the operator reads it in the log)."""
    try:
        return providers_from(settings)
    except ProviderConfigError as error:
        raise RuntimeError(str(error)) from error


def provider_named(name: str) -> Provider:
    """The configured provider ``name``, or a 404 with a message."""
    provider = configured_providers().get(name)
    if provider is None:
        raise refused(_l("Det finns ingen sådan inloggningstjänst."), 404)
    return provider


# --- the rate of answers --------------------------------------------------------------------------------


def count_callback() -> None:
    """Count a provider's answer from this client address; refuse (429) beyond SSO_CALLBACKS_PER_CLIENT in
    SSO_CALLBACK_WINDOW_MINUTES. Written at once, so a refused sign-in still counts."""
    client, now = (request.remote_addr or "")[:64], utcnow()
    window_start = now - timedelta(minutes=current_app.config["SSO_CALLBACK_WINDOW_MINUTES"])
    recent = db.session.scalar(
        sa.select(sa.func.count()).where(SsoCallback.ip_address == client, SsoCallback.at > window_start)
    )
    if (recent or 0) >= current_app.config["SSO_CALLBACKS_PER_CLIENT"]:
        raise SsoRefused(
            str(_l("För många inloggningsförsök från din adress. Försök igen om en stund.")), status_code=429
        )
    db.session.add(SsoCallback(ip_address=client, at=now))
    db.session.commit()


# --- signing in -----------------------------------------------------------------------------------------


def sign_in_with(*, provider: Provider, claims: Claims) -> User:
    """The account for what the provider vouches for: linked before, or linked now by verified e-mail, or
    created where the provider is trusted to; roles and organisation follow the provider's groups and
    organisationsnummer where the admins' mapping says so."""
    identity = db.session.scalar(
        sa.select(SsoIdentity).where(SsoIdentity.provider == provider.name, SsoIdentity.subject == claims.subject)
    )
    user = identity.user if identity is not None else _account_to_link(provider, claims)
    if not user.is_active:
        raise refused(_l("Ditt konto i Köpkraft är inaktiverat. Kontakta myndighetens administratör."))
    _follow_provider(provider, claims, user)
    now = utcnow()
    if identity is None:
        identity = SsoIdentity(provider=provider.name, subject=claims.subject, user=user)
        db.session.add(identity)
        record_event("sso_linked", object_type="User", object_id=user.id, actor_email=user.email, summary=provider.name)
    identity.last_login_at = user.last_login_at = now
    return user


def _account_to_link(provider: Provider, claims: Claims) -> User:
    email = normalise_email(claims.email)
    if not email:
        raise refused(_l("Inloggningstjänsten skickade ingen e-postadress, så vi kan inte hitta ditt konto."))
    if not (claims.email_verified or provider.trust_email):
        raise refused(
            _l("Din e-postadress är inte bekräftad hos inloggningstjänsten. Bekräfta den där och försök igen.")
        )
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is not None:
        return user
    if not provider.create_accounts:
        raise SsoRefused(
            str(
                _l(
                    "Det finns inget konto i Köpkraft för %(email)s. Be myndighetens handläggare om en inbjudan.",
                    email=email,
                )
            )
        )
    user = User(email=email, name=(claims.name or email).strip()[:200], language="sv")
    db.session.add(user)
    db.session.flush()
    record_event("sso_account_created", object_type="User", object_id=user.id, actor_email=email, summary=provider.name)
    return user


def _organisation_by_number(number: str) -> Organisation:
    try:
        normalised = orgnr.validate(number)
    except StdnumValidationError:
        raise refused(_l("Inloggningstjänsten skickade ett ogiltigt organisationsnummer.")) from None
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.org_number == normalised))
    if organisation is None:
        raise SsoRefused(
            str(
                _l(
                    "Organisationen %(number)s finns inte i Köpkraft. Kontakta myndighetens handläggare.",
                    number=orgnr.format(normalised),
                )
            )
        )
    return organisation


def _follow_provider(provider: Provider, claims: Claims, user: User) -> None:
    """Roles from the mapped groups (when any maps), organisation from the organisationsnummer claim or the
    mapping; an account that ends up with no role, or a buyer with no organisation, is refused."""
    mapped = mapped_groups(provider.name, claims.groups)
    roles = {row.role for row in mapped} or set(user.roles)
    organisation = user.organisation
    mapped_organisation = next((row.organisation for row in mapped if row.organisation is not None), None)
    if claims.org_number:
        organisation = _organisation_by_number(claims.org_number)
    elif mapped_organisation is not None:
        organisation = mapped_organisation
    if not roles and organisation is not None:
        roles = {BUYER}  # a new account of a known organisation, from a provider trusted to create accounts
    if not roles:
        raise refused(_l("Ditt konto har ingen behörighet i Köpkraft. Kontakta myndighetens handläggare."))
    if BUYER in roles and organisation is None:
        raise refused(_l("Vi vet inte vilken organisation du tillhör. Kontakta myndighetens handläggare."))
    if roles != user.roles or organisation is not user.organisation:
        update_user_access(user=user, roles=roles, organisation=organisation)


def mapped_groups(provider: str, groups: Iterable[str]) -> list[SsoGroupRole]:
    """The mapping's rows for these groups of the provider."""
    names = list(groups)
    if not names:
        return []
    return list(
        db.session.scalars(
            sa.select(SsoGroupRole)
            .where(SsoGroupRole.provider == provider, SsoGroupRole.group_name.in_(names))
            .options(sa.orm.joinedload(SsoGroupRole.organisation))
        )
    )


def record_refusal(provider: str, message: str) -> None:
    """A refused sign-in in the audit log, in its own transaction (the request's work is rolled back)."""
    from blueprints.core.audit import record_event_now

    record_event_now("sso_refused", object_type="User", actor_email="", summary=f"{provider}: {message}"[:500])


# --- SAML answers used once -------------------------------------------------------------------------------


def remember_saml_request(*, provider: str, request_id: str, next_url: str | None) -> None:
    """Keep the request the provider must answer."""
    db.session.add(SamlRequest(id=request_id, provider=provider, next_url=next_url))


def outstanding_saml_requests(provider: str) -> dict[str, str]:
    """The provider's unanswered requests of the last SSO_SAML_REQUEST_MINUTES, as pysaml2 wants them."""
    since = utcnow() - timedelta(minutes=current_app.config["SSO_SAML_REQUEST_MINUTES"])
    rows = db.session.scalars(
        sa.select(SamlRequest.id).where(
            SamlRequest.provider == provider, SamlRequest.used_at.is_(None), SamlRequest.created_at > since
        )
    )
    return {request_id: "" for request_id in rows}


def spend_saml_answer(*, provider: str, request_id: str, assertion_id: str, expires_at) -> str | None:  # type: ignore[no-untyped-def]
    """Mark the request answered and the assertion used; refuse an assertion seen before. Returns where the
    person was going."""
    if db.session.get(SamlAssertion, assertion_id) is not None:
        raise refused(_l("Svaret från inloggningstjänsten har redan använts. Logga in igen."), 400)
    answered = db.session.get(SamlRequest, request_id)
    if answered is None or answered.used_at is not None or answered.provider != provider:
        raise refused(_l("Svaret från inloggningstjänsten har redan använts. Logga in igen."), 400)
    answered.used_at = utcnow()
    db.session.add(SamlAssertion(id=assertion_id, provider=provider, expires_at=expires_at))
    return answered.next_url


# --- what admins set --------------------------------------------------------------------------------------


def passwords_allowed(provider: str) -> bool:
    """Whether accounts linked to the provider may also sign in with a password."""
    setting = db.session.get(SsoProviderSetting, provider)
    return setting is not None and setting.passwords_allowed


def set_passwords_allowed(*, provider: str, allowed: bool) -> None:
    """Allow or stop password sign-in for the provider's linked accounts."""
    setting = db.session.get(SsoProviderSetting, provider) or SsoProviderSetting(provider=provider)
    setting.passwords_allowed = allowed
    db.session.add(setting)
    record_event("sso_setting_changed", object_type="User", summary=f"{provider}: passwords_allowed={allowed}")


def add_group_role(*, provider: str, group_name: str, role: str, organisation: Organisation | None) -> SsoGroupRole:
    """Map a provider's group to a role (and for buyers an organisation)."""
    group_name = group_name.strip()
    if role not in ROLES:
        raise DomainError(str(_l("Välj en roll.")), field="role")
    if role == BUYER and organisation is None:
        raise DomainError(str(_l("En beställare måste höra till en organisation.")), field="organisation")
    exists = db.session.scalar(
        sa.select(SsoGroupRole.id).where(
            SsoGroupRole.provider == provider, SsoGroupRole.group_name == group_name, SsoGroupRole.role == role
        )
    )
    if exists is not None:
        raise DomainError(str(_l("Gruppen ger redan den rollen.")), field="group_name")
    row = SsoGroupRole(provider=provider, group_name=group_name, role=role, organisation=organisation)
    db.session.add(row)
    db.session.flush()
    record_event("sso_group_mapped", object_type="User", summary=f"{provider}: {group_name} → {role}")
    return row


def remove_group_role(*, row: SsoGroupRole) -> None:
    """Stop a group from giving its role (accounts keep their roles until their next sign-in)."""
    record_event("sso_group_unmapped", object_type="User", summary=f"{row.provider}: {row.group_name} → {row.role}")
    db.session.delete(row)


def password_refusal(user: User) -> str | None:
    """Why a linked account may not sign in with a password, or None (admins always may: the way in when a
    provider is down)."""
    if user.has_role(ADMIN):
        return None
    linked = db.session.scalars(sa.select(SsoIdentity.provider).where(SsoIdentity.user_id == user.id)).all()
    providers = configured_providers()
    for name in linked:
        if name in providers and not passwords_allowed(name):
            return str(_l("Logga in med %(provider)s.", provider=providers[name].label))
    return None


def purge_sso() -> str:
    """Delete what no longer protects anything: counted answers past the window, requests past their time,
    assertions past their expiry."""
    now = utcnow()
    callbacks = rows_changed(
        sa.delete(SsoCallback).where(
            SsoCallback.at < now - timedelta(minutes=current_app.config["SSO_CALLBACK_WINDOW_MINUTES"])
        )
    )
    requests = rows_changed(
        sa.delete(SamlRequest).where(
            SamlRequest.created_at < now - timedelta(minutes=current_app.config["SSO_SAML_REQUEST_MINUTES"])
        )
    )
    assertions = rows_changed(sa.delete(SamlAssertion).where(SamlAssertion.expires_at < now))
    db.session.commit()
    return f"deleted {callbacks} counted answers, {requests} SAML requests, {assertions} SAML assertions"
