"""Account operations: sign-in with throttling, sessions, invitations, password reset and change."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from blueprints.accounts.models import (
    AccountToken,
    ApiToken,
    Follow,
    LoginFailure,
    LoginLockout,
    User,
    UserSession,
)
from blueprints.accounts.passwords import hash_password, verify_password
from blueprints.accounts.policies import INVITE_ANY_ROLE
from blueprints.core.audit import record_event
from blueprints.core.db import DomainError, db, rows_changed, utcnow
from blueprints.core.i18n import N_
from blueprints.core.jobs import JobContext, enqueue
from blueprints.core.models import Job
from blueprints.core.outbox import queue_email
from blueprints.core.registry import areas
from blueprints.core.roles import ADMIN, BUYER
from blueprints.core.urls import public_url
from blueprints.organisations.models import Organisation

RESET_JOB = "accounts.password_reset"


class LoginLocked(DomainError):
    """Too many failed sign-ins: the account is locked for a while."""

    status_code = 429


class InvalidCredentials(DomainError):
    """E-mail or password is wrong (never says which)."""


class PasswordNotAllowed(DomainError):
    """The password was right, but the account must sign in another way (through its identity provider)."""

    status_code = 403


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively, without surrounding spaces."""
    return email.strip().lower()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _config_minutes(name: str) -> timedelta:
    return timedelta(minutes=current_app.config[name])


# --- sign-in and throttling -------------------------------------------------------------------------


def _client() -> str:
    """The client's address (the proxy's header when PROXY_FIX_HOPS says how many proxies to trust)."""
    return (request.remote_addr or "")[:64]


def _throttle_refusal(email: str, client: str, now: datetime) -> str | None:
    """Why a sign-in is refused before the password is even checked (no hash is spent on it), or None:
    the account is locked for this client address, or the address has failed too often for any account."""
    locked = db.session.scalar(
        sa.select(LoginLockout.locked_until).where(
            LoginLockout.email == email, LoginLockout.ip_address == client, LoginLockout.locked_until > now
        )
    )
    if locked is not None:
        return str(
            _l("Kontot är tillfälligt låst efter för många misslyckade inloggningar. Försök igen om 15 minuter.")
        )
    from_client = db.session.scalar(
        sa.select(sa.func.count()).where(
            LoginFailure.ip_address == client, LoginFailure.at > now - _config_minutes("LOGIN_WINDOW_MINUTES")
        )
    )
    if (from_client or 0) >= current_app.config["LOGIN_MAX_FAILURES_PER_CLIENT"]:
        return str(_l("För många misslyckade inloggningar från din adress. Försök igen om en stund."))
    return None


