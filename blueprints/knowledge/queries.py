"""Reads of the knowledge hub: the public list with its search and filters, one article, the feed, the
editorial list, articles related to a case (ranked by the matching engine), new articles for a buyer and
guidance per network phase, a network's own knowledge."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer, selectinload, undefer

from blueprints.accounts.models import User
from blueprints.challenges.models import Challenge
from blueprints.core.access import Person
from blueprints.core.args import ListState, int_arg, page_arg
from blueprints.core.db import (
    COUNTED_EXACTLY,
    Page,
    PageOfIds,
    db,
    holds_word,
    paginate,
    paginate_ids,
    search_words,
    utcnow,
)
from blueprints.core.i18n import current_language
from blueprints.core.versions import token_columns
from blueprints.knowledge.constants import (
    GUIDANCE,
    KINDS,
    NEWEST,
    OLDEST,
    PUBLISHED,
    RELEVANCE,
    REVIEW,
    SORTS,
    STAFF_ONLY,
    STATUSES,
    TITLE,
)
from blueprints.knowledge.models import (
    Article,
    ArticleVersion,
    NetworkDocument,
    NetworkNote,
    article_cpv,
    article_need_area,
)
from blueprints.knowledge.policies import may_read, visible_articles
from blueprints.networks.constants import PHASES
from blueprints.networks.index import rank
from blueprints.networks.matching import LABELLED_REASONS, Item, Suggestion
from blueprints.networks.models import Network
from blueprints.networks.queries import challenge_item, describe
from blueprints.organisations.models import Organisation
from blueprints.support.constants import SUPPORT_KINDS
from blueprints.support.models import SupportRequest
from blueprints.vocabulary.models import CpvCode, NeedArea

PER_PAGE = 20
FEED_SIZE = 50
RELATED = 5
TEXT_INDEXED = 2000  # characters of an article's text the matching engine reads besides its title and summary


@dataclass(frozen=True)
class ArticleFilter(ListState):
    """The public list's state, read from (and written back to) the URL."""

    q: str = ""
    kind: str = ""
    need_area: int | None = None
    phase: str = ""
    cpv: str = ""  # a CPV division: its two leading digits
    sort: str = NEWEST
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str]) -> "ArticleFilter":
        """Read the filter, dropping values that are not valid (a bad link never fails)."""
        q = args.get("q", "").strip()[:200]
        sort = args.get("sort", "")
        return cls(
            q=q,
            kind=args.get("kind", "") if args.get("kind") in KINDS else "",
            need_area=int_arg(args.get("need_area")),
            phase=args.get("phase", "") if args.get("phase") in PHASES else "",
            cpv=args.get("cpv", "") if len(args.get("cpv", "")) == 2 and args.get("cpv", "").isdigit() else "",
            sort=sort if sort in SORTS and (sort != RELEVANCE or q) else (RELEVANCE if q and not sort else NEWEST),
            page=page_arg(args.get("page")),
        )

    @property
    def narrowed(self) -> bool:
        """Something is searched for or filtered."""
        return bool(self.q or self.kind or self.need_area or self.phase or self.cpv)


def data_version() -> str:
    """A token that changes whenever an article is written: what a cached list or feed depends on."""
    return str(db.session.scalar(sa.select(*token_columns("knowledge"))))


def _matching(flt: ArticleFilter, reader: Person | None) -> sa.Select[tuple[Article]]:
    query = sa.select(Article).where(visible_articles(reader))
    for word in search_words(flt.q):
        query = query.where(holds_word(Article.id, Article.search_text, "knowledge_article_fts", word))
    if flt.kind:
        query = query.where(Article.kind == flt.kind)
    if flt.need_area:
        query = query.where(
            Article.id.in_(
                sa.select(article_need_area.c.article_id).where(article_need_area.c.need_area_id == flt.need_area)
            )
        )
    if flt.phase:
        query = query.where(Article.phase_words.contains(f" {flt.phase} "))
    if flt.cpv:
        in_division = article_cpv.c.cpv_code.between(f"{flt.cpv}000000", f"{flt.cpv}999999")
        query = query.where(Article.id.in_(sa.select(article_cpv.c.article_id).where(in_division)))
    return query


def _ordered(query: sa.Select[tuple[Article]], flt: ArticleFilter) -> sa.Select[tuple[Article]]:
    if flt.sort == OLDEST:
        return query.order_by(Article.published_at, Article.id)
    if flt.sort == TITLE:
        return query.order_by(Article.title, Article.id)
    if flt.sort == RELEVANCE:
        words = search_words(flt.q)
        in_title = sa.and_(*(sa.func.lower(Article.title).contains(word) for word in words))
        return query.order_by(sa.case((in_title, 0), else_=1), Article.published_at.desc(), Article.id.desc())
    return query.order_by(Article.published_at.desc(), Article.id.desc())


