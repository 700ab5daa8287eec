"""Networks (beställarnätverk), their members, linked challenges, phase history, checklist, activities,
and dismissed match suggestions."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.challenges.models import Challenge
from blueprints.core.db import Model, TimestampMixin, one_of, sort_key_type, utcnow
from blueprints.core.formatting import search_text, swedish_sort_key
from blueprints.networks.constants import (
    ACTIVE,
    ACTIVITY_KINDS,
    APPLIED,
    BELONGING,
    CLOSED,
    HOST,
    INITIATE,
    INVITED,
    MARKET_DIALOGUE,
    MEMBER_ROLES,
    MEMBER_STATUSES,
    OBSERVER,
    PHASES,
)
from blueprints.organisations.models import Organisation
from blueprints.vocabulary.models import CpvCode

if TYPE_CHECKING:
    from blueprints.accounts.models import User
    from blueprints.vocabulary.models import NeedArea


network_cpv = sa.Table(
    "network_cpv",
    Model.metadata,
    sa.Column("network_id", sa.ForeignKey("network.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("cpv_code", sa.ForeignKey("cpv_code.code"), primary_key=True),
)

network_challenge = sa.Table(
    "network_challenge",
    Model.metadata,
    sa.Column("network_id", sa.ForeignKey("network.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("challenge_id", sa.ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True, index=True),
)

activity_organisation = sa.Table(
    "network_activity_organisation",
    Model.metadata,
    sa.Column("activity_id", sa.ForeignKey("network_activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisation.id"), primary_key=True),
)


class Network(TimestampMixin, Model):
    """A buyer network gathered around a common challenge."""

    __audited__ = True
    __audit_exclude__ = {"search_text", "sort_key"}
    __table_args__ = (
        sa.CheckConstraint(one_of("phase", PHASES), name="phase"),
        sa.Index("ix_network_updated", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    common_challenge: Mapped[str] = mapped_column(sa.Text, default="")
    need_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("need_area.id"), index=True)
    host_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    coordinator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    is_open: Mapped[bool] = mapped_column(default=True)
    phase: Mapped[str] = mapped_column(sa.String(10), default=INITIATE, index=True)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    sort_key: Mapped[str] = mapped_column(sort_key_type(200), default="", index=True)

    need_area: Mapped["NeedArea | None"] = relationship()
    host_organisation: Mapped[Organisation | None] = relationship()
    coordinator: Mapped["User | None"] = relationship()
    cpv_codes: Mapped[list[CpvCode]] = relationship(secondary=network_cpv, order_by=CpvCode.code)
    members: Mapped[list["NetworkMember"]] = relationship(
        back_populates="network", cascade="all, delete-orphan", order_by="NetworkMember.id"
    )
    challenges: Mapped[list[Challenge]] = relationship(secondary=network_challenge, order_by=Challenge.id)
    events: Mapped[list["NetworkEvent"]] = relationship(
        back_populates="network", cascade="all, delete-orphan", order_by="NetworkEvent.id"
    )
    checklist: Mapped[list["NetworkChecklistItem"]] = relationship(
        back_populates="network", cascade="all, delete-orphan"
    )
    activities: Mapped[list["NetworkActivity"]] = relationship(
        back_populates="network", cascade="all, delete-orphan", order_by="NetworkActivity.starts_at"
    )

    @property
    def is_closed(self) -> bool:
        """In its last phase (avslutad)."""
        return self.phase == CLOSED

    @property
    def active_members(self) -> list["NetworkMember"]:
        """Members taking part now (värd, medlem and observatör with status aktiv)."""
        return [m for m in self.members if m.status == ACTIVE]

    def member_for(self, organisation_id: int | None) -> "NetworkMember | None":
        """The membership row of an organisation, if any."""
        return next((m for m in self.members if m.organisation_id == organisation_id), None)


@sa.event.listens_for(Network, "before_insert")
@sa.event.listens_for(Network, "before_update")
def _index_network(mapper: sa.orm.Mapper[Network], connection: sa.Connection, network: Network) -> None:
    network.search_text = search_text(network.name, network.common_challenge)
    network.sort_key = swedish_sort_key(network.name)[:200]


class NetworkMember(Model):
    """An organisation's place in a network: its role and where its invitation stands."""

    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("network_id", "organisation_id"),
        sa.CheckConstraint(one_of("role", MEMBER_ROLES), name="role"),
        sa.CheckConstraint(one_of("status", MEMBER_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(10), index=True)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    network: Mapped[Network] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship()

    @property
    def is_invited(self) -> bool:
        """Invited and not yet answered."""
        return self.status == INVITED

    @property
    def has_applied(self) -> bool:
        """Asked to join, and not yet answered."""
        return self.status == APPLIED

    @property
    def is_active(self) -> bool:
        """A member that has accepted (and not left)."""
        return self.status == ACTIVE

    @property
    def belongs(self) -> bool:
        """Invited or active: the organisation may see the network even when it is closed."""
        return self.status in BELONGING

    @property
    def is_host(self) -> bool:
        """The organisation that leads the network."""
        return self.role == HOST

    @property
    def is_observer(self) -> bool:
        """Follows the network without taking part as a member."""
        return self.role == OBSERVER


class NetworkEvent(Model):
    """One dated step in a network's history (phase changes, members, challenges, activities)."""

    # The dashboard reads each network's phase at a date (its latest phase event before it).
    __table_args__ = (sa.Index("ix_network_event_network_kind_at", "network_id", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    detail: Mapped[str] = mapped_column(sa.String(300), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The challenge an entry is about (linked, unlinked): its title is shown only to those who may see it.
    challenge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("challenge.id", ondelete="SET NULL"))

    network: Mapped[Network] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship()


class NetworkChecklistItem(Model):
    """A checklist point of a phase marked as done."""

    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id", ondelete="CASCADE"), primary_key=True)
    phase: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    item: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    network: Mapped[Network] = relationship(back_populates="checklist")
    done_by: Mapped["User | None"] = relationship()


class NetworkActivity(TimestampMixin, Model):
    """A network meeting, market dialogue, study visit or workshop."""

    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ACTIVITY_KINDS), name="kind"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    video_link: Mapped[str] = mapped_column(sa.String(500), default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    # Market dialogues: who took part on the supplier side, and what they were told (equal treatment).
    suppliers: Mapped[str] = mapped_column(sa.Text, default="")
    shared_information: Mapped[str] = mapped_column(sa.Text, default="")
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: raised on every change
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    network: Mapped[Network] = relationship(back_populates="activities")
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=activity_organisation, order_by=Organisation.sort_key
    )

    @property
    def is_market_dialogue(self) -> bool:
        """A dialogue with suppliers (what they were told is recorded, shared alike with all)."""
        return self.kind == MARKET_DIALOGUE

    @property
    def supplier_list(self) -> list[str]:
        """The suppliers, one per line."""
        return [line.strip() for line in self.suppliers.splitlines() if line.strip()]


class MatchDismissal(Model):
    """A suggestion staff dismissed for a challenge; it is not suggested again."""

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "kind", "other_id"),
        sa.CheckConstraint("kind IN ('challenge', 'network')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenge.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))
    other_id: Mapped[int] = mapped_column()
    dismissed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
