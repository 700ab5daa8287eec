"""Organisations may ask to join an open network: the member status "ansokt" (applied).

Revision ID: 0017_network_applications
Revises: 0016_start_every
"""

from alembic import op

revision = "0017_network_applications"
down_revision = "0016_start_every"
branch_labels = None
depends_on = None

BEFORE = "status IN ('inbjuden', 'aktiv', 'avbojd', 'lamnat')"
AFTER = "status IN ('inbjuden', 'aktiv', 'avbojd', 'lamnat', 'ansokt')"


def _status_check(condition):
    with op.batch_alter_table("network_member") as batch:
        batch.drop_constraint(op.f("ck_network_member_status"), type_="check")
        batch.create_check_constraint(op.f("ck_network_member_status"), condition)


def upgrade():
    _status_check(AFTER)


def downgrade():
    op.execute("UPDATE network_member SET status = 'avbojd' WHERE status = 'ansokt'")
    _status_check(BEFORE)
