"""Demo data: organisations, the five demo accounts and the need areas (idempotent)."""

import sqlalchemy as sa

from blueprints.accounts.models import User
from blueprints.accounts.passwords import hash_password
from blueprints.admin.models import NeedArea
from blueprints.core.db import db
from blueprints.organisations.models import Organisation

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 (the documented demo accounts)

# Real organisationsnummer of public bodies (public records), so the check digits are genuine.
DEMO_ORGANISATIONS = [
    ("Göteborgs kommun", "2120001355", "kommun", "14", "1480", 9_800_000_000),
    ("Malmö kommun", "2120000837", "kommun", "12", "1280", 6_100_000_000),
    ("Stockholms kommun", "2120000142", "kommun", "01", "0180", 17_500_000_000),
    ("Region Skåne", "2321000255", "region", "12", None, 14_200_000_000),
    ("Västra Götalandsregionen", "2321000131", "region", "14", None, 19_000_000_000),
    ("Umeå kommun", "2120002627", "kommun", "24", "2480", 2_300_000_000),
    ("Lunds kommun", "2120001132", "kommun", "12", "1281", 1_900_000_000),
    ("Trafikverket", "2021006297", "statlig_myndighet", "01", None, 60_000_000_000),
    ("Örebro kommun", "2120001850", "kommun", "18", "1880", 3_000_000_000),
    ("Älvsbyns kommun", "2120002726", "kommun", "25", "2560", 180_000_000),
]

# email, name, roles, organisation number (buyers only)
DEMO_USERS = [
    ("admin@example.org", "Astrid Admin", ("admin",), None),
    ("facilitator@example.org", "Fredrik Facilitator", ("facilitator",), None),
    ("facilitator2@example.org", "Frida Facilitator", ("facilitator",), None),
    ("manager@example.org", "Maria Chef", ("manager",), None),
    ("buyer@example.org", "Bengt Beställare", ("buyer",), "2120001355"),
    ("buyer2@example.org", "Britta Beställare", ("buyer",), "2120000837"),
]

NEED_AREAS = [
    "Fossilfria transporter",
    "Bygg och fastighet",
    "Livsmedel och måltider",
    "Vård och omsorg",
    "Digitalisering",
    "Energi",
    "Cirkulära produkter",
]


def _seed_organisations() -> int:
    existing = set(db.session.scalars(sa.select(Organisation.org_number)))
    rows = [
        Organisation(
            name=name,
            org_number=number,
            kind=kind,
            county_code=county,
            municipality_code=code,
            annual_volume_sek=volume,
        )
        for name, number, kind, county, code, volume in DEMO_ORGANISATIONS
        if number not in existing
    ]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


def _seed_users() -> int:
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


def _seed_need_areas() -> int:
    existing = set(db.session.scalars(sa.select(NeedArea.name)))
    rows = [NeedArea(name=name) for name in NEED_AREAS if name not in existing]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


def seed_demo() -> int:
    """Add whatever demo rows are missing; return how many were created."""
    from blueprints.challenges.demo import seed_demo_challenges
    from blueprints.networks.demo import seed_demo_networks
    from blueprints.support.demo import seed_demo_support

    return (
        _seed_organisations()
        + _seed_users()
        + _seed_need_areas()
        + seed_demo_challenges()
        + seed_demo_networks()
        + seed_demo_support()
    )
