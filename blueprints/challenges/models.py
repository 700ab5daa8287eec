"""Challenges, their CPV codes, status history and comments."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.challenges.constants import (
    ARCHIVED,
    DRAFT,
    EDITABLE,
    INNOVATION_LEVELS,
    MATCHED,
    NETWORK_INTEREST,
    PUBLISHED,
    REVIEWED,
    STATUSES,
    SUBMITTED,
    VISIBILITY,
)
from blueprints.core.db import Model, TimestampMixin, one_of, sort_key_type, utcnow
from blueprints.core.formatting import search_text, swedish_sort_key
from blueprints.vocabulary.models import CpvCode

if TYPE_CHECKING:
    from blueprints.accounts.models import User
    from blueprints.organisations.models import Organisation
    from blueprints.vocabulary.models import NeedArea


challenge_cpv = sa.Table(
    "challenge_cpv",
    Model.metadata,
    sa.Column("challenge_id", sa.ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("cpv_code", sa.ForeignKey("cpv_code.code"), primary_key=True, index=True),
)


class Challenge(TimestampMixin, Model):
    """A procurement need proposed by a contracting authority."""

    __audited__ = True
    __audit_exclude__ = {"search_text", "sort_key"}
    __table_args__ = (
        sa.CheckConstraint(one_of("status", STATUSES), name="status"),
        sa.CheckConstraint(one_of("visibility", VISIBILITY), name="visibility"),
        sa.CheckConstraint(
            f"innovation_level IS NULL OR {one_of('innovation_level', INNOVATION_LEVELS)}", name="innovation_level"
        ),
        sa.CheckConstraint(
            f"network_interest IS NULL OR {one_of('network_interest', NETWORK_INTEREST)}", name="network_interest"
        ),
        sa.CheckConstraint("planned_quarter IS NULL OR planned_quarter BETWEEN 1 AND 4", name="quarter"),
        sa.CheckConstraint("annual_volume_sek IS NULL OR annual_volume_sek >= 0", name="volume"),
        sa.Index("ix_challenge_status_updated", "status", "updated_at"),
        sa.Index("ix_challenge_status_submitted", "status", "submitted_at", "id"),  # the review queue, oldest first
        # The list's sort orders walk these indexes instead of sorting every row.
        sa.Index("ix_challenge_updated", "updated_at", "id"),
        sa.Index("ix_challenge_volume", "annual_volume_sek", "id"),
        sa.Index("ix_challenge_sort_key", "sort_key", "id"),
        sa.Index("ix_challenge_planned", "planned_year", "planned_quarter", "id"),
        # The dashboard counts submissions per period, need area, län and kind, and events per area and län,
        # from these indexes alone (no challenge rows read).
        sa.Index("ix_challenge_submitted_dims", "submitted_at", "organisation_id", "need_area_id"),
        sa.Index("ix_challenge_dims", "id", "organisation_id", "need_area_id"),
        # An organisation's challenges (and the dashboard's, narrowed by län, kind and need area).
        sa.Index("ix_challenge_organisation_area", "organisation_id", "need_area_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    need_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("need_area.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    # Whether other organisations' buyers may see the contact person (staff always do; the default is no).
    share_contact: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    annual_volume_sek: Mapped[int | None] = mapped_column(sa.BigInteger)
    planned_year: Mapped[int | None] = mapped_column(sa.SmallInteger, index=True)
    planned_quarter: Mapped[int | None] = mapped_column(sa.SmallInteger)
    innovation_level: Mapped[str | None] = mapped_column(sa.String(12))
    network_interest: Mapped[str | None] = mapped_column(sa.String(8))
    visibility: Mapped[str] = mapped_column(sa.String(8), default="all")
    status: Mapped[str] = mapped_column(sa.String(12), default=DRAFT)
    submitted_at: Mapped[datetime | None]
    import_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    sort_key: Mapped[str] = mapped_column(sort_key_type(200), default="")

    organisation: Mapped["Organisation"] = relationship()
    need_area: Mapped["NeedArea | None"] = relationship()
    created_by: Mapped["User | None"] = relationship()
    cpv_codes: Mapped[list[CpvCode]] = relationship(secondary=challenge_cpv, order_by=CpvCode.code)
    events: Mapped[list["ChallengeEvent"]] = relationship(
        back_populates="challenge", order_by="ChallengeEvent.at", cascade="all, delete-orphan"
    )
    comments: Mapped[list["ChallengeComment"]] = relationship(
        back_populates="challenge", order_by="ChallengeComment.at", cascade="all, delete-orphan"
    )

    def contact_visible_to(self, person: Any) -> bool:
        """Staff and the challenge's own organisation see its contact person; others when it is shared."""
        return bool(person.is_staff or person.organisation_id == self.organisation_id or self.share_contact)

    @property
    def is_published(self) -> bool:
        """Submitted and not withdrawn from view: reviewed, matched or waiting for review."""
        return self.status in PUBLISHED

    @property
    def is_editable_by_its_buyers(self) -> bool:
        """A draft, or returned for completion."""
        return self.status in EDITABLE

    @property
    def may_be_returned(self) -> bool:
        """Staff may send it back for completion."""
        return self.status in (SUBMITTED, REVIEWED)

    @property
    def may_be_marked_reviewed(self) -> bool:
        """Waiting for review."""
        return self.status == SUBMITTED

    @property
    def may_be_archived(self) -> bool:
        """Not archived already, and not in a network."""
        return self.status not in (ARCHIVED, MATCHED)


@sa.event.listens_for(Challenge, "before_insert")
@sa.event.listens_for(Challenge, "before_update")
def _index_challenge(mapper: sa.orm.Mapper[Challenge], connection: sa.Connection, challenge: Challenge) -> None:
    challenge.sort_key = swedish_sort_key(challenge.title)[:200]


def challenge_search_text(title: str, description: str, cpv_codes: list[CpvCode]) -> str:
    """What a free-text search matches: title, description, CPV labels and their aliases, casefolded."""
    labels = " ".join(f"{c.label_sv} {c.label_en} {c.aliases}" for c in cpv_codes)
    return search_text(title, description, labels)


class ChallengeEvent(Model):
    """One status change of a challenge: who, when, from, to, and why."""

    # The dashboard counts reviews and matches per period.
    __table_args__ = (sa.Index("ix_challenge_event_status_at_challenge", "to_status", "at", "challenge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenge.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(sa.String(12))
    to_status: Mapped[str] = mapped_column(sa.String(12))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    challenge: Mapped[Challenge] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship()


class ChallengeComment(Model):
    """A staff comment: visible to the buyer, or internal to the agency."""

    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenge.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(sa.Text)
    internal: Mapped[bool] = mapped_column(default=False)

    challenge: Mapped[Challenge] = relationship(back_populates="comments")
    author: Mapped["User | None"] = relationship()


class ChallengeImport(Model):
    """An uploaded file kept between its preview and the staff member's confirmation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    imported_at: Mapped[datetime | None]
