"""The knowledge hub: articles with their versions, tags, links and attachments; networks' notes and
documents; indexed substring search on articles (FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL).

Revision ID: 0024_knowledge
Revises: 0023_review_queue_order
"""

import logging

import sqlalchemy as sa
from alembic import op

log = logging.getLogger("alembic.runtime.migration")

SQLITE_SEARCH = [
    # An external-content index of knowledge_article.search_text, kept in step by triggers.
    "CREATE VIRTUAL TABLE knowledge_article_fts USING fts5("
    "search_text, content='knowledge_article', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER knowledge_article_fts_insert AFTER INSERT ON knowledge_article BEGIN "
    "INSERT INTO knowledge_article_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER knowledge_article_fts_delete AFTER DELETE ON knowledge_article BEGIN "
    "INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER knowledge_article_fts_update AFTER UPDATE OF search_text ON knowledge_article BEGIN "
    "INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO knowledge_article_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def _search_index_up():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
        return
    schema = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar()
    if schema is None:  # migration 0003 could not create it: searches run as scans
        log.warning("pg_trgm is missing; the knowledge hub's search runs without a trigram index")
        return
    op.execute(
        f'CREATE INDEX ix_knowledge_article_search_trgm ON knowledge_article USING gin (search_text "{schema}".gin_trgm_ops)'
    )


def _search_index_down():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("knowledge_article_fts_insert", "knowledge_article_fts_delete", "knowledge_article_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS knowledge_article_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_knowledge_article_search_trgm")


# revision identifiers, used by Alembic.
revision = '0024_knowledge'
down_revision = '0023_review_queue_order'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('knowledge_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('phase_words', sa.String(length=60), nullable=False),
    sa.Column('support_kind_words', sa.String(length=120), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('waiting_version', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_organisation_id', sa.Integer(), nullable=True),
    sa.Column('consent_given_by', sa.String(length=200), nullable=False),
    sa.Column('consent_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('consent_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('gott_exempel', 'stodmaterial', 'erfarenhet', 'nyhet')", name=op.f('ck_knowledge_article_kind')),
    sa.CheckConstraint("status IN ('utkast', 'granskning', 'publicerad', 'arkiverad')", name=op.f('ck_knowledge_article_status')),
    sa.CheckConstraint("visibility IN ('alla', 'inloggade', 'personal')", name=op.f('ck_knowledge_article_visibility')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_knowledge_article_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consent_organisation_id'], ['organisation.id'], name=op.f('fk_knowledge_article_consent_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consent_recorded_by_id'], ['user.id'], name=op.f('fk_knowledge_article_consent_recorded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_knowledge_article_proposed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_knowledge_article_reviewer_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_article'))
    )
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_knowledge_article_listed', ['status', 'visibility', 'published_at'], unique=False)

    op.create_table('knowledge_article_cpv',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('cpv_code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'], name=op.f('fk_knowledge_article_cpv_article_id_knowledge_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cpv_code'], ['cpv_code.code'], name=op.f('fk_knowledge_article_cpv_cpv_code_cpv_code'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'cpv_code', name=op.f('pk_knowledge_article_cpv'))
    )
    with op.batch_alter_table('knowledge_article_cpv', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_cpv_cpv_code'), ['cpv_code'], unique=False)

    op.create_table('knowledge_article_need_area',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('need_area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'], name=op.f('fk_knowledge_article_need_area_article_id_knowledge_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_area_id'], ['need_area.id'], name=op.f('fk_knowledge_article_need_area_need_area_id_need_area'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'need_area_id', name=op.f('pk_knowledge_article_need_area'))
    )
    with op.batch_alter_table('knowledge_article_need_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_need_area_need_area_id'), ['need_area_id'], unique=False)

    op.create_table('knowledge_article_network',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'], name=op.f('fk_knowledge_article_network_article_id_knowledge_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_knowledge_article_network_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'network_id', name=op.f('pk_knowledge_article_network'))
    )
    with op.batch_alter_table('knowledge_article_network', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_network_network_id'), ['network_id'], unique=False)

    op.create_table('knowledge_article_organisation',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'], name=op.f('fk_knowledge_article_organisation_article_id_knowledge_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_knowledge_article_organisation_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'organisation_id', name=op.f('pk_knowledge_article_organisation'))
    )
    with op.batch_alter_table('knowledge_article_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_organisation_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('knowledge_article_request',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'], name=op.f('fk_knowledge_article_request_article_id_knowledge_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['support_request.id'], name=op.f('fk_knowledge_article_request_request_id_support_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'request_id', name=op.f('pk_knowledge_article_request'))
    )
    with op.batch_alter_table('knowledge_article_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_request_request_id'), ['request_id'], unique=False)

    op.create_table('knowledge_article_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'], name=op.f('fk_knowledge_article_version_article_id_knowledge_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['edited_by_id'], ['user.id'], name=op.f('fk_knowledge_article_version_edited_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_article_version')),
    sa.UniqueConstraint('article_id', 'number', name=op.f('uq_knowledge_article_version_article_id'))
    )
    op.create_table('knowledge_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'], name=op.f('fk_knowledge_attachment_article_id_knowledge_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_knowledge_attachment_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_attachment'))
    )
    with op.batch_alter_table('knowledge_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_attachment_article_id'), ['article_id'], unique=False)

    op.create_table('network_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_document_network_id_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_network_document_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_document'))
    )
    with op.batch_alter_table('network_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_document_network_id'), ['network_id'], unique=False)

    op.create_table('network_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('proposed_article_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("topic IN ('leverantorer', 'standarder', 'trender', 'priser', 'ovrigt')", name=op.f('ck_network_note_topic')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_network_note_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_note_network_id_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_article_id'], ['knowledge_article.id'], name=op.f('fk_network_note_proposed_article_id_knowledge_article'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_note'))
    )
    with op.batch_alter_table('network_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_note_network_id'), ['network_id'], unique=False)

    _search_index_up()


def downgrade():
    _search_index_down()
    with op.batch_alter_table('network_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_note_network_id'))

    op.drop_table('network_note')
    with op.batch_alter_table('network_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_document_network_id'))

    op.drop_table('network_document')
    with op.batch_alter_table('knowledge_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_attachment_article_id'))

    op.drop_table('knowledge_attachment')
    op.drop_table('knowledge_article_version')
    with op.batch_alter_table('knowledge_article_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_request_request_id'))

    op.drop_table('knowledge_article_request')
    with op.batch_alter_table('knowledge_article_organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_organisation_organisation_id'))

    op.drop_table('knowledge_article_organisation')
    with op.batch_alter_table('knowledge_article_network', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_network_network_id'))

    op.drop_table('knowledge_article_network')
    with op.batch_alter_table('knowledge_article_need_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_need_area_need_area_id'))

    op.drop_table('knowledge_article_need_area')
    with op.batch_alter_table('knowledge_article_cpv', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_cpv_cpv_code'))

    op.drop_table('knowledge_article_cpv')
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_article_listed')
        batch_op.drop_index(batch_op.f('ix_knowledge_article_author_id'))

    op.drop_table('knowledge_article')
