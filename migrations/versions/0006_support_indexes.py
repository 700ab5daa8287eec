"""Support at scale: an index serving the staff queue's order (waiting requests first, then by submission) and
one for counting facilitators' current assignments.

Revision ID: 0006_support_indexes
Revises: 0005_support
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_support_indexes'
down_revision = '0005_support'
branch_labels = None
depends_on = None

# The same expression as blueprints.support.models.WAITING_FIRST (migrations stay independent of the app).
WAITING_FIRST = "(CASE WHEN status IN ('inkommen', 'bedoms') THEN 0 ELSE 1 END)"


def upgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.create_index('ix_support_request_status_facilitator', ['status', 'facilitator_id'], unique=False)
    op.create_index('ix_support_request_queue', 'support_request', [sa.text(WAITING_FIRST), 'submitted_at', 'id'])


def downgrade():
    op.drop_index('ix_support_request_queue', table_name='support_request')
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.drop_index('ix_support_request_status_facilitator')
