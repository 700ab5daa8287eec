"""Support requests, diarienummer counter, facilitators' availability and rules, bookings that never overlap,
feedback; calendar invitations in the outbox.

The no-overlap guarantee lives in the database: an exclusion constraint on PostgreSQL (btree_gist), triggers
on SQLite. Both refuse two active ('bokad') bookings of one facilitator whose [starts_at, blocked_until) meet.

Revision ID: 0005_support
Revises: 0004_networks
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_support'
down_revision = '0004_networks'
branch_labels = None
depends_on = None


OVERLAP_CONDITION = """
    EXISTS (SELECT 1 FROM booking AS other
            WHERE other.facilitator_id = NEW.facilitator_id AND other.status = 'bokad' AND other.id != NEW.id
              AND other.starts_at < NEW.blocked_until AND NEW.starts_at < other.blocked_until)
"""


def _guard_against_overlap():
    """The database's own refusal of overlapping bookings (the message names the rule for the app)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE booking ADD CONSTRAINT ex_booking_no_overlap EXCLUDE USING gist "
            "(facilitator_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&) WHERE (status = 'bokad')"
        )
        return
    # SQLite stores these timestamps as UTC text of one fixed width, so text order is time order.
    for name, event in (("insert", "INSERT"), ("update", "UPDATE OF facilitator_id, starts_at, blocked_until, status")):
        op.execute(
            f"CREATE TRIGGER booking_no_overlap_{name} BEFORE {event} ON booking "
            f"WHEN NEW.status = 'bokad' AND {OVERLAP_CONDITION} "
            "BEGIN SELECT RAISE(ABORT, 'booking_overlap'); END"
        )


