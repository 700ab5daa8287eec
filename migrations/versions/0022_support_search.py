"""Indexed substring search on support requests (the staff queue's text search), as challenges and procurements
have: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL.

Revision ID: 0022_support_search
Revises: 0021_dashboard_summaries
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0022_support_search"
down_revision = "0021_dashboard_summaries"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

SQLITE_UP = [
    # An external-content index of support_request.search_text, kept in step by triggers.
    "CREATE VIRTUAL TABLE support_request_fts USING fts5("
    "search_text, content='support_request', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER support_request_fts_insert AFTER INSERT ON support_request BEGIN "
    "INSERT INTO support_request_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER support_request_fts_delete AFTER DELETE ON support_request BEGIN "
    "INSERT INTO support_request_fts(support_request_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER support_request_fts_update AFTER UPDATE OF search_text ON support_request BEGIN "
    "INSERT INTO support_request_fts(support_request_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO support_request_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO support_request_fts(support_request_fts) VALUES ('rebuild')",
]


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        return
    schema = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar()
    if schema is None:  # migration 0003 could not create it: searches run as scans
        log.warning("pg_trgm is missing; the support queue's search runs without a trigram index")
        return
    operator_class = f'"{schema}".gin_trgm_ops'
    op.execute(f"CREATE INDEX ix_support_request_search_trgm ON support_request USING gin (search_text {operator_class})")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("support_request_fts_insert", "support_request_fts_delete", "support_request_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS support_request_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_support_request_search_trgm")
