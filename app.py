"""Köpkraft: the application factory."""

import importlib
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

import blueprints.core
from blueprints.core.config import INSTANCE_DIR, load_config

# The areas, each a package under blueprints/ with an ``init_app`` that wires it in, listed once, in the order
# their dependencies run (each may import those before it, never those after; see docs/architecture.md).
AREAS = (
    "vocabulary",
    "organisations",
    "accounts",
    "sso",
    "statistics",
    "challenges",
    "networks",
    "support",
    "discovery",
    "knowledge",
    "dashboards",
    "admin",
    "site",
)

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

    from blueprints.core.args import IdConverter
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
    app.url_map.converters["int"] = IdConverter  # before any route is added
    blueprints.core.init_app(app)
    for area in AREAS:
        importlib.import_module(f"blueprints.{area}").init_app(app)
    return app
