"""A challenge's contact person is shown to other organisations only when its owner allows it
(``challenge.share_contact``, off for every challenge until someone turns it on).

Revision ID: 0018_share_contact
Revises: 0017_network_applications
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_share_contact"
down_revision = "0017_network_applications"
branch_labels = None
depends_on = None


def upgrade():
    # In place (no batch): SQLite must not rebuild the challenge table, which its search triggers refer to.
    op.add_column("challenge", sa.Column("share_contact", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("challenge") as batch:
        batch.drop_column("share_contact")
