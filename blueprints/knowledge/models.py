"""Knowledge articles with every version kept and their attachments; networks' own knowledge (notes and
documents)."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from blueprints.core.db import Model, TimestampMixin, one_of, utcnow
from blueprints.core.formatting import search_text
from blueprints.knowledge.constants import (
    ARCHIVED,
    DRAFT,
    KINDS,
    PUBLIC,
    PUBLISHED,
    REVIEW,
    STAFF_ONLY,
    STATUSES,
    TOPICS,
    VISIBILITIES,
)
from blueprints.knowledge.markdown import plain_text
from blueprints.networks.constants import PHASE_ORDER
from blueprints.organisations.models import Organisation
from blueprints.support.constants import SUPPORT_KINDS
from blueprints.vocabulary.models import CpvCode

if TYPE_CHECKING:
    from blueprints.accounts.models import User
    from blueprints.networks.models import Network
    from blueprints.support.models import SupportRequest
    from blueprints.vocabulary.models import NeedArea


def _link_table(name: str, column: str, target: str, *, index: bool = True) -> sa.Table:
    return sa.Table(
        f"knowledge_article_{name}",
        Model.metadata,
        sa.Column("article_id", sa.ForeignKey("knowledge_article.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(column, sa.ForeignKey(target, ondelete="CASCADE"), primary_key=True, index=index),
    )


article_need_area = _link_table("need_area", "need_area_id", "need_area.id")
article_cpv = _link_table("cpv", "cpv_code", "cpv_code.code")
article_organisation = _link_table("organisation", "organisation_id", "organisation.id")
article_network = _link_table("network", "network_id", "network.id")
article_request = _link_table("request", "request_id", "support_request.id")


def _words(values: list[str], allowed: list[str]) -> str:
    """Chosen values kept as one string with a space at each end (" initiera driva "), in a fixed order."""
    return " " + " ".join(value for value in allowed if value in values) + " "


class Article(TimestampMixin, Model):
    """A knowledge article as it is shown: a draft's latest text, or a published article's published version.

    Every save is an ``ArticleVersion``. An edit of a published article waits as a newer version
    (``waiting_version``) while readers keep seeing the published one, until a second staff member publishes it.
    """

    __tablename__ = "knowledge_article"
    __audited__ = True
    __audit_exclude__ = {"search_text", "body_html", "body"}  # the text is kept in the versions
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", KINDS), name="kind"),
        sa.CheckConstraint(one_of("status", STATUSES), name="status"),
        sa.CheckConstraint(one_of("visibility", VISIBILITIES), name="visibility"),
        # The public list: published articles a reader may see, newest first, read in index order.
        sa.Index("ix_knowledge_article_listed", "status", "visibility", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(12), default=DRAFT)
    visibility: Mapped[str] = mapped_column(sa.String(10), default=PUBLIC)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = deferred(mapped_column(sa.Text, default="", nullable=False))
    body_html: Mapped[str] = deferred(mapped_column(sa.Text, default="", nullable=False))
    # Network phases and kinds of support the article speaks to, each " word word " (see ``_words``).
    phase_words: Mapped[str] = mapped_column(sa.String(60), default=" ")
    support_kind_words: Mapped[str] = mapped_column(sa.String(120), default=" ")
    version_number: Mapped[int] = mapped_column(default=0)  # the version shown
    waiting_version: Mapped[int | None]  # a newer version of a published article, to be reviewed
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    # An article drawn from an organisation's case is published only with that organisation's consent.
    consent_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    consent_given_by: Mapped[str] = mapped_column(sa.String(200), default="")
    consent_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    consent_recorded_at: Mapped[datetime | None]
    # Proposed by a network's members from their knowledge page (the note it came from).
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    # Raised by every write of the row; a write based on an older count fails (two editors at once: 409).
    revision: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": revision}

    author: Mapped["User | None"] = relationship(foreign_keys=[author_id])
    reviewer: Mapped["User | None"] = relationship(foreign_keys=[reviewer_id])
    proposed_by: Mapped["User | None"] = relationship(foreign_keys=[proposed_by_id])
    consent_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[consent_organisation_id])
    need_areas: Mapped[list["NeedArea"]] = relationship(secondary=article_need_area, order_by="NeedArea.name")
    cpv_codes: Mapped[list[CpvCode]] = relationship(secondary=article_cpv, order_by=CpvCode.code)
    organisations: Mapped[list[Organisation]] = relationship(secondary=article_organisation)
    networks: Mapped[list["Network"]] = relationship(secondary=article_network)
    requests: Mapped[list["SupportRequest"]] = relationship(secondary=article_request)
    versions: Mapped[list["ArticleVersion"]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleVersion.number"
    )
    attachments: Mapped[list["ArticleAttachment"]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleAttachment.id"
    )

    @property
    def phases(self) -> list[str]:
        """The network phases the article speaks to, in phase order."""
        return [phase for phase in PHASE_ORDER if f" {phase} " in self.phase_words]

    @phases.setter
    def phases(self, phases: list[str]) -> None:
        self.phase_words = _words(phases, PHASE_ORDER)

    @property
    def support_kinds(self) -> list[str]:
        """The kinds of facilitator support the article speaks to."""
        return [kind for kind in SUPPORT_KINDS if f" {kind} " in self.support_kind_words]

    @support_kinds.setter
    def support_kinds(self, kinds: list[str]) -> None:
        self.support_kind_words = _words(kinds, list(SUPPORT_KINDS))

    @property
    def is_draft(self) -> bool:
        """Being written (not yet sent for review)."""
        return self.status == DRAFT

    @property
    def in_review(self) -> bool:
        """Sent for review, waiting for a second staff member."""
        return self.status == REVIEW

    @property
    def is_published(self) -> bool:
        """Published: readers allowed by its visibility see it."""
        return self.status == PUBLISHED

    @property
    def is_archived(self) -> bool:
        """Taken down; kept with its versions."""
        return self.status == ARCHIVED

    @property
    def is_public(self) -> bool:
        """Published for everyone, signed in or not."""
        return self.is_published and self.visibility == PUBLIC

    @property
    def for_staff_only(self) -> bool:
        """Only the agency's staff may read it."""
        return self.visibility == STAFF_ONLY

    @property
    def needs_consent(self) -> bool:
        """Drawn from an organisation's case, and that organisation's consent is not recorded yet."""
        return self.consent_organisation_id is not None and self.consent_recorded_at is None

    @property
    def latest_number(self) -> int:
        """The newest version's number (a published article's waiting edit, else the one shown)."""
        return self.waiting_version or self.version_number


