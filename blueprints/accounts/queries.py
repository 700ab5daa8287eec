"""Reads of accounts: a person's live sessions and API tokens, an organisation's users."""

from datetime import datetime

import sqlalchemy as sa

from blueprints.accounts.models import ApiToken, Follow, User, UserRole, UserSession
from blueprints.accounts.services import session_expiry
from blueprints.core.db import db, utcnow
from blueprints.core.roles import BUYER


def live_sessions_of(user: User) -> list[UserSession]:
    """The person's sessions that have neither ended nor timed out, most recently used first."""
    sessions = db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    )
    now = utcnow()
    return [s for s in sessions if session_expiry(s) > now]


def api_tokens_of(user: User) -> list[ApiToken]:
    """The person's tokens that are not revoked, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
            .order_by(ApiToken.created_at.desc())
        )
    )


def users_of(organisation_id: int) -> list[User]:
    """The organisation's users in Swedish order."""
    return list(
        db.session.scalars(sa.select(User).where(User.organisation_id == organisation_id).order_by(User.sort_key))
    )


def active_buyers_of(organisation_id: int) -> list[User]:
    """The organisation's active buyers (those who answer for it: invitations, e-mail about its challenges)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole)
            .where(User.organisation_id == organisation_id, User.is_active, UserRole.role == BUYER)
            .order_by(User.id)
        )
    )


def followers_of(object_type: str, object_id: int, *, except_id: int | None = None) -> list[User]:
    """The active people following a challenge or a network (but the one who made the change)."""
    query = (
        sa.select(User)
        .join(Follow, Follow.user_id == User.id)
        .where(Follow.object_type == object_type, Follow.object_id == object_id, User.is_active)
    )
    if except_id is not None:
        query = query.where(User.id != except_id)
    return list(db.session.scalars(query))


def followed(user: User, object_type: str) -> dict[int, datetime]:
    """What the person follows of a kind: id → since when (from the follows loaded with their session)."""
    return {f.object_id: f.since for f in user.follows if f.object_type == object_type}


def is_following(user: User, object_type: str, object_id: int) -> bool:
    """Whether the person follows this challenge or network."""
    return object_id in followed(user, object_type)
