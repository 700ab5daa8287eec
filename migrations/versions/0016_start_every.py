"""How often a facilitator's sessions may start (``facilitator_profile.start_every_minutes``: 15, 30 or 60;
30, the step used so far, for everyone until they choose).

Revision ID: 0016_start_every
Revises: 0015_cpv_aliases
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_start_every"
down_revision = "0015_cpv_aliases"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("facilitator_profile") as batch:
        batch.add_column(sa.Column("start_every_minutes", sa.Integer(), nullable=False, server_default="30"))
        batch.create_check_constraint(op.f("ck_facilitator_profile_start_every"), "start_every_minutes IN (15, 30, 60)")


def downgrade():
    with op.batch_alter_table("facilitator_profile") as batch:
        batch.drop_constraint(op.f("ck_facilitator_profile_start_every"), type_="check")
        batch.drop_column("start_every_minutes")
