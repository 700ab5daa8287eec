"""Writes of the knowledge hub: articles and their versions, the review workflow, consent, attachments; drafts
drawn from a closed support request or a closed network; a network's own notes and documents, and a note
proposed for publication."""

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from blueprints.accounts.models import User
from blueprints.core.audit import record_event
from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.i18n import N_, iso_date, number
from blueprints.core.outbox import queue_notice
from blueprints.core.urls import public_url
from blueprints.knowledge.constants import (
    DRAFT,
    GOOD_EXAMPLE,
    LESSON,
    PUBLIC,
    TRANSITIONS,
)
from blueprints.knowledge.markdown import render
from blueprints.knowledge.models import (
    Article,
    ArticleAttachment,
    ArticleVersion,
    NetworkDocument,
    NetworkNote,
)
from blueprints.knowledge.policies import may_publish
from blueprints.networks.constants import ACTIVITY_KINDS, MARKET_DIALOGUE
from blueprints.networks.models import Network
from blueprints.networks.queries import power_of
from blueprints.organisations.models import Organisation
from blueprints.support.constants import SUPPORT_KINDS
from blueprints.support.documents import Upload
from blueprints.support.models import SupportRequest
from blueprints.vocabulary.models import NeedArea
from blueprints.vocabulary.queries import cpv_codes_by_id

SAVED_MEANWHILE = N_("Någon annan sparade artikeln medan du skrev. Jämför versionerna och spara igen.")


class EditConflict(DomainError):
    """Someone else saved the article after this editor opened it."""

    status_code = 409


@dataclass(frozen=True)
class ArticleData:
    """What the editor holds: the text, its tags and what it links to."""

    kind: str
    title: str
    summary: str = ""
    body: str = ""
    visibility: str = PUBLIC
    need_area_ids: list[int] = field(default_factory=list)
    cpv_codes: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    support_kinds: list[str] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)
    network_ids: list[int] = field(default_factory=list)
    request_ids: list[int] = field(default_factory=list)
    note: str = ""

    def tags(self) -> dict[str, Any]:
        """The tags and links as a version keeps them."""
        return {
            "need_area_ids": sorted(set(self.need_area_ids)),
            "cpv_codes": sorted(set(self.cpv_codes)),
            "phases": list(self.phases),
            "support_kinds": list(self.support_kinds),
            "organisation_ids": sorted(set(self.organisation_ids)),
            "network_ids": sorted(set(self.network_ids)),
            "request_ids": sorted(set(self.request_ids)),
        }


def data_of(version: ArticleVersion) -> ArticleData:
    """A saved version as editor data (to edit it again, or compare it)."""
    tags = version.tags or {}
    return ArticleData(
        kind=version.kind,
        title=version.title,
        summary=version.summary,
        body=version.body,
        visibility=version.visibility,
        need_area_ids=list(tags.get("need_area_ids", [])),
        cpv_codes=list(tags.get("cpv_codes", [])),
        phases=list(tags.get("phases", [])),
        support_kinds=list(tags.get("support_kinds", [])),
        organisation_ids=list(tags.get("organisation_ids", [])),
        network_ids=list(tags.get("network_ids", [])),
        request_ids=list(tags.get("request_ids", [])),
        note=version.note,
    )


def attachment_path(article_id: int, attachment_id: int) -> str:
    """The address of an article's attachment, as bodies refer to their pictures."""
    return f"/kunskap/{article_id}/bilagor/{attachment_id}"


def render_body(article: Article, body: str) -> str:
    """An article's body as safe HTML, showing only its own pictures."""
    own = {attachment_path(article.id, a.id) for a in article.attachments if a.is_image}
    return render(body, allowed_image=lambda src: re.sub(r"^https?://[^/]+", "", src) in own)


def _rows(model: Any, column: Any, values: list[Any]) -> list[Any]:
    """The rows of ``model`` whose ``column`` is one of ``values`` (ids that no longer exist are left out)."""
    return list(db.session.scalars(sa.select(model).where(column.in_(values)))) if values else []


