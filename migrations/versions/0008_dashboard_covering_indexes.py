"""Dashboard at DESIGN's scale: indexes that hold every column the dashboard's counts read (SQLite then never
reads the wide rows), and each network's phase history by network. Replaces three of 0007's indexes. Plain
index statements, so SQLite's booking table (and its overlap triggers) is never rebuilt.

Revision ID: 0008_dashboard_covering
Revises: 0007_dashboard_indexes
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008_dashboard_covering'
down_revision = '0007_dashboard_indexes'
branch_labels = None
depends_on = None

REPLACED = (
    ('ix_booking_starts', 'booking', ['starts_at']),
    ('ix_challenge_submitted', 'challenge', ['submitted_at']),
    ('ix_challenge_event_status_at', 'challenge_event', ['to_status', 'at']),
    ('ix_network_event_kind_at', 'network_event', ['kind', 'at']),
)
ADDED = (
    ('ix_booking_starts_status_kind', 'booking', ['starts_at', 'status', 'kind']),
    ('ix_challenge_submitted_dims', 'challenge', ['submitted_at', 'organisation_id', 'need_area_id']),
    ('ix_challenge_dims', 'challenge', ['id', 'organisation_id', 'need_area_id']),
    ('ix_challenge_event_status_at_challenge', 'challenge_event', ['to_status', 'at', 'challenge_id']),
    ('ix_network_event_network_kind_at', 'network_event', ['network_id', 'kind', 'at']),
    ('ix_support_request_responses', 'support_request',
     ['submitted_at', 'first_response_at', 'organisation_id', 'need_area_id']),
)


def upgrade():
    for name, table, _columns in REPLACED:
        op.drop_index(name, table_name=table)
    for name, table, columns in ADDED:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in ADDED:
        op.drop_index(name, table_name=table)
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns)