def _lock(email: str, client: str, until: datetime) -> None:
    """Insert or extend the lockout in one statement, so two workers failing at once cannot collide."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(LoginLockout).values(email=email, ip_address=client, locked_until=until)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["email", "ip_address"], set_={"locked_until": until})
    )


def _register_failure(email: str, client: str, now: datetime) -> None:
    window_start = now - _config_minutes("LOGIN_WINDOW_MINUTES")
    # The counters stay bounded: what fell out of the window, and lockouts that ended, are gone.
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at <= window_start))
    db.session.execute(sa.delete(LoginLockout).where(LoginLockout.locked_until <= now))
    db.session.add(LoginFailure(email=email, at=now, ip_address=client))
    db.session.flush()
    failures = db.session.scalar(
        sa.select(sa.func.count()).where(
            LoginFailure.email == email, LoginFailure.ip_address == client, LoginFailure.at > window_start
        )
    )
    record_event("login_failure", object_type="User", actor_email=email, summary=email)
    if failures is not None and failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        _lock(email, client, now + _config_minutes("LOGIN_LOCKOUT_MINUTES"))
        # Failures before the lockout are spent; the next window starts afresh after it.
        db.session.execute(
            sa.delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.ip_address == client)
        )
        record_event("lockout", object_type="User", actor_email=email, summary=f"{email} från {client}")


def authenticate(*, email: str, password: str) -> User:
    """Return the active user with these credentials, or raise InvalidCredentials / LoginLocked."""
    email, client, now = normalise_email(email), _client(), utcnow()
    refusal = _throttle_refusal(email, client, now)
    if refusal is not None:
        raise LoginLocked(refusal)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.is_active:
        _register_failure(email, client, now)
        raise InvalidCredentials(str(_l("Fel e-postadress eller lösenord.")))
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.ip_address == client))
    for rule in areas().password_rules:
        refusal = rule(user)
        if refusal is not None:
            raise PasswordNotAllowed(refusal)
    user.last_login_at = now
    return user


# --- server-side sessions ----------------------------------------------------------------------------


def start_session(*, user: User) -> str:
    """Create a session row and return the random key for the cookie."""
    key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            key_hash=_digest(key),
            user=user,
            ip_address=request.remote_addr,
            user_agent=(request.user_agent.string or "")[:300],
        )
    )
    record_event("login", object_type="User", object_id=user.id, actor_email=user.email)
    return key


def session_expiry(user_session: UserSession) -> datetime:
    """When the session ends unless used: idle timeout, capped by the absolute timeout."""
    idle_end = user_session.last_seen_at + _config_minutes("SESSION_IDLE_MINUTES")
    absolute_end = user_session.created_at + timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    return min(idle_end, absolute_end)


def find_live_session(key: str | None) -> UserSession | None:
    """The live session for a cookie key, or None (unknown, ended, timed out, or user deactivated)."""
    if not key:
        return None
    user_session = db.session.scalar(
        sa.select(UserSession)
        .where(UserSession.key_hash == _digest(key))
        .options(sa.orm.joinedload(UserSession.user).joinedload(User.follows))
    )
    if user_session is None or user_session.ended_at is not None:
        return None
    if session_expiry(user_session) <= utcnow() or not user_session.user.is_active:
        user_session.ended_at = user_session.ended_at or utcnow()
        db.session.commit()
        return None
    return user_session


def touch_session(user_session: UserSession) -> None:
    """Record activity (at most once a minute, to spare the database)."""
    now = utcnow()
    if now - user_session.last_seen_at > timedelta(minutes=1):
        user_session.last_seen_at = now
        db.session.commit()


def extend_session(*, user_session: UserSession) -> None:
    """Reset the idle timer now (the "Förläng sessionen" button)."""
    user_session.last_seen_at = utcnow()


def end_session(*, user_session: UserSession) -> None:
    """End one session (logout or revoke from the profile page)."""
    user_session.ended_at = utcnow()
    record_event("logout", object_type="User", object_id=user_session.user_id, actor_email=user_session.user.email)


def end_all_sessions(*, user: User) -> None:
    """End every session of the user and revoke every API token, at once (password change, reset,
    deactivation): whoever held the old password holds nothing made with it."""
    now = utcnow()
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )


def _refuse_the_current_password(user: User, password: str, field: str) -> None:
    if user.password_hash is not None and verify_password(user.password_hash, password):
        raise DomainError(str(_l("Välj ett annat lösenord än det du har nu.")), field=field)


# --- one-time tokens ---------------------------------------------------------------------------------


def _issue_token(user: User, purpose: str, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            token_hash=_digest(token), user=user, purpose=purpose, expires_at=utcnow() + timedelta(hours=hours)
        )
    )
    return token


def find_valid_token(*, token: str, purpose: str) -> AccountToken | None:
    """The unused, unexpired token of that purpose, or None."""
    row = db.session.scalar(
        sa.select(AccountToken).where(AccountToken.token_hash == _digest(token), AccountToken.purpose == purpose)
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow() or not row.user.is_active:
        return None
    return row


def invite_user(
    *, inviter: User, email: str, name: str, roles: set[str], organisation: Organisation | None, language: str
) -> User:
    """Create an invited user and queue the invitation e-mail with a one-time link."""
    email = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise DomainError(str(_l("Det finns redan en användare med den e-postadressen.")), field="email")
    if not INVITE_ANY_ROLE(inviter) and roles != {BUYER}:
        raise DomainError(str(_l("Du kan bara bjuda in beställare.")), field="roles")
    if BUYER in roles and organisation is None:
        raise DomainError(str(_l("En beställare måste höra till en organisation.")), field="organisation")
    user = User(email=email, name=name.strip(), language=language, organisation=organisation)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    hours = current_app.config["INVITATION_TOKEN_HOURS"]
    token = _issue_token(user, "invitation", hours)
    queue_email(
        recipient=email,
        language=language,
        template="invitation",
        subject=N_("Inbjudan till Köpkraft"),
        name=user.name,
        inviter=inviter.name,
        link=public_url("accounts.accept_invitation", token=token),
        hours=hours,
    )
    record_event("invite", object_type="User", object_id=user.id, summary=email)
    return user


def create_admin(*, email: str, name: str, password: str | None) -> tuple[User, str | None]:
    """The first administrator (or one more), from the command line: a new account or an existing one made
    admin and active. With ``password`` it is set at once; without, a one-time link to choose one is e-mailed
    and returned (for the operator to pass on when mail is not running yet)."""
    email = normalise_email(email)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name.strip() or email, language="sv")
        db.session.add(user)
    user.set_roles(set(user.roles) | {ADMIN})
    user.is_active = True
    db.session.flush()
    link = None
    if password is not None:
        user.password_hash = hash_password(password)
    else:
        hours = current_app.config["INVITATION_TOKEN_HOURS"]
        link = public_url("accounts.accept_invitation", token=_issue_token(user, "invitation", hours))
        queue_email(
            recipient=email,
            language=user.language,
            template="invitation",
            subject=N_("Inbjudan till Köpkraft"),
            name=user.name,
            inviter="Köpkraft",
            link=link,
            hours=hours,
        )
    record_event("admin_created", object_type="User", object_id=user.id, summary=email, actor_email="cli")
    return user, link


def request_password_reset(*, email: str) -> None:
    """Queue the reset for the job worker, whatever the address: the answer does the same work (one row) and
    takes the same time whether an account has the address or not. One client address queues at most
    RESET_REQUESTS_PER_CLIENT an hour (the rest are dropped, with the same answer)."""
    client = _client()
    queued_from_client = sa.select(sa.func.count(Job.id)).where(
        Job.kind == RESET_JOB,
        Job.created_at > utcnow() - timedelta(hours=1),
        Job.params["ip"].as_string() == client,
    )
    if (db.session.scalar(queued_from_client) or 0) >= current_app.config["RESET_REQUESTS_PER_CLIENT"]:
        return
    enqueue(kind=RESET_JOB, params={"email": normalise_email(email), "ip": client})


def send_password_reset(job: JobContext) -> dict[str, Any]:
    """The reset job: a one-time link to an active account with the address, at most
    ``RESET_EMAILS_PER_HOUR`` an hour (an address cannot be flooded); nothing at all for an unknown address."""
    user = db.session.scalar(sa.select(User).where(User.email == job.params["email"], User.is_active))
    if user is None:
        return {"sent": False}
    last_hour = sa.select(sa.func.count(AccountToken.id)).where(
        AccountToken.user_id == user.id,
        AccountToken.purpose == "reset",
        AccountToken.created_at > utcnow() - timedelta(hours=1),
    )
    if (db.session.scalar(last_hour) or 0) >= current_app.config["RESET_EMAILS_PER_HOUR"]:
        record_event("password_reset_limited", object_type="User", object_id=user.id, summary=job.params.get("ip"))
        return {"sent": False}
    hours = current_app.config["RESET_TOKEN_HOURS"]
    token = _issue_token(user, "reset", hours)
    queue_email(
        recipient=user.email,
        language=user.language,
        template="password_reset",
        subject=N_("Återställ ditt lösenord i Köpkraft"),
        name=user.name,
        link=public_url("accounts.reset_password", token=token),
        hours=hours,
    )
    record_event("password_reset_requested", object_type="User", object_id=user.id, summary=job.params.get("ip"))
    return {"sent": True}


def set_password_with_token(*, token: AccountToken, password: str) -> User:
    """Use a one-time token to set the password; ends every session and spends the token."""
    user = token.user
    _refuse_the_current_password(user, password, "password")
    user.password_hash = hash_password(password)
    token.used_at = utcnow()
    # Any other outstanding link for this user is spent too.
    db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    db.session.execute(sa.delete(LoginLockout).where(LoginLockout.email == user.email))  # from every address
    end_all_sessions(user=user)
    record_event(f"{token.purpose}_completed", object_type="User", object_id=user.id)
    return user


def change_password(*, user: User, current_password: str, new_password: str) -> User:
    """Change the password after checking the current one; every session of the user ends."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(str(_l("Nuvarande lösenord stämmer inte.")), field="current_password")
    _refuse_the_current_password(user, new_password, "password")
    user.password_hash = hash_password(new_password)
    end_all_sessions(user=user)
    record_event("password_changed", object_type="User", object_id=user.id)
    return user