def _apply(article: Article, version: ArticleVersion) -> None:
    """Show ``version``: its text, rendered, and its tags and links."""
    data = data_of(version)
    article.kind, article.visibility = data.kind, data.visibility
    article.title, article.summary, article.body = data.title, data.summary, data.body
    article.body_html = render_body(article, data.body)
    article.phases, article.support_kinds = data.phases, data.support_kinds
    article.need_areas = _rows(NeedArea, NeedArea.id, data.need_area_ids)
    article.cpv_codes = list(cpv_codes_by_id(data.cpv_codes).values())
    article.organisations = _rows(Organisation, Organisation.id, data.organisation_ids)
    article.networks = _rows(Network, Network.id, data.network_ids)
    article.requests = _rows(SupportRequest, SupportRequest.id, data.request_ids)
    article.version_number = version.number


def _add_version(article: Article, data: ArticleData, number: int, actor: User | None) -> ArticleVersion:
    version = ArticleVersion(
        number=number,
        kind=data.kind,
        visibility=data.visibility,
        title=data.title,
        summary=data.summary,
        body=data.body,
        tags=data.tags(),
        note=data.note,
        edited_by_id=actor.id if actor else None,
    )
    version.article_id = article.id  # not through ``article.versions``: that would load every earlier text
    db.session.add(version)
    return version


def _flush_or_conflict() -> None:
    """Write now: an edit saved meanwhile by someone else is a conflict (409), never overwritten."""
    try:
        db.session.flush()
    except (StaleDataError, sa.exc.IntegrityError) as error:
        raise EditConflict(_(SAVED_MEANWHILE), field="body") from error


def create_article(
    *,
    data: ArticleData,
    actor: User,
    consent_organisation: Organisation | None = None,
    proposed_by: User | None = None,
) -> Article:
    """A new draft and its first version."""
    article = Article(
        kind=data.kind,
        title=data.title,
        status=DRAFT,
        author_id=None if proposed_by else actor.id,
        proposed_by_id=proposed_by.id if proposed_by else None,
        consent_organisation_id=consent_organisation.id if consent_organisation else None,
    )
    db.session.add(article)
    db.session.flush()
    _apply(article, _add_version(article, data, 1, actor))
    db.session.flush()
    return article


def save_article(*, article: Article, data: ArticleData, based_on: int, actor: User) -> ArticleVersion:
    """Save a new version of an article opened at version ``based_on``. A draft (or an archived article) shows it
    at once; a published article keeps showing its published version until the new one is published.
    ``EditConflict`` when a newer version was saved meanwhile."""
    if based_on != article.latest_number:
        raise EditConflict(_(SAVED_MEANWHILE), field="body")
    version = _add_version(article, data, article.latest_number + 1, actor)
    if article.is_published:
        article.waiting_version = version.number
        article.updated_at = utcnow()  # the row is written (and checked for a concurrent save) either way
    else:
        _apply(article, version)
    _flush_or_conflict()
    return version


def _version(article: Article, number: int) -> ArticleVersion:
    """One of the article's versions, read alone (its other versions' texts stay in the database)."""
    return db.session.execute(
        sa.select(ArticleVersion).where(ArticleVersion.article_id == article.id, ArticleVersion.number == number)
    ).scalar_one()


def change_status(*, article: Article, action: str, actor: User, comment: str = "") -> Article:
    """Move an article through its workflow: submit for review, return to the writer, publish (by a second
    staff member or an admin; a waiting revision of a published article too), archive, restore as a draft."""
    allowed_from, to_status = TRANSITIONS[action]
    if article.status not in allowed_from or (
        action == "publish" and article.is_published and not article.waiting_version
    ):
        raise DomainError(_("Artikeln kan inte ändras så i sin nuvarande status."), status_code=409)
    if action == "publish":
        _publish(article, actor)
    if action == "restore" and article.waiting_version:  # the draft goes on from the newest text
        _apply(article, _version(article, article.waiting_version))
        article.waiting_version = None
    article.status = to_status
    if action in NOTICES:
        _tell_the_writer(article, action, comment)
    record_event(
        f"knowledge.{action}",
        object_type="Article",
        object_id=str(article.id),
        after={"status": to_status, "version": article.latest_number, "comment": comment},
    )
    _flush_or_conflict()
    return article


