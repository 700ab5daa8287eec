"""Demo need areas and the CPV branches each covers (idempotent)."""

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.vocabulary.models import CpvCode, NeedArea

# Each need area with the CPV branches it covers in the statistics (a code covers its whole branch).
NEED_AREAS: dict[str, tuple[str, ...]] = {
    "Fossilfria transporter": ("60100000", "34100000"),
    "Bygg och fastighet": ("45000000", "71000000", "70000000"),
    "Livsmedel och måltider": ("15000000", "55500000"),
    "Vård och omsorg": ("33000000", "85000000"),
    "Digitalisering": ("48000000", "72000000", "30200000"),
    "Energi": ("09300000", "65000000"),
    "Cirkulära produkter": ("39100000", "90500000"),
}


def seed_demo_need_areas() -> int:
    """Add the need areas that are missing and give every area without CPV branches its demo branches;
    return how many areas were created."""
    existing = {area.name: area for area in db.session.scalars(sa.select(NeedArea))}
    created = 0
    for name, numbers in NEED_AREAS.items():
        area = existing.get(name)
        if area is None:
            area = NeedArea(name=name)
            db.session.add(area)
            created += 1
        if not area.cpv_codes:
            area.cpv_codes = list(db.session.scalars(sa.select(CpvCode).where(CpvCode.code.in_(numbers))))
    db.session.flush()
    return created
