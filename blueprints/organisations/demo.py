"""Demo organisations (idempotent): real public bodies with their real organisationsnummer."""

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.organisations.models import Organisation

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


def seed_demo_organisations() -> int:
    """Add the demo organisations that are missing; return how many were created."""
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
