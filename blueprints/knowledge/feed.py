"""The Atom feed (RFC 4287) of published public articles, written by feedgen. Summaries and bodies go in as
the sanitised HTML the pages show, so nothing a writer typed can run in a feed reader either."""

from feedgen.feed import FeedGenerator
from flask import request, url_for
from flask_babel import gettext as _

from blueprints.core.db import utcnow
from blueprints.knowledge.constants import KINDS
from blueprints.knowledge.models import Article


def atom_feed(articles: list[Article], *, language: str) -> bytes:
    """The feed document: one entry per article, newest first."""
    feed = FeedGenerator()
    home = url_for("knowledge.index", _external=True)
    feed.id(home)
    feed.title(_("Köpkraft – kunskapsbanken"))
    feed.subtitle(_("Goda exempel, stödmaterial, erfarenheter och nyheter om beställarnätverk och utvecklande inköp."))
    feed.author({"name": _("Köpkraft")})
    feed.link(href=home, rel="alternate", type="text/html")
    feed.link(href=request.url, rel="self", type="application/atom+xml")
    feed.language(language)
    feed.updated(max((a.updated_at for a in articles), default=utcnow()))
    for article in reversed(articles):  # feedgen puts the entry added last first
        link = url_for("knowledge.article", article_id=article.id, _external=True)
        entry = feed.add_entry()
        entry.id(link)
        entry.title(article.title)
        entry.link(href=link, rel="alternate", type="text/html")
        entry.published(article.published_at)
        entry.updated(article.updated_at)
        entry.author({"name": article.author.name if article.author else _("Köpkraft")})
        entry.category(term=article.kind, label=str(KINDS[article.kind]))
        entry.summary(article.summary)
        entry.content(article.body_html, type="html")
    return feed.atom_str(pretty=True)
