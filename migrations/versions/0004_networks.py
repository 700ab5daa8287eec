"""Networks, members, linked challenges, phase history, checklist, activities, dismissed suggestions; API tokens.

Revision ID: 0004_networks
Revises: 0003_search_index
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_networks'
down_revision = '0003_search_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index('ix_organisation_updated', ['updated_at'], unique=False)
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('common_challenge', sa.Text(), nullable=False),
    sa.Column('need_area_id', sa.Integer(), nullable=True),
    sa.Column('host_organisation_id', sa.Integer(), nullable=True),
    sa.Column('coordinator_id', sa.Integer(), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('phase', sa.String(length=10), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('sort_key', sa.String(length=200).with_variant(sa.String(length=200, collation='C'), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("phase IN ('initiera', 'starta', 'driva', 'avslutad')", name=op.f('ck_network_phase')),
    sa.ForeignKeyConstraint(['coordinator_id'], ['user.id'], name=op.f('fk_network_coordinator_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['host_organisation_id'], ['organisation.id'], name=op.f('fk_network_host_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['need_area_id'], ['need_area.id'], name=op.f('fk_network_need_area_id_need_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network'))
    )
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_host_organisation_id'), ['host_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_need_area_id'), ['need_area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_phase'), ['phase'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_sort_key'), ['sort_key'], unique=False)
        batch_op.create_index('ix_network_updated', ['updated_at'], unique=False)

    op.create_table('match_dismissal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('dismissed_by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('challenge', 'network')", name=op.f('ck_match_dismissal_kind')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenge.id'], name=op.f('fk_match_dismissal_challenge_id_challenge'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dismissed_by_id'], ['user.id'], name=op.f('fk_match_dismissal_dismissed_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_dismissal')),
    sa.UniqueConstraint('challenge_id', 'kind', 'other_id', name=op.f('uq_match_dismissal_challenge_id'))
    )
    op.create_table('network_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('video_link', sa.String(length=500), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('suppliers', sa.Text(), nullable=False),
    sa.Column('shared_information', sa.Text(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('natverksmote', 'marknadsdialog', 'studiebesok', 'workshop')", name=op.f('ck_network_activity_kind')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_network_activity_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_network_activity_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_activity_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_activity'))
    )
    with op.batch_alter_table('network_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_activity_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_activity_starts_at'), ['starts_at'], unique=False)

    op.create_table('network_challenge',
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenge.id'], name=op.f('fk_network_challenge_challenge_id_challenge'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_challenge_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('network_id', 'challenge_id', name=op.f('pk_network_challenge'))
    )
    with op.batch_alter_table('network_challenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_challenge_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('network_checklist_item',
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=10), nullable=False),
    sa.Column('item', sa.String(length=20), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_network_checklist_item_done_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_checklist_item_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('network_id', 'phase', 'item', name=op.f('pk_network_checklist_item'))
    )
    op.create_table('network_cpv',
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('cpv_code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['cpv_code'], ['cpv_code.code'], name=op.f('fk_network_cpv_cpv_code_cpv_code')),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_cpv_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('network_id', 'cpv_code', name=op.f('pk_network_cpv'))
    )
    op.create_table('network_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_network_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_event_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_event'))
    )
    with op.batch_alter_table('network_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_event_network_id'), ['network_id'], unique=False)

    op.create_table('network_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role IN ('vard', 'medlem', 'observator')", name=op.f('ck_network_member_role')),
    sa.CheckConstraint("status IN ('inbjuden', 'aktiv', 'avbojd', 'lamnat')", name=op.f('ck_network_member_status')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_network_member_answered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_member_network_id_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_network_member_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_member')),
    sa.UniqueConstraint('network_id', 'organisation_id', name=op.f('uq_network_member_network_id'))
    )
    with op.batch_alter_table('network_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_member_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_member_status'), ['status'], unique=False)

    op.create_table('network_activity_organisation',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['network_activity.id'], name=op.f('fk_network_activity_organisation_activity_id_network_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_network_activity_organisation_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('activity_id', 'organisation_id', name=op.f('pk_network_activity_organisation'))
    )


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index('ix_organisation_updated')
    op.drop_table('network_activity_organisation')
    with op.batch_alter_table('network_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_member_status'))
        batch_op.drop_index(batch_op.f('ix_network_member_organisation_id'))

    op.drop_table('network_member')
    with op.batch_alter_table('network_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_event_network_id'))

    op.drop_table('network_event')
    op.drop_table('network_cpv')
    op.drop_table('network_checklist_item')
    with op.batch_alter_table('network_challenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_challenge_challenge_id'))

    op.drop_table('network_challenge')
    with op.batch_alter_table('network_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_activity_starts_at'))
        batch_op.drop_index(batch_op.f('ix_network_activity_network_id'))

    op.drop_table('network_activity')
    op.drop_table('match_dismissal')
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_index('ix_network_updated')
        batch_op.drop_index(batch_op.f('ix_network_sort_key'))
        batch_op.drop_index(batch_op.f('ix_network_phase'))
        batch_op.drop_index(batch_op.f('ix_network_need_area_id'))
        batch_op.drop_index(batch_op.f('ix_network_host_organisation_id'))

    op.drop_table('network')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
