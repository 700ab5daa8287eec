"""The Organisation model: a contracting authority."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.core.db import Model, TimestampMixin, one_of, sort_key_type
from blueprints.core.formatting import search_text, swedish_sort_key
from blueprints.organisations.regions import COUNTIES, KINDS


class Organisation(TimestampMixin, Model):
    """A contracting authority: kommun, region, state agency, municipal company or other."""

    __audited__ = True
    __audit_exclude__ = {"search_text", "sort_key"}
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", KINDS), name="kind"),
        sa.CheckConstraint(f"county_code IS NULL OR {one_of('county_code', COUNTIES)}", name="county_code"),
        sa.CheckConstraint("annual_volume_sek IS NULL OR annual_volume_sek >= 0", name="volume"),
        sa.Index("ix_organisation_updated", "updated_at"),  # the matching index looks for changed counties
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    org_number: Mapped[str] = mapped_column(sa.String(10), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    county_code: Mapped[str | None] = mapped_column(sa.String(2), index=True)  # unknown for imported rows
    municipality_code: Mapped[str | None] = mapped_column(sa.String(4))
    annual_volume_sek: Mapped[int | None] = mapped_column(sa.BigInteger)
    search_text: Mapped[str] = mapped_column(sa.String(300), default="")
    sort_key: Mapped[str] = mapped_column(sort_key_type(200), default="", index=True)

    @property
    def org_number_display(self) -> str:
        """The organisationsnummer as written: 212000-1132."""
        return f"{self.org_number[:6]}-{self.org_number[6:]}"

    @property
    def county_name(self) -> str:
        """The county's name ("Okänt län" when an import could not tell)."""
        return COUNTIES[self.county_code] if self.county_code else str(_l("Okänt län"))

    @property
    def kind_label(self) -> str:
        """The kind in the user's language."""
        return str(KINDS.get(self.kind, self.kind))


@sa.event.listens_for(Organisation, "before_insert")
@sa.event.listens_for(Organisation, "before_update")
def _index_organisation(mapper: sa.orm.Mapper[Organisation], connection: sa.Connection, org: Organisation) -> None:
    org.search_text = search_text(org.name, org.org_number, org.org_number_display)
    org.sort_key = swedish_sort_key(org.name)[:200]
