"""Köpkraft: the application factory."""

from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from blueprints.core.config import INSTANCE_DIR, load_config

csrf = CSRFProtect()
migrate = Migrate()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app; ``config`` overrides values read from the environment."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), static_folder="static", template_folder="templates")
    app.config.update(load_config(config))
    INSTANCE_DIR.mkdir(exist_ok=True)

    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from blueprints.core.db import db, include_in_migrations, render_migration_type

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_type,
        include_object=include_in_migrations,
    )
    csrf.init_app(app)
    _register_models()

    from blueprints.accounts.access import init_access
    from blueprints.core.audit import init_audit
    from blueprints.core.errors import init_errors
    from blueprints.core.i18n import init_i18n
    from blueprints.core.security import init_security
    from blueprints.core.templating import init_templating

    init_i18n(app)
    init_access(app)
    init_errors(app)
    init_security(app)
    init_audit()
    init_templating(app)
    from blueprints.core.args import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    _register_blueprints(app)

    from blueprints.core.cli import register_cli

    register_cli(app)
    return app


def _register_models() -> None:
    """Import every model module so that metadata (and Alembic) sees all tables."""
    import blueprints.accounts.models
    import blueprints.admin.models
    import blueprints.challenges.models
    import blueprints.core.models
    import blueprints.networks.models
    import blueprints.organisations.models
    import blueprints.support.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    """Import each area's views (which attach routes to its blueprint) and register the blueprints."""
    import blueprints.accounts.views
    import blueprints.admin.views
    import blueprints.challenges.views
    import blueprints.core.views
    import blueprints.dashboards.views
    import blueprints.networks.api
    import blueprints.networks.views
    import blueprints.organisations.views
    import blueprints.support.views  # noqa: F401
    from blueprints.accounts import bp as accounts_bp
    from blueprints.admin import bp as admin_bp
    from blueprints.challenges import bp as challenges_bp
    from blueprints.core import bp as core_bp
    from blueprints.dashboards import bp as dashboards_bp
    from blueprints.networks import bp as networks_bp
    from blueprints.organisations import bp as organisations_bp
    from blueprints.support import bp as support_bp

    for blueprint in (
        core_bp,
        accounts_bp,
        organisations_bp,
        challenges_bp,
        networks_bp,
        support_bp,
        dashboards_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)
