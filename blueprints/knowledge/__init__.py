"""The knowledge hub: good examples, support material, lessons learnt and news, written and reviewed by the
agency's staff, read by everyone (signed in or not) with search, filters and an Atom feed; networks' own
knowledge pages. ``markdown`` and ``diff`` are pure: the package imports no Flask at module level."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the pages, header link, sections on challenge, network, support and start pages, the articles
    the matching index holds, permissions, audit names and demo articles."""
    from flask_babel import lazy_gettext as _l

    from blueprints.core import versions
    from blueprints.core.registry import AuditObject, areas
    from blueprints.knowledge import editor, models, network_views, panels, views  # noqa: F401 (routes)
    from blueprints.knowledge.blueprint import bp
    from blueprints.knowledge.demo import seed_demo_articles
    from blueprints.knowledge.policies import PERMISSIONS
    from blueprints.knowledge.queries import article_items
    from blueprints.networks.index import ItemSource, add_item_source

    app.register_blueprint(bp)
    versions.watch(models.Article, "knowledge")
    add_item_source(ItemSource("article", models.Article, "knowledge", article_items))
    registry = areas(app)
    registry.add_permissions(PERMISSIONS)
    registry.add_audit_names(
        actions={
            "knowledge.submit": _l("Skickade artikel för granskning"),
            "knowledge.return": _l("Återlämnade artikel"),
            "knowledge.publish": _l("Publicerade artikel"),
            "knowledge.archive": _l("Arkiverade artikel"),
            "knowledge.restore": _l("Återställde artikel"),
        },
        objects={
            "Article": AuditObject(_l("Kunskapsartikel"), "knowledge.article", "article_id"),
            "ArticleVersion": AuditObject(_l("Artikelversion")),
            "NetworkNote": AuditObject(_l("Nätverksanteckning")),
        },
    )
    registry.add_link("knowledge.index", _l("Kunskap"), order=45)
    registry.add_panel("challenge.detail", "knowledge/_related_panel.html", panels.related_on_challenge, order=40)
    registry.add_panel("network.detail", "knowledge/_network_panel.html", panels.on_network, order=10)
    registry.add_panel("network.phase", "knowledge/_phase_guidance.html", panels.guidance_for_phases, order=10)
    registry.add_panel("support.detail", "knowledge/_request_panel.html", panels.on_request, order=10)
    registry.add_panel("start", "knowledge/_start_new_articles.html", panels.new_articles, order=40)
    registry.add_demo(seed_demo_articles, order=80)
