"""Shared vocabulary every area may use: the need-area taxonomy (behovsområden) and the CPV codes."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.core.db import Model, TimestampMixin, sort_key_type
from blueprints.core.formatting import search_text, swedish_sort_key
from blueprints.vocabulary.cpv import branch_range


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
    # The code's branch as a range of codes: branch <= c < branch_end (60100000: "601" to "602").
    branch: Mapped[str] = mapped_column(sa.String(8), default="")
    branch_end: Mapped[str] = mapped_column(sa.String(9), default="")
    # Casefolded labels and aliases: what a search matches (SQL lower() folds only ASCII on SQLite).
    search_text: Mapped[str] = mapped_column(sa.String(1200), default="")

    def refresh_search_text(self) -> None:
        """Recompute the search column from the labels and aliases, and the code's branch."""
        self.search_text = search_text(self.label_sv, self.label_en, self.aliases)
        self.branch, self.branch_end = branch_range(self.code)

    def label(self, language: str) -> str:
        """The label in the given language (Swedish when unknown)."""
        return self.label_en if language == "en" else self.label_sv


need_area_cpv = sa.Table(
    "need_area_cpv",
    Model.metadata,
    sa.Column("need_area_id", sa.ForeignKey("need_area.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("cpv_code", sa.ForeignKey("cpv_code.code"), primary_key=True),
)


class NeedArea(TimestampMixin, Model):
    """A need area such as "Fossilfria transporter"; retired areas stay for history but are not offered."""

    __audited__ = True
    __audit_exclude__ = {"sort_key"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    is_retired: Mapped[bool] = mapped_column(default=False)
    sort_key: Mapped[str] = mapped_column(sort_key_type(120), default="", index=True)
    # The CPV branches the area covers (admins choose them): what "this need area" means in the statistics.
    cpv_codes: Mapped[list[CpvCode]] = relationship(secondary=need_area_cpv, order_by=CpvCode.code)


@sa.event.listens_for(NeedArea, "before_insert")
@sa.event.listens_for(NeedArea, "before_update")
def _index_need_area(mapper: sa.orm.Mapper[NeedArea], connection: sa.Connection, area: NeedArea) -> None:
    area.sort_key = swedish_sort_key(area.name)[:120]
