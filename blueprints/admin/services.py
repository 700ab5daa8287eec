"""Admin writes: need areas."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from blueprints.core.db import DomainError, db
from blueprints.vocabulary.models import NeedArea


def _ensure_unique_name(name: str, area: NeedArea | None) -> None:
    # Compared in Python: SQLite's lower() ignores Å, Ä and Ö, and the taxonomy is small.
    names = db.session.scalars(sa.select(NeedArea)).all()
    if any(other.name.casefold() == name.casefold() and other is not area for other in names):
        raise DomainError(str(_l("Det finns redan ett behovsområde med det namnet.")), field="name")


def add_need_area(*, name: str) -> NeedArea:
    """Add a need area."""
    name = name.strip()
    _ensure_unique_name(name, None)
    area = NeedArea(name=name)
    db.session.add(area)
    db.session.flush()
    return area


def rename_need_area(*, area: NeedArea, name: str) -> NeedArea:
    """Rename a need area (everything that uses it follows)."""
    name = name.strip()
    _ensure_unique_name(name, area)
    area.name = name
    return area


def set_need_area_retired(*, area: NeedArea, retired: bool) -> None:
    """Retire a need area (no longer offered) or bring it back."""
    area.is_retired = retired
