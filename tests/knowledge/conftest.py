"""Fixtures for the knowledge hub: a second facilitator (publishing takes two people) and an article factory."""

import pytest

from blueprints.accounts.models import User
from blueprints.core.db import db
from blueprints.knowledge.services import ArticleData, change_status, create_article
from tests.challenges.conftest import areas, make_challenge  # noqa: F401 (fixtures)
from tests.networks.conftest import make_network  # noqa: F401 (fixtures)


@pytest.fixture
def page_cache(app):
    """Public pages kept in memory for this test (off elsewhere: tests reuse ids)."""
    app.extensions.pop("knowledge_pages", None)
    app.config["KNOWLEDGE_PAGE_CACHE"] = 16
    yield
    app.config["KNOWLEDGE_PAGE_CACHE"] = 0
    app.extensions.pop("knowledge_pages", None)


@pytest.fixture
def reviewer(make_user):
    """A second facilitator, who may publish what the first wrote."""
    return make_user("reviewer@example.org", ("facilitator",), name="Rut Granskare")


@pytest.fixture
def make_article(app, people, reviewer):
    """Create an article by the facilitator, published by the reviewer unless ``publish`` is False; its id."""

    def make(title="Så startar ni ett nätverk", publish=True, **fields):
        with app.app_context():
            writer, second = db.session.get(User, people["facilitator"]), db.session.get(User, reviewer)
            data = ArticleData(
                kind=fields.pop("kind", "stodmaterial"),
                title=title,
                summary=fields.pop("summary", "Fyra steg för de första månaderna."),
                body=fields.pop("body", "# Steg\n\nFormulera utmaningen."),
                **fields,
            )
            article = create_article(data=data, actor=writer)
            if publish:
                change_status(article=article, action="submit", actor=writer)
                change_status(article=article, action="publish", actor=second)
            db.session.commit()
            return article.id

    return make
