"""Operations: scheduled tasks run by the worker, one host at a time (``scheduled_task``); e-mail claimed one
message at a time (``outbox_email.claimed_at``), and held for an admin when too old or when a relay may have
it already (the statuses ``held`` and ``unsure``).

Revision ID: 0020_operations
Revises: 0019_follow
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_operations"
down_revision = "0019_follow"
branch_labels = None
depends_on = None

BEFORE = "status IN ('pending', 'sending', 'sent', 'failed')"
AFTER = "status IN ('pending', 'sending', 'sent', 'failed', 'held', 'unsure')"


def upgrade():
    op.create_table(
        "scheduled_task",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("locked_by", sa.String(length=100), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_task")),
    )
    with op.batch_alter_table("outbox_email") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.drop_constraint(op.f("ck_outbox_email_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_email_status"), AFTER)


def downgrade():
    op.execute("UPDATE outbox_email SET status = 'failed' WHERE status IN ('held', 'unsure')")
    with op.batch_alter_table("outbox_email") as batch:
        batch.drop_constraint(op.f("ck_outbox_email_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_email_status"), BEFORE)
        batch.drop_column("claimed_at")
    op.drop_table("scheduled_task")
