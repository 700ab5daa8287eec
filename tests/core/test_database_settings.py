"""Settings every database connection gets: SQLite enforces foreign keys and waits for locks; PostgreSQL plans
each execution for its own parameter values (psycopg prepares a statement after five runs, and PostgreSQL
may then switch to one generic plan that can be several times slower for a report)."""

import sqlalchemy as sa

from blueprints.core.db import db


def test_every_connection_gets_its_settings(app):
    with app.app_context():
        db.session.rollback()  # a setting made inside a rolled-back transaction would be gone now
        read = lambda statement: str(db.session.execute(sa.text(statement)).scalar())  # noqa: E731
        if db.engine.dialect.name == "sqlite":
            assert (read("PRAGMA foreign_keys"), read("PRAGMA busy_timeout")) == ("1", "10000")
        else:
            assert read("SHOW plan_cache_mode") == "force_custom_plan"