def search_articles(flt: ArticleFilter, reader: Person | None) -> Page | PageOfIds:
    """One page of the published articles the reader may see that match the filter. With words to search, the
    matching ids are read in order in one statement (the text is searched once, not again for the count) and
    only the page's articles are loaded."""
    query = _ordered(_matching(flt, reader), flt)
    if not search_words(flt.q):
        return paginate(query.options(selectinload(Article.need_areas)), page=flt.page, per_page=PER_PAGE)
    ids = list(db.session.scalars(query.with_only_columns(Article.id).limit(COUNTED_EXACTLY + 1)))
    return paginate_ids(ids, _articles_with_areas, page=flt.page, per_page=PER_PAGE)


def _articles_with_areas(ids: list[int]) -> list[Article]:
    if not ids:
        return []
    found = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Article).where(Article.id.in_(ids)).options(selectinload(Article.need_areas))
        )
    }
    return [found[i] for i in ids if i in found]


def cpv_divisions(version: str) -> list[tuple[str, str]]:
    """(two digits, label) of the CPV divisions published articles are tagged with, for the filter; read once
    per data version of the articles (``data_version``) in each process."""
    kept: dict[str, list[tuple[str, str]]] = current_app.extensions.setdefault("knowledge_divisions", {})
    if version not in kept:
        kept.clear()
        kept[version] = _read_divisions()
    return kept[version]


def _read_divisions() -> list[tuple[str, str]]:
    division = sa.func.substr(article_cpv.c.cpv_code, 1, 2)
    used = (
        sa.select(division.label("division"))
        .join(Article, Article.id == article_cpv.c.article_id)
        .where(Article.status == PUBLISHED)
        .distinct()
        .subquery()
    )
    rows = db.session.execute(
        sa.select(used.c.division, CpvCode.label_sv, CpvCode.label_en)
        .join(CpvCode, CpvCode.code == used.c.division.concat("000000"))
        .order_by(used.c.division)
    )
    return [(d, f"{d} {sv}") for d, sv, _en in rows]


def get_article(article_id: int, reader: Person | None) -> Article:
    """An article the reader may open, with what its page shows (404 otherwise)."""
    article = db.session.scalar(
        sa.select(Article)
        .where(Article.id == article_id)
        .options(
            undefer(Article.body_html),
            selectinload(Article.need_areas),
            selectinload(Article.cpv_codes),
            selectinload(Article.attachments),
        )
    )
    if article is None or not may_read(article, reader):
        abort(404)
    return article


def article_state(article_id: int) -> sa.Row[tuple[int, str, str]] | None:
    """An article's write count, status and visibility, read alone: what decides whether a reader without an
    account may see it, and what its page's ETag is made of (a repeated visit is answered without loading it)."""
    return db.session.execute(
        sa.select(Article.revision, Article.status, Article.visibility).where(Article.id == article_id)
    ).one_or_none()


def feed_articles() -> list[Article]:
    """The newest published public articles, for the Atom feed."""
    return list(
        db.session.scalars(
            sa.select(Article)
            .where(visible_articles(None))
            .order_by(Article.published_at.desc(), Article.id.desc())
            .limit(FEED_SIZE)
            .options(selectinload(Article.author), undefer(Article.body_html))
        )
    )


@dataclass(frozen=True)
class EditorialFilter(ListState):
    """The editorial list's state: a status (or everything) and a page."""

    status: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str]) -> "EditorialFilter":
        """Read the filter from the URL."""
        status = args.get("status", "")
        return cls(
            status=status if status in STATUSES or status == "forslag" else "",
            q=args.get("q", "").strip()[:200],
            page=page_arg(args.get("page")),
        )


def editorial_articles(flt: EditorialFilter) -> Page:
    """One page of every article for the agency's editors, last changed first."""
    query = sa.select(Article).options(selectinload(Article.author), selectinload(Article.proposed_by))
    if flt.status == "forslag":
        query = query.where(Article.proposed_by_id.is_not(None), Article.status != PUBLISHED)
    elif flt.status == REVIEW:
        query = query.where(sa.or_(Article.status == REVIEW, Article.waiting_version.is_not(None)))
    elif flt.status:
        query = query.where(Article.status == flt.status)
    for word in search_words(flt.q):
        query = query.where(holds_word(Article.id, Article.search_text, "knowledge_article_fts", word))
    return paginate(query.order_by(Article.updated_at.desc(), Article.id.desc()), page=flt.page, per_page=PER_PAGE)