def update_profile(*, user: User, name: str, language: str) -> None:
    """Change the user's own name and language."""
    user.name = name.strip()
    user.language = language


def set_user_active(*, user: User, active: bool) -> None:
    """Activate or deactivate a user; deactivation ends every session at once."""
    user.is_active = active
    if not active:
        end_all_sessions(user=user)
    record_event("user_activated" if active else "user_deactivated", object_type="User", object_id=user.id)


def update_user_access(*, user: User, roles: set[str], organisation: Organisation | None) -> User:
    """Change a user's roles and organisation (admin), recorded as a security event."""
    if BUYER in roles and organisation is None:
        raise DomainError(str(_l("En beställare måste höra till en organisation.")), field="organisation")
    before = {"roles": sorted(user.roles), "organisation_id": user.organisation_id}
    user.set_roles(roles)
    user.organisation = organisation
    after = {"roles": sorted(roles), "organisation_id": organisation.id if organisation else None}
    if before != after:
        record_event("access_changed", object_type="User", object_id=user.id, before=before, after=after)
    return user


API_TOKEN_PREFIX = "kk_"  # noqa: S105 (a visible prefix, not a secret)
API_TOKEN_TOUCH = timedelta(minutes=5)  # how stale "last used" may be, so not every API call writes


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token for a staff member; the secret is returned once and only its hash is kept."""
    if not user.is_staff:
        raise DomainError(str(_l("API-nycklar är till för myndighetens medarbetare.")))
    if not name.strip():
        raise DomainError(str(_l("Fyll i fältet.")), field="name")
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        token_hash=_digest(secret),
        prefix=secret[:10],
        expires_at=utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"]),
    )
    db.session.add(token)
    db.session.flush()
    record_event("api_token_created", object_type="ApiToken", object_id=token.id, summary=token.name)
    return token, secret


def revoke_api_token(*, token: ApiToken) -> None:
    """Stop a token from working, at once."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("api_token_revoked", object_type="ApiToken", object_id=token.id, summary=token.name)
    db.session.flush()


