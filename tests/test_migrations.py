"""Migrations: they build the schema from empty on each backend, and the models match them."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from blueprints.core.db import db, include_in_migrations


def test_upgrade_from_empty_created_every_table(app):
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


# SQLite cannot reflect the support queue's expression index; it is left out of the comparison on purpose.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index ix_support_request_queue")
def test_models_match_migrations(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_in_migrations}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_database_enforces_constraints(app, people):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        for statement in [
            "UPDATE organisation SET kind = 'bolag'",
            "UPDATE organisation SET county_code = '99'",
            f"INSERT INTO user_role (user_id, role) VALUES ({people['buyer']}, 'superuser')",
            "INSERT INTO user_role (user_id, role) VALUES (999999, 'buyer')",
            "UPDATE \"user\" SET email = 'buyer2@example.org' WHERE email = 'buyer@example.org'",
        ]:
            try:
                db.session.execute(sa.text(statement))
                db.session.flush()
            except IntegrityError:
                db.session.rollback()
            else:
                db.session.rollback()
                raise AssertionError(f"the database accepted: {statement}")


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index ix_support_request_queue")
def test_every_migration_goes_down_and_up_again(fresh_database_url):
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from tests.conftest import base_config

    app = create_app(base_config(fresh_database_url))
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        revisions = [revision.revision for revision in script.walk_revisions()]  # head first
        upgrade()
        for revision, previous in zip(revisions, [*revisions[1:], None], strict=True):
            assert _current_revision() == revision
            downgrade(revision="-1")
            assert _current_revision() == previous
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _current_revision() == revisions[0]
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_in_migrations}
            )
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def _current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
