"""Indexed substring search on challenges: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL.

Revision ID: 0003_search_index
Revises: 0002_challenges
"""
import logging

from alembic import op
import sqlalchemy as sa

revision = '0003_search_index'
down_revision = '0002_challenges'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

SQLITE_UP = [
    # An external-content index of challenge.search_text, kept in step by triggers.
    "CREATE VIRTUAL TABLE challenge_fts USING fts5("
    "search_text, content='challenge', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER challenge_fts_insert AFTER INSERT ON challenge BEGIN "
    "INSERT INTO challenge_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER challenge_fts_delete AFTER DELETE ON challenge BEGIN "
    "INSERT INTO challenge_fts(challenge_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER challenge_fts_update AFTER UPDATE OF search_text ON challenge BEGIN "
    "INSERT INTO challenge_fts(challenge_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO challenge_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO challenge_fts(challenge_fts) VALUES ('rebuild')",
]


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        # pg_trgm ships with PostgreSQL; creating it may need rights the app's user lacks. Then searches
        # still work, as sequential scans, and a DBA can run the two statements below later.
        savepoint = bind.begin_nested()
        try:
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except sa.exc.DBAPIError:
            savepoint.rollback()
            log.warning("pg_trgm could not be created; challenge search runs without a trigram index")
            return
        savepoint.commit()
        schema = bind.execute(sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )).scalar_one()
        op.execute(
            f'CREATE INDEX ix_challenge_search_trgm ON challenge USING gin (search_text "{schema}".gin_trgm_ops)'
        )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("challenge_fts_insert", "challenge_fts_delete", "challenge_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS challenge_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_challenge_search_trgm")
