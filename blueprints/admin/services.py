"""Admin writes: need areas."""

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from blueprints.core.db import DomainError, db
from blueprints.vocabulary.models import CpvCode, NeedArea


def _ensure_unique_name(name: str, area: NeedArea | None) -> None:
    # Compared in Python: SQLite's lower() ignores Å, Ä and Ö, and the taxonomy is small.
    names = db.session.scalars(sa.select(NeedArea)).all()
    if any(other.name.casefold() == name.casefold() and other is not area for other in names):
        raise DomainError(str(_l("Det finns redan ett behovsområde med det namnet.")), field="name")


def _codes(numbers: Sequence[str]) -> list[CpvCode]:
    if not numbers:
        return []
    return list(db.session.scalars(sa.select(CpvCode).where(CpvCode.code.in_(numbers)).order_by(CpvCode.code)))


def add_need_area(*, name: str, cpv_codes: Sequence[str] = ()) -> NeedArea:
    """Add a need area covering the given CPV branches."""
    name = name.strip()
    _ensure_unique_name(name, None)
    area = NeedArea(name=name, cpv_codes=_codes(cpv_codes))
    db.session.add(area)
    db.session.flush()
    return area


def change_need_area(*, area: NeedArea, name: str, cpv_codes: Sequence[str]) -> NeedArea:
    """Rename a need area (everything that uses it follows) and set the CPV branches it covers."""
    name = name.strip()
    _ensure_unique_name(name, area)
    area.name = name
    area.cpv_codes = _codes(cpv_codes)
    return area


def set_need_area_retired(*, area: NeedArea, retired: bool) -> None:
    """Retire a need area (no longer offered) or bring it back."""
    area.is_retired = retired
