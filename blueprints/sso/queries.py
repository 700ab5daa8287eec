"""What the sign-in settings page reads."""

from collections.abc import Sequence

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.sso.models import SsoGroupRole, SsoIdentity


def linked_accounts_by_provider() -> dict[str, int]:
    """How many accounts are linked to each provider."""
    rows = db.session.execute(sa.select(SsoIdentity.provider, sa.func.count()).group_by(SsoIdentity.provider))
    return {provider: count for provider, count in rows.tuples()}


def group_roles_of(providers: Sequence[str]) -> dict[str, list[SsoGroupRole]]:
    """Each provider's group → role rows, by group name."""
    rows = db.session.scalars(
        sa.select(SsoGroupRole)
        .where(SsoGroupRole.provider.in_(providers))
        .options(sa.orm.joinedload(SsoGroupRole.organisation))
        .order_by(SsoGroupRole.provider, SsoGroupRole.group_name, SsoGroupRole.role)
    )
    mappings: dict[str, list[SsoGroupRole]] = {name: [] for name in providers}
    for row in rows:
        mappings[row.provider].append(row)
    return mappings
