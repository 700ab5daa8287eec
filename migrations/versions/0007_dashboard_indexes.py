"""Dashboard: indexes for counting per period (sessions of every status, challenge submissions, reviews and
matches, network phase changes). Plain index statements, so SQLite's booking table (and its overlap
triggers) is never rebuilt.

Revision ID: 0007_dashboard_indexes
Revises: 0006_support_indexes
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_dashboard_indexes'
down_revision = '0006_support_indexes'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_booking_starts', 'booking', ['starts_at']),
    ('ix_challenge_submitted', 'challenge', ['submitted_at']),
    ('ix_challenge_event_status_at', 'challenge_event', ['to_status', 'at']),
    ('ix_network_event_kind_at', 'network_event', ['kind', 'at']),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
