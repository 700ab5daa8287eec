"""Users, their roles, server-side sessions, one-time account tokens and login throttling."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.core.db import Model, TimestampMixin, sort_key_type, utcnow
from blueprints.core.formatting import search_text, swedish_sort_key
from blueprints.core.roles import ROLES, STAFF
from blueprints.organisations.models import Organisation

_ROLE_CHECK = "role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")"


class User(TimestampMixin, Model):
    """A person who signs in; buyers belong to one organisation."""

    __audited__ = True
    __audit_exclude__ = {"password_hash", "search_text", "sort_key"}
    __table_args__ = (sa.CheckConstraint("language IN ('sv', 'en')", name="language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    language: Mapped[str] = mapped_column(sa.String(2), default="sv")
    is_active: Mapped[bool] = mapped_column(default=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    last_login_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(sa.String(500), default="")
    sort_key: Mapped[str] = mapped_column(sort_key_type(200), default="", index=True)

    organisation: Mapped[Organisation | None] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    # Loaded with the person's session (one statement: see find_live_session), read by the start page.
    follows: Mapped[list["Follow"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    @property
    def roles(self) -> set[str]:
        """The user's role names."""
        return {row.role for row in self.role_rows}

    def set_roles(self, roles: set[str]) -> None:
        """Replace the user's roles."""
        current = {row.role: row for row in self.role_rows}
        for role in set(current) - roles:
            self.role_rows.remove(current[role])
        for role in sorted(roles - set(current)):
            self.role_rows.append(UserRole(role=role))

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of ``roles``."""
        return bool(self.roles & set(roles))

    @property
    def is_staff(self) -> bool:
        """Agency staff: facilitators, managers and admins."""
        return self.has_role(*STAFF)

    @property
    def is_invited(self) -> bool:
        """Invited but has not yet chosen a password."""
        return self.password_hash is None


@sa.event.listens_for(User, "before_insert")
@sa.event.listens_for(User, "before_update")
def _index_user(mapper: sa.orm.Mapper[User], connection: sa.Connection, user: User) -> None:
    user.search_text = search_text(user.name, user.email)
    user.sort_key = swedish_sort_key(user.name)[:200]


class UserRole(Model):
    """One role held by one user."""

    __table_args__ = (sa.CheckConstraint(_ROLE_CHECK, name="role"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class UserSession(Model):
    """A signed-in browser session; the cookie holds only a random key whose hash is stored here."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ip_address: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))

    user: Mapped[User] = relationship()


class AccountToken(Model):
    """A one-time link for an invitation or a password reset; only the hash is stored."""

    __table_args__ = (sa.CheckConstraint("purpose IN ('invitation', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginFailure(Model):
    """A failed sign-in for an e-mail address (existing or not) from a client address, kept for throttling for
    as long as the throttling window (older rows are deleted)."""

    __table_args__ = (
        sa.Index("ix_login_failure_email_at", "email", "at"),
        sa.Index("ix_login_failure_ip_address_at", "ip_address", "at"),
        sa.Index("ix_login_failure_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(sa.String(64))


class LoginLockout(Model):
    """An account locked against sign-in from one client address until a time, shared by every worker and host
    (the same account from another address is not locked: nobody can lock anyone else out)."""

    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    ip_address: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    locked_until: Mapped[datetime]


class ApiToken(Model):
    """A personal API token (``Authorization: Bearer ...``); only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))  # the first characters, so people can tell tokens apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Follow(Model):
    """A person follows a challenge or a network: its changes show on their start page and are e-mailed to them."""

    __table_args__ = (sa.CheckConstraint("object_type IN ('challenge', 'network')", name="object_type"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    object_type: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    object_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    since: Mapped[datetime] = mapped_column(default=utcnow)
