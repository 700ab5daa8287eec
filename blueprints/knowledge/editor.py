"""The agency's editorial work: the list of every article, writing and editing (with a live preview), the
review workflow, consent, attachments, versions and their differences, and drafts drawn from a closed support
request or a closed network."""

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.core.access import permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.args import int_arg
from blueprints.core.db import db
from blueprints.core.htmx import render
from blueprints.knowledge.blueprint import bp
from blueprints.knowledge.constants import KINDS, STATUSES, TRANSITIONS, VISIBILITIES
from blueprints.knowledge.diff import changed, difference
from blueprints.knowledge.forms import (
    ArticleAttachmentForm,
    ArticleForm,
    ConsentForm,
    PreviewForm,
    StatusForm,
)
from blueprints.knowledge.markdown import render as render_markdown
from blueprints.knowledge.models import Article, ArticleVersion
from blueprints.knowledge.policies import SEE_EDITORIAL, WRITE_KNOWLEDGE
from blueprints.knowledge.queries import (
    EditorialFilter,
    diary_numbers,
    editorial_articles,
    network_choices,
    organisation_numbers,
    tags_in_words,
    version_numbers,
    version_of,
    versions_of,
)
from blueprints.knowledge.services import (
    ArticleData,
    add_attachments,
    attachment_path,
    change_status,
    create_article,
    data_of,
    draft_from_network,
    draft_from_request,
    record_consent,
    remove_attachment,
    render_body,
    save_article,
)
from blueprints.knowledge.views import article_context
from blueprints.networks.queries import get_visible_network
from blueprints.support.queries import get_visible_request
from blueprints.vocabulary.queries import need_area_choices

STATUS_MESSAGES = {
    "submit": _l("Artikeln är skickad för granskning."),
    "return": _l("Artikeln är återlämnad till skribenten."),
    "publish": _l("Artikeln är publicerad."),
    "archive": _l("Artikeln är arkiverad."),
    "restore": _l("Artikeln är återställd som utkast."),
}


def _article(article_id: int) -> Article:
    return db.get_or_404(Article, article_id)


@bp.get("/kunskap/redaktion")
@permission_required(SEE_EDITORIAL)
def editorial() -> ResponseReturnValue:
    """Every article for the agency's staff: drafts, those waiting for review, proposals from networks."""
    flt = EditorialFilter.from_args(request.args)
    return render(
        "knowledge/editorial.html",
        block="results",
        flt=flt,
        page=editorial_articles(flt),
        statuses=STATUSES,
        kinds=KINDS,
    )


def _article_form(data: ArticleData | None = None) -> ArticleForm:
    form = ArticleForm(data=None if data is None else _form_values(data))
    form.need_area_ids.choices = need_area_choices()
    form.network_ids.choices = network_choices()
    return form


def _form_values(data: ArticleData) -> dict[str, object]:
    return {
        "kind": data.kind,
        "title": data.title,
        "summary": data.summary,
        "body": data.body,
        "visibility": data.visibility,
        "need_area_ids": data.need_area_ids,
        "cpv_codes": " ".join(data.cpv_codes),
        "phases": data.phases,
        "support_kinds": data.support_kinds,
        "organisations": "\n".join(organisation_numbers(data.organisation_ids)),
        "network_ids": data.network_ids,
        "requests": ", ".join(diary_numbers(data.request_ids)),
    }


def _data(form: ArticleForm) -> ArticleData:
    return ArticleData(
        kind=form.kind.data,
        title=form.title.data.strip(),
        summary=form.summary.data.strip(),
        body=form.body.data,
        visibility=form.visibility.data,
        need_area_ids=form.need_area_ids.data or [],
        cpv_codes=form.cpv_codes.parsed,
        phases=form.phases.data or [],
        support_kinds=form.support_kinds.data or [],
        organisation_ids=form.organisations.parsed,
        network_ids=form.network_ids.data or [],
        request_ids=form.requests.parsed,
        note=(form.note.data or "").strip(),
    )


def _previewing() -> bool:
    return request.form.get("action") == "preview"


def _editor(form: ArticleForm, article: Article | None, *, status: int | None = None, **context: Any) -> Response:
    preview = render_body(article, form.body.data or "") if article else render_markdown(form.body.data or "")
    return render(
        "knowledge/form.html",
        form=form,
        article=article,
        preview=preview if _previewing() else None,
        attachment_form=context.pop("attachment_form", None) or ArticleAttachmentForm(formdata=None),
        attachment_path=attachment_path,
        status=status or (form_status(form) if not _previewing() else 200),
        **context,
    )


