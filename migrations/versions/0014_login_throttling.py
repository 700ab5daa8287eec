"""Login throttling by client address: a lockout holds for one account from one client address
(``login_lockout`` keyed by both), and failures are counted per address too (indexes by address and by time,
so old rows are deleted cheaply). Lockouts in force are dropped: they held for every address.

Revision ID: 0014_login_throttling
Revises: 0013_network_event_challenge
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_login_throttling"
down_revision = "0013_network_event_challenge"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("login_lockout")
    op.create_table(
        "login_lockout",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", "ip_address", name=op.f("pk_login_lockout")),
    )
    with op.batch_alter_table("login_failure") as batch:
        batch.create_index("ix_login_failure_ip_address_at", ["ip_address", "at"], unique=False)
        batch.create_index("ix_login_failure_at", ["at"], unique=False)


def downgrade():
    with op.batch_alter_table("login_failure") as batch:
        batch.drop_index("ix_login_failure_at")
        batch.drop_index("ix_login_failure_ip_address_at")
    op.drop_table("login_lockout")
    op.create_table(
        "login_lockout",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_login_lockout")),
    )