def version_of(article: Article, number: int) -> ArticleVersion:
    """One of an article's versions (404 when it has none of that number)."""
    version = db.session.scalar(
        sa.select(ArticleVersion)
        .where(ArticleVersion.article_id == article.id, ArticleVersion.number == number)
        .options(selectinload(ArticleVersion.edited_by))
    )
    if version is None:
        abort(404)
    return version


def versions_of(article: Article) -> list[ArticleVersion]:
    """An article's versions, newest first, with who saved them (not their texts)."""
    return list(
        db.session.scalars(
            sa.select(ArticleVersion)
            .where(ArticleVersion.article_id == article.id)
            .order_by(ArticleVersion.number.desc())
            .options(selectinload(ArticleVersion.edited_by), defer(ArticleVersion.body))
        )
    )


def version_numbers(article: Article) -> list[int]:
    """The numbers of an article's versions, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ArticleVersion.number)
            .where(ArticleVersion.article_id == article.id)
            .order_by(ArticleVersion.number)
        )
    )


def _articles(ids: list[int]) -> list[Article]:
    found = {a.id: a for a in db.session.scalars(sa.select(Article).where(Article.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class Related:
    """An article related to a case, with the engine's reasons."""

    article: Article
    reasons: list[str]


def _related(query: Item, reader: User) -> list[Related]:
    ranked: list[Suggestion] = rank(query, k=RELATED, kinds=("article",), public_only=not reader.is_staff)
    articles = {a.id: a for a in _articles([s.id for s in ranked])}
    codes = {dict(r.params)["code"].ljust(8, "0") for s in ranked for r in s.reasons if r.kind in LABELLED_REASONS}
    labels = {c.code: c for c in db.session.scalars(sa.select(CpvCode).where(CpvCode.code.in_(codes)))}
    return [
        Related(articles[s.id], describe(s.reasons, labels, current_language()))
        for s in ranked
        if s.id in articles and may_read(articles[s.id], reader)
    ]


def article_items(ids: list[int] | None) -> dict[int, Item | None]:
    """Articles as the matching engine sees them (its "article" kind): published ones, by their title, summary
    and the start of their text; None for the others, which are never suggested."""
    query = sa.select(
        Article.id, Article.status, Article.visibility, Article.title, Article.summary, Article.search_text
    )
    if ids is not None:
        query = query.where(Article.id.in_(ids))
    rows = db.session.execute(query).all()
    chosen = [r.id for r in rows]
    codes: dict[int, list[str]] = defaultdict(list)
    areas: dict[int, int] = {}
    for article_id, code in db.session.execute(
        sa.select(article_cpv.c.article_id, article_cpv.c.cpv_code).where(article_cpv.c.article_id.in_(chosen))
    ):
        codes[article_id].append(code)
    for article_id, area_id in db.session.execute(
        sa.select(article_need_area.c.article_id, article_need_area.c.need_area_id).where(
            article_need_area.c.article_id.in_(chosen)
        )
    ):
        areas.setdefault(article_id, area_id)
    return {
        row.id: (
            Item(
                "article",
                row.id,
                frozenset(),
                row.title,
                f"{row.summary} {row.search_text[len(row.title) + len(row.summary) + 2 :][:TEXT_INDEXED]}",
                tuple(sorted(codes[row.id])),
                areas.get(row.id),
                None,
                None,
                row.visibility != STAFF_ONLY,
            )
            if row.status == PUBLISHED
            else None
        )
        for row in rows
    }


def related_to_challenge(challenge: Challenge, reader: User) -> list[Related]:
    """Articles that speak to a challenge's need."""
    return _related(challenge_item(challenge), reader)


def related_to_network(network: Network, reader: User) -> list[Related]:
    """Articles that speak to a network's common challenge."""
    query = Item(
        "network",
        network.id,
        frozenset(),
        network.name,
        network.common_challenge,
        tuple(c.code for c in network.cpv_codes),
        network.need_area_id,
        None,
        network.host_organisation.county_code if network.host_organisation else None,
    )
    return _related(query, reader)


def related_to_request(request: SupportRequest, reader: User) -> list[Related]:
    """Articles that speak to a support request's procurement project."""
    query = Item(
        "challenge",
        0,
        frozenset(),
        request.title,
        request.description,
        tuple(c.code for c in request.cpv_codes),
        request.need_area_id,
        None,
        request.organisation.county_code,
    )
    return _related(query, reader)


