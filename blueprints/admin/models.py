"""The need-area taxonomy (behovsområden)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.core.db import Model, TimestampMixin, sort_key_type
from blueprints.core.formatting import swedish_sort_key


class NeedArea(TimestampMixin, Model):
    """A need area such as "Fossilfria transporter"; retired areas stay for history but are not offered."""

    __audited__ = True
    __audit_exclude__ = {"sort_key"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    is_retired: Mapped[bool] = mapped_column(default=False)
    sort_key: Mapped[str] = mapped_column(sort_key_type(120), default="", index=True)


@sa.event.listens_for(NeedArea, "before_insert")
@sa.event.listens_for(NeedArea, "before_update")
def _index_need_area(mapper: sa.orm.Mapper[NeedArea], connection: sa.Connection, area: NeedArea) -> None:
    area.sort_key = swedish_sort_key(area.name)[:120]
