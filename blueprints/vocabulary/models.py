"""Shared vocabulary every area may use: the need-area taxonomy (behovsområden) and the CPV codes."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.core.db import Model, TimestampMixin, sort_key_type
from blueprints.core.formatting import search_text, swedish_sort_key


class CpvCode(Model):
    """One code of the Common Procurement Vocabulary, with Swedish and English labels."""

    # Loaded by a migration; tests keep reference data between cases.
    __table_args__ = {"info": {"reference_data": True}}

    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    level: Mapped[int] = mapped_column(sa.SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(sa.String(8), index=True)
    label_sv: Mapped[str] = mapped_column(sa.String(400))
    label_en: Mapped[str] = mapped_column(sa.String(400))
    aliases: Mapped[str] = mapped_column(sa.String(400), default="")
    # Casefolded labels and aliases: what a search matches (SQL lower() folds only ASCII on SQLite).
    search_text: Mapped[str] = mapped_column(sa.String(1200), default="")

    def refresh_search_text(self) -> None:
        """Recompute the search column from the labels and aliases."""
        self.search_text = search_text(self.label_sv, self.label_en, self.aliases)

    def label(self, language: str) -> str:
        """The label in the given language (Swedish when unknown)."""
        return self.label_en if language == "en" else self.label_sv


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