def upgrade():
    op.create_table('diary_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_diary_counter'))
    )
    op.create_table('availability_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind IN ('franvaro', 'extra')", name=op.f('ck_availability_exception_kind')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_availability_exception_ends_after_start')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['user.id'], name=op.f('fk_availability_exception_facilitator_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_exception'))
    )
    with op.batch_alter_table('availability_exception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_availability_exception_facilitator_id'), ['facilitator_id'], unique=False)

    op.create_table('availability_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_availability_window_ends_after_start')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_availability_window_weekday')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['user.id'], name=op.f('fk_availability_window_facilitator_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_window'))
    )
    with op.batch_alter_table('availability_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_availability_window_facilitator_id'), ['facilitator_id'], unique=False)

    op.create_table('facilitator_profile',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('notice_working_days', sa.Integer(), nullable=False),
    sa.Column('horizon_days', sa.Integer(), nullable=False),
    sa.Column('session_minutes', sa.JSON(), nullable=False),
    sa.Column('calendar_token_hash', sa.String(length=64), nullable=True),
    sa.CheckConstraint('buffer_minutes BETWEEN 0 AND 240', name=op.f('ck_facilitator_profile_buffer')),
    sa.CheckConstraint('horizon_days BETWEEN 1 AND 365', name=op.f('ck_facilitator_profile_horizon')),
    sa.CheckConstraint('notice_working_days BETWEEN 0 AND 30', name=op.f('ck_facilitator_profile_notice')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_facilitator_profile_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_facilitator_profile')),
    sa.UniqueConstraint('calendar_token_hash', name=op.f('uq_facilitator_profile_calendar_token_hash'))
    )
    op.create_table('support_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('diary_number', sa.String(length=20), nullable=False),
    sa.Column('diary_year', sa.SmallInteger(), nullable=False),
    sa.Column('diary_serial', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('need_area_id', sa.Integer(), nullable=True),
    sa.Column('estimated_value_sek', sa.BigInteger(), nullable=True),
    sa.Column('phase', sa.String(length=24), nullable=False),
    sa.Column('kinds', sa.String(length=200), nullable=False),
    sa.Column('preferred_from', sa.Date(), nullable=True),
    sa.Column('preferred_to', sa.Date(), nullable=True),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('closing_summary', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("format IN ('plats', 'digitalt')", name=op.f('ck_support_request_format')),
    sa.CheckConstraint("phase IN ('behovsanalys', 'marknadsanalys', 'upphandlingsdokument', 'annonsering', 'avtal')", name=op.f('ck_support_request_phase')),
    sa.CheckConstraint("status IN ('inkommen', 'bedoms', 'beviljad', 'avslagen', 'pagar', 'avslutad')", name=op.f('ck_support_request_status')),
    sa.CheckConstraint('estimated_value_sek IS NULL OR estimated_value_sek >= 0', name=op.f('ck_support_request_value')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['user.id'], name=op.f('fk_support_request_facilitator_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_area_id'], ['need_area.id'], name=op.f('fk_support_request_need_area_id_need_area')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_support_request_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['requester_id'], ['user.id'], name=op.f('fk_support_request_requester_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_request')),
    sa.UniqueConstraint('diary_number', name=op.f('uq_support_request_diary_number')),
    sa.UniqueConstraint('diary_year', 'diary_serial', name=op.f('uq_support_request_diary_year'))
    )
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_request_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_need_area_id'), ['need_area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_status'), ['status'], unique=False)
        batch_op.create_index('ix_support_request_status_submitted', ['status', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('video_link', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('lessons', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('workshop', 'dialogmote', 'processgranskning', 'projektmote', 'bollplank')", name=op.f('ck_booking_kind')),
    sa.CheckConstraint("status IN ('bokad', 'genomford', 'avbokad', 'uteblev')", name=op.f('ck_booking_status')),
    sa.CheckConstraint('blocked_until >= ends_at', name=op.f('ck_booking_blocked_after_end')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_booking_ends_after_start')),
    sa.ForeignKeyConstraint(['booked_by_id'], ['user.id'], name=op.f('fk_booking_booked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['facilitator_id'], ['user.id'], name=op.f('fk_booking_facilitator_id_user')),
    sa.ForeignKeyConstraint(['request_id'], ['support_request.id'], name=op.f('fk_booking_request_id_support_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index('ix_booking_facilitator_starts', ['facilitator_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_booking_status_starts', ['status', 'starts_at'], unique=False)

    op.create_table('facilitator_need_area',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('need_area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['need_area_id'], ['need_area.id'], name=op.f('fk_facilitator_need_area_need_area_id_need_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['facilitator_profile.user_id'], name=op.f('fk_facilitator_need_area_user_id_facilitator_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'need_area_id', name=op.f('pk_facilitator_need_area'))
    )
    op.create_table('support_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['support_request.id'], name=op.f('fk_support_attachment_request_id_support_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_support_attachment_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_attachment')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_support_attachment_storage_key'))
    )
    with op.batch_alter_table('support_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_attachment_request_id'), ['request_id'], unique=False)

    op.create_table('support_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_support_note_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['support_request.id'], name=op.f('fk_support_note_request_id_support_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_note'))
    )
    with op.batch_alter_table('support_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_note_request_id'), ['request_id'], unique=False)

    op.create_table('support_request_cpv',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('cpv_code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['cpv_code'], ['cpv_code.code'], name=op.f('fk_support_request_cpv_cpv_code_cpv_code')),
    sa.ForeignKeyConstraint(['request_id'], ['support_request.id'], name=op.f('fk_support_request_cpv_request_id_support_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'cpv_code', name=op.f('pk_support_request_cpv'))
    )
    op.create_table('support_request_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_support_request_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['support_request.id'], name=op.f('fk_support_request_event_request_id_support_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_request_event'))
    )
    with op.batch_alter_table('support_request_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_request_event_request_id'), ['request_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_feedback_rating')),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_feedback_booking_id_booking'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_feedback_booking_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_feedback_token_hash'))
    )
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_ics', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('calendar_method', sa.String(length=10), nullable=True))
    _guard_against_overlap()


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS booking_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS booking_no_overlap_update")
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('calendar_method')
        batch_op.drop_column('calendar_ics')

    op.drop_table('feedback')
    with op.batch_alter_table('support_request_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_request_event_request_id'))

    op.drop_table('support_request_event')
    op.drop_table('support_request_cpv')
    with op.batch_alter_table('support_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_note_request_id'))

    op.drop_table('support_note')
    with op.batch_alter_table('support_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_attachment_request_id'))

    op.drop_table('support_attachment')
    op.drop_table('facilitator_need_area')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_status_starts')
        batch_op.drop_index(batch_op.f('ix_booking_request_id'))
        batch_op.drop_index('ix_booking_facilitator_starts')

    op.drop_table('booking')
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_request_submitted_at'))
        batch_op.drop_index('ix_support_request_status_submitted')
        batch_op.drop_index(batch_op.f('ix_support_request_status'))
        batch_op.drop_index(batch_op.f('ix_support_request_requester_id'))
        batch_op.drop_index(batch_op.f('ix_support_request_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_support_request_need_area_id'))
        batch_op.drop_index(batch_op.f('ix_support_request_facilitator_id'))

    op.drop_table('support_request')
    op.drop_table('facilitator_profile')
    with op.batch_alter_table('availability_window', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_window_facilitator_id'))

    op.drop_table('availability_window')
    with op.batch_alter_table('availability_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_exception_facilitator_id'))

    op.drop_table('availability_exception')
    op.drop_table('diary_counter')
