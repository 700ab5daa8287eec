"""Public reading, no login needed: the list with search and filters, article pages, attachments, the Atom feed,
and articles related to a case (loaded into challenge, network and support pages).

Anonymous readers get ``Cache-Control: public`` and an ETag (a repeated visit is answered 304 from one small
read); such pages carry no CSRF token and set no cookie, so a shared cache may keep them. Signed-in readers
keep the app's ``no-store``: their pages are personal."""

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Response, abort, current_app, g, redirect, request, session
from flask.typing import ResponseReturnValue

from blueprints.challenges.queries import get_visible_challenge
from blueprints.core.access import login_redirect, login_required, public
from blueprints.core.db import db
from blueprints.core.downloads import download
from blueprints.core.htmx import render
from blueprints.core.i18n import chosen_language, current_language, remember_language
from blueprints.knowledge.blueprint import bp
from blueprints.knowledge.cache import PageCache
from blueprints.knowledge.constants import KINDS, PUBLISHED, SIGNED_IN, SORTS, STATUSES, VISIBILITIES
from blueprints.knowledge.feed import atom_feed
from blueprints.knowledge.forms import ConsentForm, StatusForm
from blueprints.knowledge.models import Article, ArticleAttachment
from blueprints.knowledge.policies import SEE_EDITORIAL, may_publish, may_read, readable_visibilities
from blueprints.knowledge.queries import (
    ArticleFilter,
    article_state,
    cpv_divisions,
    data_version,
    feed_articles,
    get_article,
    related_to_challenge,
    related_to_network,
    related_to_request,
    search_articles,
    version_of,
)
from blueprints.networks.constants import PHASES
from blueprints.networks.queries import get_visible_network
from blueprints.support.constants import SUPPORT_KINDS
from blueprints.support.queries import get_visible_request
from blueprints.vocabulary.queries import need_area_choices

T = TypeVar("T")
READERS_MAX_AGE = 300  # seconds a browser or proxy may reuse a public page before asking again


@cache
def templates_digest(root: str) -> str:
    """A digest of the templates, read once per process (on the first public page, not at start-up): a new
    release that changes them changes every ETag, so no page kept by a browser or proxy outlives it."""
    templates = sorted(Path(root, "templates").glob("**/*.html"))
    return hashlib.sha256(b"".join(path.read_bytes() for path in templates)).hexdigest()[:12]


def _etag(*parts: object) -> str:
    return hashlib.sha256(
        repr((*parts, current_language(), templates_digest(current_app.root_path))).encode()
    ).hexdigest()[:32]


def for_readers(parts: Callable[[], tuple[object, ...] | None], make: Callable[[], Response]) -> Response:
    """An anonymous reader's page, cacheable and answered 304 when it has not changed (``parts`` says what it is
    made of; None: it does not exist); a signed-in reader's page as it is."""
    if g.user is not None or session.get("_flashes"):  # a message waiting for this reader is theirs alone
        return make()
    source = parts()
    if source is None:
        abort(404)
    etag = _etag(*source)
    g.public_cache = True  # the page is rendered without a form token (base.html)
    pages = _page_cache()
    kept = pages.get(etag)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    elif kept is not None:
        response = Response(kept.body, mimetype=kept.mimetype)
    else:
        response = make()
        if response.status_code != 200:
            return response
        pages.put(etag, response.get_data(), response.mimetype or "text/html")
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={READERS_MAX_AGE}"
    response.vary.add("Cookie")  # a signed-in reader or another language gets another page
    return response


def _page_cache() -> PageCache:
    cache = current_app.extensions.get("knowledge_pages")
    if cache is None:
        cache = current_app.extensions["knowledge_pages"] = PageCache(
            current_app.config["KNOWLEDGE_PAGE_CACHE"], READERS_MAX_AGE
        )
    return cache  # type: ignore[no-any-return]


@bp.before_request
def choose_language_by_link() -> ResponseReturnValue | None:
    """``?lang=en`` on a public page: a reader without an account switches language with a plain link (the
    cacheable pages carry no form token); the choice is kept in the same cookie as the site's language switch."""
    chosen = request.args.get("lang")
    if request.method != "GET" or chosen is None:
        return None
    kept = urlencode([(key, value) for key, value in request.args.items(multi=True) if key != "lang"])
    response = redirect(request.script_root + request.path + (f"?{kept}" if kept else ""), 303)
    return remember_language(response, chosen_language(chosen))


