"""Background jobs and data versions; the procurement statistics (procurements, lots and their tenders, winning suppliers, the
imports); need areas' CPV branches; and each CPV code's branch as a range of codes (60100000: "601" to "602"),
filled here for the codes already loaded. Procurement titles get the same indexed substring search as
challenges (FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL). The CPV columns are added in place, so SQLite
never rebuilds the CPV table that challenges, networks and requests refer to.

Revision ID: 0011_jobs_statistics
Revises: 0010_facilitator_load
"""
import logging

from alembic import op
import sqlalchemy as sa

log = logging.getLogger("alembic.runtime.migration")

SQLITE_SEARCH_UP = [
    "CREATE VIRTUAL TABLE procurement_fts USING fts5("
    "search_text, content='procurement', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER procurement_fts_insert AFTER INSERT ON procurement BEGIN "
    "INSERT INTO procurement_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER procurement_fts_delete AFTER DELETE ON procurement BEGIN "
    "INSERT INTO procurement_fts(procurement_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER procurement_fts_update AFTER UPDATE OF search_text ON procurement BEGIN "
    "INSERT INTO procurement_fts(procurement_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO procurement_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def _branch_range(code):
    """As blueprints.vocabulary.cpv.branch_range (copied: a migration must not change when the app does)."""
    significant = code.rstrip("0")
    low = significant if len(significant) >= 2 else code[:2]
    following = str(int(low) + 1).zfill(len(low))
    return low, following if len(following) == len(low) else "9" * 9


def _fill_cpv_branches():
    bind = op.get_bind()
    codes = bind.execute(sa.text("SELECT code FROM cpv_code")).scalars().all()
    rows = [dict(code=code, branch=low, branch_end=high) for code in codes for low, high in [_branch_range(code)]]
    if rows:
        bind.execute(sa.text("UPDATE cpv_code SET branch = :branch, branch_end = :branch_end WHERE code = :code"), rows)


def _search_index_up():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_UP:
            op.execute(statement)
        return
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        log.warning("pg_trgm could not be created; procurement search runs without a trigram index")
        return
    savepoint.commit()
    schema = bind.execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )).scalar_one()
    op.execute(f'CREATE INDEX ix_procurement_search_trgm ON procurement USING gin (search_text "{schema}".gin_trgm_ops)')


def _search_index_down():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("procurement_fts_insert", "procurement_fts_delete", "procurement_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS procurement_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_procurement_search_trgm")