@bp.route("/kunskap/ny", methods=["GET", "POST"])
@permission_required(WRITE_KNOWLEDGE)
def create() -> ResponseReturnValue:
    """Write a new article (saved as a draft)."""
    form = _article_form()
    if request.method == "GET":
        form.kind.data, form.visibility.data = request.args.get("kind", "gott_exempel"), "alla"
    if not _previewing() and form.validate_on_submit():
        created = perform(lambda: create_article(data=_data(form), actor=g.user), form=form)
        if created is not None:
            flash(_("Utkastet är sparat."), "success")
            return redirect(url_for("knowledge.article", article_id=created.id), 303)
    return _editor(form, None)


@bp.route("/kunskap/<int:article_id>/redigera", methods=["GET", "POST"])
@permission_required(WRITE_KNOWLEDGE)
def edit(article_id: int) -> ResponseReturnValue:
    """Edit an article: a new version (a published article keeps its published text until the new version is
    published). An edit saved by someone else meanwhile is a conflict: both texts are shown, nothing is lost."""
    article = _article(article_id)
    latest = version_of(article, article.latest_number)
    form = _article_form(data_of(latest) if request.method == "GET" else None)
    if request.method == "GET":
        form.based_on.data = str(latest.number)
    if not _previewing() and form.validate_on_submit():
        based_on = int_arg(form.based_on.data) or 0
        saved = perform(
            lambda: save_article(article=article, data=_data(form), based_on=based_on, actor=g.user), form=form
        )
        if saved is not None:
            flash(_("Version %(number)s är sparad.", number=saved.number), "success")
            return redirect(url_for("knowledge.article", article_id=article.id), 303)
    conflict = None
    if getattr(form, "domain_error_status", None) == 409:
        article = _article(article_id)
        newest = version_of(article, article.latest_number)
        form.based_on.data = str(newest.number)  # saving again keeps this text over the newer one, knowingly
        conflict = {"version": newest, "body": difference(newest.body, form.body.data or "")}
    return _editor(form, article, conflict=conflict, latest=latest)


@bp.post("/kunskap/forhandsvisning")
@permission_required(WRITE_KNOWLEDGE)
def preview() -> ResponseReturnValue:
    """The text as it will look (htmx, as the editor writes)."""
    form = PreviewForm()
    html = render_markdown(form.body.data or "") if form.validate_on_submit() else ""
    return render("knowledge/_preview.html", preview=html, status=200 if not form.errors else 422)


@bp.post("/kunskap/<int:article_id>/status")
@permission_required(WRITE_KNOWLEDGE)
def status(article_id: int) -> ResponseReturnValue:
    """Move the article in its workflow (submit, return, publish, archive, restore)."""
    article = _article(article_id)
    form = StatusForm()
    back = url_for("knowledge.article", article_id=article.id)
    if not form.validate_on_submit() or form.action.data not in TRANSITIONS:
        abort(400)
    action = form.action.data
    if perform(
        lambda: change_status(article=article, action=action, actor=g.user, comment=form.comment.data or ""), back=back
    ):
        flash(STATUS_MESSAGES[action], "success")
    return redirect(back, 303)


@bp.post("/kunskap/<int:article_id>/samtycke")
@permission_required(WRITE_KNOWLEDGE)
def consent(article_id: int) -> ResponseReturnValue:
    """Record the organisation's consent to publication."""
    article = _article(article_id)
    form = ConsentForm()
    back = url_for("knowledge.article", article_id=article.id)
    if form.validate_on_submit() and perform(
        lambda: record_consent(article=article, given_by=form.given_by.data, actor=g.user), back=back
    ):
        flash(_("Samtycket är registrerat."), "success")
        return redirect(back, 303)
    found = _article(article_id)
    return render("knowledge/article.html", **article_context(found, consent_form=form), status=form_status(form))


@bp.get("/kunskap/<int:article_id>/versioner")
@permission_required(SEE_EDITORIAL)
def versions(article_id: int) -> ResponseReturnValue:
    """An article's versions: who saved which, when, and what they said changed."""
    article = _article(article_id)
    return render("knowledge/versions.html", article=article, versions=versions_of(article))