def new_for_organisation(reader: Person, *, days: int = 90, limit: int = 5) -> list[Article]:
    """Articles published lately in the need areas of the reader's organisation's challenges (newest first)."""
    if reader.organisation_id is None:
        return []
    areas = sa.select(Challenge.need_area_id).where(Challenge.organisation_id == reader.organisation_id).distinct()
    in_areas = sa.select(article_need_area.c.article_id).where(article_need_area.c.need_area_id.in_(areas))
    return list(
        db.session.scalars(
            sa.select(Article)
            .where(
                visible_articles(reader),
                Article.published_at >= utcnow() - timedelta(days=days),
                Article.id.in_(in_areas),
            )
            .order_by(Article.published_at.desc())
            .limit(limit)
        )
    )


def guidance_by_phase(reader: Person) -> dict[str, list[Article]]:
    """Published guidance articles the reader may see, per network phase they are tagged with."""
    found: dict[str, list[Article]] = defaultdict(list)
    articles = db.session.scalars(
        sa.select(Article)
        .where(visible_articles(reader), Article.kind == GUIDANCE, Article.phase_words != " ")
        .order_by(Article.published_at.desc())
        .limit(100)
    )
    for article in articles:
        for phase in article.phases:
            if len(found[phase]) < 3:
                found[phase].append(article)
    return dict(found)


def network_notes(network: Network) -> list[NetworkNote]:
    """A network's knowledge notes, newest first, with their writers."""
    return list(
        db.session.scalars(
            sa.select(NetworkNote)
            .where(NetworkNote.network_id == network.id)
            .order_by(NetworkNote.created_at.desc(), NetworkNote.id.desc())
            .options(selectinload(NetworkNote.author))
        )
    )


def network_documents(network: Network) -> list[NetworkDocument]:
    """A network's documents, newest first."""
    return list(
        db.session.scalars(
            sa.select(NetworkDocument)
            .where(NetworkDocument.network_id == network.id)
            .order_by(NetworkDocument.created_at.desc(), NetworkDocument.id.desc())
            .options(selectinload(NetworkDocument.uploaded_by))
        )
    )


def network_choices() -> list[tuple[int, str]]:
    """(id, name) of every network, for linking an article to networks."""
    return [
        (id_, name) for id_, name in db.session.execute(sa.select(Network.id, Network.name).order_by(Network.sort_key))
    ]


def organisation_numbers(ids: list[int]) -> list[str]:
    """Organisationsnummer as they are written (NNNNNN-NNNN) of the organisations, in the order given."""
    found = {o.id: o for o in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids)))}
    return [found[i].org_number_display for i in ids if i in found]


def diary_numbers(ids: list[int]) -> list[str]:
    """Diarienummer of the support requests."""
    return list(
        db.session.scalars(
            sa.select(SupportRequest.diary_number).where(SupportRequest.id.in_(ids)).order_by(SupportRequest.id)
        )
    )


TAG_LABELS = {
    "need_area_ids": _l("Behovsområden"),
    "cpv_codes": _l("CPV-koder"),
    "phases": _l("Nätverkets faser"),
    "support_kinds": _l("Typer av stöd"),
    "organisation_ids": _l("Medverkande organisationer"),
    "network_ids": _l("Nätverk"),
    "request_ids": _l("Stödärenden"),
}


def tags_in_words(*versions: ArticleVersion | None) -> list[str]:
    """Each version's tags and links as lines a reader can compare ("Behovsområden: Energi, Livsmedel"), the
    linked rows of all the versions read with one statement per kind."""
    wanted: dict[str, set[Any]] = defaultdict(set)
    for version in versions:
        for key, values in (version.tags if version else {}).items():
            wanted[key].update(values)
    names: dict[str, dict[Any, str]] = {
        "need_area_ids": _names(NeedArea.id, NeedArea.name, wanted["need_area_ids"]),
        "organisation_ids": _names(Organisation.id, Organisation.name, wanted["organisation_ids"]),
        "network_ids": _names(Network.id, Network.name, wanted["network_ids"]),
        "request_ids": _names(SupportRequest.id, SupportRequest.diary_number, wanted["request_ids"]),
        "phases": {key: str(label) for key, label in PHASES.items()},
        "support_kinds": {key: str(label) for key, label in SUPPORT_KINDS.items()},
    }
    return [
        "\n".join(
            f"{TAG_LABELS[key]}: {', '.join(names.get(key, {}).get(v, str(v)) for v in values)}"
            for key, values in (version.tags if version else {}).items()
            if key in TAG_LABELS and values
        )
        for version in versions
    ]


def _names(key: Any, name: Any, ids: set[Any]) -> dict[Any, str]:
    return {k: n for k, n in db.session.execute(sa.select(key, name).where(key.in_(ids)))} if ids else {}