# revision identifiers, used by Alembic.
revision = '0011_jobs_statistics'
down_revision = '0010_facilitator_load'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lot_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_key', sa.String(length=120), nullable=False),
    sa.Column('procurement_key', sa.String(length=80), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('cpv_code', sa.String(length=8), nullable=True),
    sa.Column('supplier_name', sa.String(length=300), nullable=False),
    sa.Column('supplier_size', sa.String(length=60), nullable=False),
    sa.Column('supplier_sector', sa.String(length=60), nullable=False),
    sa.Column('supplier_legal_form', sa.String(length=120), nullable=False),
    sa.Column('supplier_sni', sa.String(length=200), nullable=False),
    sa.Column('contracts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_lot_award_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_award')),
    sa.UniqueConstraint('lot_key', 'supplier_name', name=op.f('uq_lot_award_lot_key'))
    )
    with op.batch_alter_table('lot_award', schema=None) as batch_op:
        batch_op.create_index('ix_lot_award_cpv_year', ['cpv_code', 'year', 'supplier_name', 'supplier_size'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_award_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_award_procurement_key'), ['procurement_key'], unique=False)

    op.create_table('need_area_cpv',
    sa.Column('need_area_id', sa.Integer(), nullable=False),
    sa.Column('cpv_code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['cpv_code'], ['cpv_code.code'], name=op.f('fk_need_area_cpv_cpv_code_cpv_code')),
    sa.ForeignKeyConstraint(['need_area_id'], ['need_area.id'], name=op.f('fk_need_area_cpv_need_area_id_need_area'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('need_area_id', 'cpv_code', name=op.f('pk_need_area_cpv'))
    )
    op.create_table('procurement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_key', sa.String(length=40), nullable=False),
    sa.Column('procurement_key', sa.String(length=80), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('buyer_name', sa.String(length=300), nullable=False),
    sa.Column('buyer_org_number', sa.String(length=20), nullable=False),
    sa.Column('sector', sa.String(length=10), nullable=False),
    sa.Column('cpv_code', sa.String(length=8), nullable=True),
    sa.Column('title', sa.String(length=1000), nullable=False),
    sa.Column('procedure', sa.String(length=120), nullable=False),
    sa.Column('contract_type', sa.String(length=120), nullable=False),
    sa.Column('procurement_kind', sa.String(length=60), nullable=False),
    sa.Column('is_coordinated', sa.Boolean(), nullable=False),
    sa.Column('is_innovation', sa.Boolean(), nullable=False),
    sa.Column('is_environmental', sa.Boolean(), nullable=False),
    sa.Column('is_social', sa.Boolean(), nullable=False),
    sa.Column('is_dynamic', sa.Boolean(), nullable=False),
    sa.Column('has_lots', sa.Boolean(), nullable=False),
    sa.Column('contracted_value_sek', sa.BigInteger(), nullable=True),
    sa.Column('unverified', sa.String(length=100), nullable=False),
    sa.Column('search_text', sa.String(length=1000), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('contracted_value_sek IS NULL OR contracted_value_sek >= 0', name=op.f('ck_procurement_value')),
    sa.CheckConstraint('year BETWEEN 1990 AND 2100', name=op.f('ck_procurement_year')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_procurement_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement')),
    sa.UniqueConstraint('record_key', name=op.f('uq_procurement_record_key'))
    )
    with op.batch_alter_table('procurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_procurement_key'), ['procurement_key'], unique=False)
        batch_op.create_index('ix_procurement_cpv_year_org', ['cpv_code', 'year', 'organisation_id', 'contracted_value_sek', 'published_on', 'is_coordinated'], unique=False)
        batch_op.create_index('ix_procurement_org_cpv_year', ['organisation_id', 'cpv_code', 'year', 'contracted_value_sek', 'published_on', 'is_coordinated', 'id'], unique=False)
        batch_op.create_index('ix_procurement_year', ['year'], unique=False)

    op.create_table('procurement_lot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_key', sa.String(length=120), nullable=False),
    sa.Column('procurement_key', sa.String(length=80), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('cpv_code', sa.String(length=8), nullable=True),
    sa.Column('tenders', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_procurement_lot_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement_lot')),
    sa.UniqueConstraint('lot_key', name=op.f('uq_procurement_lot_lot_key'))
    )
    with op.batch_alter_table('procurement_lot', schema=None) as batch_op:
        batch_op.create_index('ix_procurement_lot_cpv_year', ['cpv_code', 'year', 'tenders'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurement_lot_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurement_lot_procurement_key'), ['procurement_key'], unique=False)

    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=True),
    sa.Column('payload_name', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=200), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_job_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_job_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index('ix_job_status_id', ['status', 'id'], unique=False)

    op.create_table('data_version',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_version'))
    )

    op.create_table('statistics_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('layout', sa.String(length=20), nullable=False),
    sa.Column('years', sa.String(length=100), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('organisations_created', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'], name=op.f('fk_statistics_import_imported_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_import'))
    )
    with op.batch_alter_table('statistics_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistics_import_sha256'), ['sha256'], unique=False)

    op.add_column('cpv_code', sa.Column('branch', sa.String(length=8), nullable=False, server_default=''))
    op.add_column('cpv_code', sa.Column('branch_end', sa.String(length=9), nullable=False, server_default=''))
    _fill_cpv_branches()
    _search_index_up()


def downgrade():
    _search_index_down()
    op.drop_column('cpv_code', 'branch_end')
    op.drop_column('cpv_code', 'branch')

    with op.batch_alter_table('statistics_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_import_sha256'))

    op.drop_table('statistics_import')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index('ix_job_status_id')
        batch_op.drop_index(batch_op.f('ix_job_created_by_id'))

    op.drop_table('data_version')
    op.drop_table('job')
    with op.batch_alter_table('procurement_lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_lot_procurement_key'))
        batch_op.drop_index(batch_op.f('ix_procurement_lot_organisation_id'))
        batch_op.drop_index('ix_procurement_lot_cpv_year')

    op.drop_table('procurement_lot')
    with op.batch_alter_table('procurement', schema=None) as batch_op:
        batch_op.drop_index('ix_procurement_year')
        batch_op.drop_index(batch_op.f('ix_procurement_procurement_key'))
        batch_op.drop_index('ix_procurement_org_cpv_year')
        batch_op.drop_index('ix_procurement_cpv_year_org')

    op.drop_table('procurement')
    op.drop_table('need_area_cpv')
    with op.batch_alter_table('lot_award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_award_procurement_key'))
        batch_op.drop_index(batch_op.f('ix_lot_award_organisation_id'))
        batch_op.drop_index('ix_lot_award_cpv_year')

    op.drop_table('lot_award')
