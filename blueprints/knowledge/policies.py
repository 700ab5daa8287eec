"""Who may read and write what in the knowledge hub: the named permissions, which articles a reader may see,
who may publish a version, and who keeps a network's own knowledge."""

import sqlalchemy as sa

from blueprints.core.access import Permission, Person
from blueprints.core.roles import ADMIN, FACILITATOR, STAFF
from blueprints.knowledge.constants import PUBLIC, PUBLISHED, SIGNED_IN, STAFF_ONLY
from blueprints.knowledge.models import Article

WRITE_KNOWLEDGE = Permission("write_knowledge", (FACILITATOR, ADMIN))  # write, review, publish, archive
SEE_EDITORIAL = Permission("see_knowledge_editorial", STAFF)  # drafts, versions, the editorial list
PERMISSIONS = (WRITE_KNOWLEDGE, SEE_EDITORIAL)


def readable_visibilities(person: Person | None) -> tuple[str, ...]:
    """The visibilities of published articles the reader may see: the public ones, the signed-in ones once
    signed in, and all for the agency's staff."""
    if person is None:
        return (PUBLIC,)
    if person.is_staff:
        return (PUBLIC, SIGNED_IN, STAFF_ONLY)
    return (PUBLIC, SIGNED_IN)


def visible_articles(person: Person | None) -> sa.ColumnElement[bool]:
    """The articles the reader may see in lists and feeds, as a condition: published, with a visibility they
    may read."""
    return sa.and_(Article.status == PUBLISHED, Article.visibility.in_(readable_visibilities(person)))


def may_read(article: Article, person: Person | None) -> bool:
    """The reader may open the article: staff every one (drafts too); others a published one of a visibility
    they may read."""
    if person is not None and SEE_EDITORIAL(person):
        return True
    return article.is_published and article.visibility in readable_visibilities(person)


def may_publish(edited_by_id: int | None, person: Person) -> bool:
    """A version is published by a second staff member (not the one who wrote it), or by an admin."""
    return WRITE_KNOWLEDGE(person) and (person.has_role(ADMIN) or edited_by_id != person.id)
