"""Accounts linked to providers, the group → role mapping admins keep, what admins allow per provider, and
what stops a provider's answer from being used twice or too often."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.accounts.models import User
from blueprints.core.db import Model, utcnow
from blueprints.core.roles import ROLES
from blueprints.organisations.models import Organisation

_ROLE_CHECK = "role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")"


class SsoIdentity(Model):
    """A person at a provider (its stable subject) linked to a Köpkraft account."""

    __table_args__ = (sa.UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(30))
    subject: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SsoGroupRole(Model):
    """Members of a provider's group hold a role in Köpkraft (and, for buyers, an organisation)."""

    __table_args__ = (
        sa.UniqueConstraint("provider", "group_name", "role"),
        sa.CheckConstraint(_ROLE_CHECK, name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(30))
    group_name: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))

    organisation: Mapped[Organisation | None] = relationship()


class SsoProviderSetting(Model):
    """What an admin allows for a provider's accounts."""

    provider: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    # Accounts linked to the provider may also sign in with a Köpkraft password (admins always may).
    passwords_allowed: Mapped[bool] = mapped_column(default=False)


class SamlRequest(Model):
    """An authentication request sent to a SAML provider: its answer must name it, once, within minutes (the
    answer comes as a cross-site POST, which carries no session cookie, so the request is kept here)."""

    id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(30))
    next_url: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    used_at: Mapped[datetime | None]


class SamlAssertion(Model):
    """An assertion already used to sign in, kept until it expires: the same one is refused (replay)."""

    id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(30))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class SsoCallback(Model):
    """A provider's answer that reached Köpkraft from a client address: counted to limit the rate."""

    __table_args__ = (sa.Index("ix_sso_callback_ip_address_at", "ip_address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip_address: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
