"""Dashboard narrowed by län, organisation kind or need area: a challenge's and a support request's
organisation with its need area, a request's sessions by status and time, and the period's sessions with
their facilitator and end (booked hours), each read from an index alone. Each replaces the narrower index
it extends. Plain index statements, so SQLite's booking table (and its overlap triggers) is never rebuilt.

Revision ID: 0009_dashboard_filters
Revises: 0008_dashboard_covering
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_dashboard_filters'
down_revision = '0008_dashboard_covering'
branch_labels = None
depends_on = None

REPLACED = (
    ('ix_booking_starts_status_kind', 'booking', ['starts_at', 'status', 'kind']),
    ('ix_booking_request_id', 'booking', ['request_id']),
    ('ix_challenge_organisation_id', 'challenge', ['organisation_id']),
    ('ix_support_request_organisation_id', 'support_request', ['organisation_id']),
)
ADDED = (
    ('ix_booking_period', 'booking', ['starts_at', 'status', 'kind', 'facilitator_id', 'ends_at']),
    ('ix_booking_request_status_starts', 'booking', ['request_id', 'status', 'starts_at']),
    ('ix_challenge_organisation_area', 'challenge', ['organisation_id', 'need_area_id', 'id']),
    ('ix_support_request_organisation_area', 'support_request', ['organisation_id', 'need_area_id', 'id']),
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