@sa.event.listens_for(Article, "before_insert")
@sa.event.listens_for(Article, "before_update")
def _index_article(mapper: sa.orm.Mapper[Article], connection: sa.Connection, row: Article) -> None:
    row.search_text = search_text(row.title, row.summary, plain_text(row.body_html or ""))


class ArticleVersion(Model):
    """One saved version of an article: everything the editor holds, as it was saved."""

    __tablename__ = "knowledge_article_version"
    __audited__ = True
    __audit_exclude__ = {"body"}
    __table_args__ = (sa.UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("knowledge_article.id", ondelete="CASCADE"))
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    visibility: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    # Need areas, CPV codes, phases, support kinds and the linked organisations, networks and requests (ids).
    tags: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.String(300), default="")  # what the editor says changed
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="versions")
    edited_by: Mapped["User | None"] = relationship()


class ArticleAttachment(Model):
    """A document or picture of an article, kept in the database (checked by content like support documents)."""

    __tablename__ = "knowledge_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("knowledge_article.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        """A picture that may be shown in the article's text."""
        return self.content_type.startswith("image/")


class NetworkNote(TimestampMixin, Model):
    """A network's own market knowledge (suppliers seen, standards, trends, prices), for members and staff."""

    __audited__ = True
    __table_args__ = (sa.CheckConstraint(one_of("topic", TOPICS), name="topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The article draft made when a member proposed the note for publication.
    proposed_article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("knowledge_article.id", ondelete="SET NULL"))

    author: Mapped["User | None"] = relationship()
    proposed_article: Mapped[Article | None] = relationship()


class NetworkDocument(Model):
    """A document a network's members keep together (kept in the database, checked by content)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by: Mapped["User | None"] = relationship()