NOTICE_SUBJECT = N_("Kunskapsbanken: %(title)s")
NOTICES = {
    "publish": N_("Din artikel ”%(title)s” är publicerad."),
    "return": N_("Din artikel ”%(title)s” har återlämnats till dig. Kommentar: %(comment)s"),
}


def _tell_the_writer(article: Article, action: str, comment: str) -> None:
    """E-mail the article's writer (or the member who proposed it) that it was published or returned."""
    writer = article.author or article.proposed_by
    if writer is None:
        return
    queue_notice(
        [writer],
        subject=NOTICE_SUBJECT,
        message=lambda: gettext(NOTICES[action], title=article.title, comment=comment or "–"),
        link=public_url("knowledge.article", article_id=article.id),
        title=article.title,
    )


def _publish(article: Article, actor: User) -> None:
    version = _version(article, article.latest_number)
    if not may_publish(version.edited_by_id, actor):
        raise DomainError(
            _("En annan medarbetare än den som skrev versionen ska granska och publicera den."), status_code=403
        )
    if article.needs_consent:
        raise DomainError(
            _("Organisationens samtycke till publicering är inte registrerat."), field="consent", status_code=409
        )
    if article.waiting_version:
        _apply(article, version)
        article.waiting_version = None
    article.reviewer_id = actor.id
    article.published_at = article.published_at or utcnow()


def record_consent(*, article: Article, given_by: str, actor: User) -> Article:
    """Record who at the organisation agreed to publication (a name and role, as the facilitator heard it)."""
    if article.consent_organisation_id is None:
        raise DomainError(_("Artikeln behöver inget samtycke."), status_code=409)
    article.consent_given_by = given_by.strip()
    article.consent_recorded_by_id = actor.id
    article.consent_recorded_at = utcnow()
    return article


def _attachment(model: Any, upload: Upload, actor: User, **owner: int) -> Any:
    return model(
        **owner,
        filename=upload.filename,
        content_type=upload.content_type,
        size_bytes=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        content=upload.data,
        uploaded_by_id=actor.id,
    )


def add_attachments(*, article: Article, uploads: list[Upload], actor: User) -> list[ArticleAttachment]:
    """Documents and pictures of an article (checked by the form)."""
    added = [_attachment(ArticleAttachment, upload, actor) for upload in uploads]
    article.attachments.extend(added)
    db.session.flush()
    article.body_html = render_body(article, article.body)  # its text may already show the new pictures
    return added


