"""Demo accounts (idempotent), one or more per role, all with the documented demo password."""

import sqlalchemy as sa

from blueprints.accounts.models import User
from blueprints.accounts.passwords import hash_password
from blueprints.core.db import db
from blueprints.organisations.models import Organisation

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 (the documented demo accounts)

# email, name, roles, organisation number (buyers only)
DEMO_USERS = [
    ("admin@example.org", "Astrid Admin", ("admin",), None),
    ("facilitator@example.org", "Fredrik Facilitator", ("facilitator",), None),
    ("facilitator2@example.org", "Frida Facilitator", ("facilitator",), None),
    ("manager@example.org", "Maria Chef", ("manager",), None),
    ("buyer@example.org", "Bengt Beställare", ("buyer",), "2120001355"),
    ("buyer2@example.org", "Britta Beställare", ("buyer",), "2120000837"),
]


def seed_demo_users() -> int:
    """Add the demo accounts that are missing; return how many were created."""
    existing = set(db.session.scalars(sa.select(User.email)))
    organisations = {o.org_number: o for o in db.session.scalars(sa.select(Organisation))}
    password_hash = hash_password(DEMO_PASSWORD)
    created = 0
    for email, name, roles, org_number in DEMO_USERS:
        if email in existing:
            continue
        user = User(
            email=email,
            name=name,
            password_hash=password_hash,
            organisation=organisations.get(org_number) if org_number else None,
        )
        user.set_roles(set(roles))
        db.session.add(user)
        created += 1
    db.session.flush()
    return created


def describe_demo_users() -> list[str]:
    """The accounts to sign in with, for the command's output."""
    return [f"Accounts (password {DEMO_PASSWORD}):"] + [
        f"  {email:28} {', '.join(roles)}" for email, _name, roles, _org in DEMO_USERS
    ]
