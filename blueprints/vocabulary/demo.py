"""Demo need areas (idempotent)."""

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.vocabulary.models import NeedArea

NEED_AREAS = [
    "Fossilfria transporter",
    "Bygg och fastighet",
    "Livsmedel och måltider",
    "Vård och omsorg",
    "Digitalisering",
    "Energi",
    "Cirkulära produkter",
]


def seed_demo_need_areas() -> int:
    """Add the need areas that are missing; return how many were created."""
    existing = set(db.session.scalars(sa.select(NeedArea.name)))
    rows = [NeedArea(name=name) for name in NEED_AREAS if name not in existing]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)