def remove_attachment(*, article: Article, attachment_id: int, actor: User) -> None:
    """Remove an attachment (its pictures disappear from the text)."""
    attachment = next((a for a in article.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise DomainError(_("Bilagan finns inte."), status_code=404)
    article.attachments.remove(attachment)
    db.session.flush()
    article.body_html = render_body(article, article.body)


def draft_from_request(*, request: SupportRequest, actor: User) -> Article:
    """An "erfarenhet" draft from a closed support request: its project, the sessions' outcomes and lessons;
    publishable only once the buyer organisation's consent is recorded."""
    if not request.is_closed:
        raise DomainError(_("Bara ett avslutat ärende kan bli en erfarenhet."), status_code=409)
    held = [b for b in request.bookings if b.outcome or b.lessons]
    lines = [f"## {_('Bakgrund')}", "", request.description.strip(), "", f"## {_('Stödet')}", ""]
    lines += [f"- {iso_date(b.starts_at)}, {SUPPORT_KINDS[b.kind]}: {b.outcome.strip() or '–'}" for b in held] or ["-"]
    lines += ["", f"## {_('Lärdomar')}", ""]
    lines += [f"- {b.lessons.strip()}" for b in held if b.lessons.strip()] or ["-"]
    data = ArticleData(
        kind=LESSON,
        title=_("Erfarenhet: %(title)s", title=request.title)[:200],
        summary=(request.closing_summary or request.description).strip()[:600],
        body="\n".join(lines),
        need_area_ids=[request.need_area_id] if request.need_area_id else [],
        cpv_codes=[c.code for c in request.cpv_codes],
        support_kinds=request.support_kinds,
        organisation_ids=[request.organisation_id],
        request_ids=[request.id],
        note=_("Utkast från ärende %(number)s", number=request.diary_number),
    )
    return create_article(data=data, actor=actor, consent_organisation=request.organisation)


def draft_from_network(*, network: Network, actor: User) -> Article:
    """A "gott exempel" draft from a closed network: its common challenge, members, pooled purchasing power,
    activities and market dialogues."""
    if not network.is_closed:
        raise DomainError(_("Bara ett avslutat nätverk kan bli ett gott exempel."), status_code=409)
    members = network.active_members
    power = power_of(network)
    lines = [f"## {_('Den gemensamma utmaningen')}", "", network.common_challenge.strip(), ""]
    lines += [f"## {_('Medlemmar')}", ""] + [f"- {m.organisation.name}" for m in members] + [""]
    lines += [f"## {_('Samlad köpkraft')}", ""]
    if power.annual_sek:
        lines.append(
            _(
                "Medlemmarna köpte i nätverkets CPV-grenar för i genomsnitt %(value)s kronor per år "
                "(%(count)s upphandlingar enligt upphandlingsstatistiken).",
                value=number(power.annual_sek),
                count=power.procurements,
            )
        )
    else:
        lines.append(_("Upphandlingsstatistiken visar inga köp i nätverkets CPV-grenar."))
    lines += ["", f"## {_('Aktiviteter')}", ""]
    lines += [f"- {iso_date(a.starts_at)}, {ACTIVITY_KINDS[a.kind]}: {a.title}" for a in network.activities] or ["-"]
    dialogues = [a for a in network.activities if a.kind == MARKET_DIALOGUE]
    lines += ["", f"## {_('Marknadsdialoger')}", ""]
    for dialogue in dialogues:
        lines += [f"### {dialogue.title}", "", dialogue.shared_information.strip() or dialogue.minutes.strip(), ""]
    if not dialogues:
        lines.append("-")
    data = ArticleData(
        kind=GOOD_EXAMPLE,
        title=_("Gott exempel: %(name)s", name=network.name)[:200],
        summary=network.common_challenge.strip()[:600],
        body="\n".join(lines),
        need_area_ids=[network.need_area_id] if network.need_area_id else [],
        cpv_codes=[c.code for c in network.cpv_codes],
        organisation_ids=[m.organisation_id for m in members],
        network_ids=[network.id],
        note=_("Utkast från nätverket %(name)s", name=network.name),
    )
    return create_article(data=data, actor=actor)


@dataclass(frozen=True)
class NoteData:
    """A network's knowledge note as its form holds it."""

    topic: str
    title: str
    body: str


def add_note(*, network: Network, data: NoteData, actor: User) -> NetworkNote:
    """A note on the network's knowledge page."""
    note = NetworkNote(
        network_id=network.id,
        topic=data.topic,
        title=data.title,
        body=data.body,
        body_html=render(data.body),
        author_id=actor.id,
    )
    db.session.add(note)
    db.session.flush()
    return note


def remove_note(*, note: NetworkNote, actor: User) -> None:
    """Remove a note (its writer, or staff)."""
    if not (actor.is_staff or note.author_id == actor.id):
        raise DomainError(_("Bara den som skrev anteckningen kan ta bort den."), status_code=403)
    db.session.delete(note)


def propose_note(*, note: NetworkNote, network: Network, actor: User) -> Article:
    """Propose a note for publication: an "erfarenhet" draft for the agency's editors, linked to the network."""
    if note.proposed_article_id is not None:
        raise DomainError(_("Anteckningen är redan föreslagen för publicering."), status_code=409)
    data = ArticleData(
        kind=LESSON,
        title=note.title,
        summary="",
        body=note.body,
        need_area_ids=[network.need_area_id] if network.need_area_id else [],
        cpv_codes=[c.code for c in network.cpv_codes],
        network_ids=[network.id],
        note=_("Förslag från nätverket %(name)s", name=network.name),
    )
    article = create_article(data=data, actor=actor, proposed_by=actor)
    note.proposed_article_id = article.id
    return article


def add_network_documents(*, network: Network, uploads: list[Upload], actor: User) -> list[NetworkDocument]:
    """Documents the network's members keep together (checked by the form)."""
    documents = [_attachment(NetworkDocument, upload, actor, network_id=network.id) for upload in uploads]
    db.session.add_all(documents)
    db.session.flush()
    return documents