@bp.get("/kunskap/")
@public
def index() -> ResponseReturnValue:
    """Published articles: search, filter by kind, need area, phase and CPV division, and sort."""
    flt = ArticleFilter.from_args(request.args)
    version = data_version()

    def page() -> Response:
        return render(
            "knowledge/index.html",
            block="results",
            flt=flt,
            page=search_articles(flt, g.user),
            kinds=KINDS,
            phases=PHASES,
            sorts=SORTS,
            need_areas=need_area_choices(),
            divisions=cpv_divisions(version),
        )

    return for_readers(lambda: ("list", version, request.full_path), page)


@bp.get("/kunskap/<int:article_id>")
@public
def article(article_id: int) -> ResponseReturnValue:
    """An article as readers see it (with print styles); staff see drafts too, with the workflow."""

    def page() -> Response:
        return render("knowledge/article.html", **article_context(get_article(article_id, g.user)))

    return for_readers(lambda: _readable_source(article_id), page)


def article_context(article: Article, **forms: object) -> dict[str, Any]:
    """What an article's page shows; staff also see its workflow (and the forms of it, ``forms`` when one is
    shown again with errors)."""
    context: dict[str, Any] = {
        "article": article,
        "kinds": KINDS,
        "phases": PHASES,
        "support_kinds": SUPPORT_KINDS,
    }
    if SEE_EDITORIAL(g.user):
        context |= {
            "statuses": STATUSES,
            "visibilities": VISIBILITIES,
            "status_form": StatusForm(formdata=None),
            "consent_form": forms.get("consent_form") or ConsentForm(formdata=None),
            "publishable": may_publish(version_of(article, article.latest_number).edited_by_id, g.user),
        }
    return context


def _readable_source(article_id: int) -> tuple[object, ...] | None:
    """What the article's page is made of, when a reader without an account may see it; signed-in readers'
    articles send them to the login page; anything else does not exist for them."""
    state = article_state(article_id)
    if state is None or state.status != PUBLISHED:
        return None
    if state.visibility in readable_visibilities(None):
        return ("article", article_id, state.revision, state.visibility)
    if state.visibility == SIGNED_IN:
        abort(login_redirect())
    return None


@bp.get("/kunskap/<int:article_id>/bilagor/<int:attachment_id>")
@public
def attachment(article_id: int, attachment_id: int) -> ResponseReturnValue:
    """An article's document (downloaded) or picture (shown in its text), for those who may read the article."""

    def file() -> Response:
        found = db.session.get(ArticleAttachment, attachment_id)
        if found is None or found.article_id != article_id or not may_read(found.article, g.user):
            abort(404)
        return download(found.content, found.content_type, found.filename, inline=found.is_image)

    return for_readers(lambda: _attachment_source(article_id, attachment_id), file)


def _attachment_source(article_id: int, attachment_id: int) -> tuple[object, ...] | None:
    article_source = _readable_source(article_id)
    return None if article_source is None else (*article_source, attachment_id)


@bp.get("/kunskap/flode.atom")
@public
def feed() -> ResponseReturnValue:
    """The Atom feed of published public articles (the same for everyone)."""

    def document() -> Response:
        xml = atom_feed(feed_articles(), language=current_language())
        return Response(xml, mimetype="application/atom+xml")

    return for_readers(lambda: ("feed", data_version()), document)


def _found(row: T | None) -> T:
    if row is None:
        abort(404)
    return row


RELATED_TO = {
    "utmaning": lambda id_: related_to_challenge(_found(get_visible_challenge(id_, g.user)), g.user),
    "natverk": lambda id_: related_to_network(_found(get_visible_network(id_, g.user)), g.user),
    "stod": lambda id_: related_to_request(_found(get_visible_request(id_, g.user)), g.user),
}


@bp.get("/kunskap/relaterade/<kind>/<int:object_id>")
@login_required
def related(kind: str, object_id: int) -> ResponseReturnValue:
    """Articles related to a challenge, network or support request, ranked by the matching engine with its
    reasons; loaded into their pages (a plain page without JavaScript)."""
    if kind not in RELATED_TO:
        abort(404)
    return render(
        "knowledge/related.html", block="related", related=RELATED_TO[kind](object_id), kind=kind, object_id=object_id
    )