@bp.get("/kunskap/<int:article_id>/versioner/<int:number>")
@permission_required(SEE_EDITORIAL)
def version(article_id: int, number: int) -> ResponseReturnValue:
    """One version, compared with the one before it (or the one chosen with ?mot=)."""
    article = _article(article_id)
    shown = version_of(article, number)
    against_number = int_arg(request.args.get("mot"))
    against = version_of(article, against_number) if against_number else None
    if against is None and number > 1:
        against = version_of(article, number - 1)
    diffs = _differences(against, shown)
    return render(
        "knowledge/version.html",
        article=article,
        shown=shown,
        against=against,
        diffs=diffs,
        anything_changed=any(changed(d) for _label, d in diffs),
        numbers=version_numbers(article),
    )


def _differences(old: ArticleVersion | None, new: ArticleVersion) -> list[tuple[str, list]]:
    def text(version: ArticleVersion | None, name: str) -> str:
        return "" if version is None else str(getattr(version, name))

    old_tags, new_tags = tags_in_words(old, new)
    return [
        (_("Rubrik"), difference(text(old, "title"), new.title)),
        (_("Typ"), difference(str(KINDS.get(text(old, "kind"), "")), str(KINDS[new.kind]))),
        (
            _("Synlighet"),
            difference(str(VISIBILITIES.get(text(old, "visibility"), "")), str(VISIBILITIES[new.visibility])),
        ),
        (_("Ingress"), difference(text(old, "summary"), new.summary)),
        (_("Text"), difference(text(old, "body"), new.body)),
        (_("Taggar och kopplingar"), difference(old_tags, new_tags)),
    ]


@bp.post("/kunskap/<int:article_id>/bilagor")
@permission_required(WRITE_KNOWLEDGE)
def attach(article_id: int) -> ResponseReturnValue:
    """Add documents or pictures to an article."""
    article = _article(article_id)
    form = ArticleAttachmentForm()
    back = url_for("knowledge.edit", article_id=article.id) + "#bilagor"
    if form.validate_on_submit():
        uploads = form.attachments.uploads
        if perform(lambda: add_attachments(article=article, uploads=uploads, actor=g.user), back=back):
            flash(_("Bilagorna är sparade."), "success")
            return redirect(back, 303)
    latest = version_of(article, article.latest_number)
    status = 413 if form.attachments.too_large else form_status(form)
    return _editor(_article_form(data_of(latest)), article, status=status, attachment_form=form, latest=latest)


@bp.post("/kunskap/<int:article_id>/bilagor/<int:attachment_id>/ta-bort")
@permission_required(WRITE_KNOWLEDGE)
def detach(article_id: int, attachment_id: int) -> ResponseReturnValue:
    """Remove an attachment."""
    article = _article(article_id)
    back = url_for("knowledge.edit", article_id=article.id) + "#bilagor"
    perform(lambda: remove_attachment(article=article, attachment_id=attachment_id, actor=g.user), back=back)
    flash(_("Bilagan är borttagen."), "success")  # a broken rule was answered by perform's error handling
    return redirect(back, 303)


def _draft_from(make: Callable[[], Article], back: str, message: str) -> ResponseReturnValue:
    created = perform(make, back=back)
    if created is None:
        return redirect(back, 303)
    flash(message, "success")
    return redirect(url_for("knowledge.edit", article_id=created.id), 303)


@bp.post("/kunskap/ny/fran-stod/<int:request_id>")
@permission_required(WRITE_KNOWLEDGE)
def from_request(request_id: int) -> ResponseReturnValue:
    """An "erfarenhet" draft from a closed support request."""
    found = get_visible_request(request_id, g.user, whole=True)
    if found is None:
        abort(404)
    return _draft_from(
        lambda: draft_from_request(request=found, actor=g.user),
        url_for("support.detail", request_id=request_id),
        _("Ett utkast är skapat. Registrera organisationens samtycke innan det publiceras."),
    )


@bp.post("/kunskap/ny/fran-natverk/<int:network_id>")
@permission_required(WRITE_KNOWLEDGE)
def from_network(network_id: int) -> ResponseReturnValue:
    """A "gott exempel" draft from a closed network."""
    found = get_visible_network(network_id, g.user)
    if found is None:
        abort(404)
    return _draft_from(
        lambda: draft_from_network(network=found, actor=g.user),
        url_for("networks.detail", network_id=network_id),
        _("Ett utkast är skapat av nätverkets uppgifter."),
    )