def user_for_api_token(secret: str) -> User | None:
    """The active user behind a live token (and note when it was used), or None."""
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == _digest(secret), ApiToken.revoked_at.is_(None))
    )
    now = utcnow()
    if token is None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > API_TOKEN_TOUCH:
        token.last_used_at = now
        db.session.commit()
    return token.user


# --- following -----------------------------------------------------------------------------------------


def set_following(*, user: User, object_type: str, object_id: int, follow: bool) -> None:
    """Start or stop following a challenge or a network (the area has checked that the person sees it)."""
    existing = next((f for f in user.follows if (f.object_type, f.object_id) == (object_type, object_id)), None)
    if follow and existing is None:
        user.follows.append(Follow(object_type=object_type, object_id=object_id))
    elif not follow and existing is not None:
        user.follows.remove(existing)
    db.session.flush()


def purge_sign_ins() -> str:
    """Delete what sign-in no longer needs: sessions ended or idle, and links spent or expired, more than
    SESSIONS_KEEP_DAYS ago; failures older than the throttling window; lockouts that have ended."""
    now = utcnow()
    kept_from = now - timedelta(days=current_app.config["SESSIONS_KEEP_DAYS"])
    sessions = rows_changed(
        sa.delete(UserSession).where(sa.or_(UserSession.ended_at < kept_from, UserSession.last_seen_at < kept_from))
    )
    tokens = rows_changed(
        sa.delete(AccountToken).where(sa.or_(AccountToken.used_at < kept_from, AccountToken.expires_at < kept_from))
    )
    failures = rows_changed(
        sa.delete(LoginFailure).where(LoginFailure.at < now - _config_minutes("LOGIN_WINDOW_MINUTES"))
    )
    lockouts = rows_changed(sa.delete(LoginLockout).where(LoginLockout.locked_until < now))
    db.session.commit()
    return f"deleted {sessions} sessions, {tokens} links, {failures} failed sign-ins, {lockouts} lockouts"
