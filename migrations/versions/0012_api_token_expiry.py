"""API tokens expire: ``api_token.expires_at``. Tokens made before this live 90 days from their creation (those
older than that stop working at once).

Revision ID: 0012_api_token_expiry
Revises: 0011_jobs_statistics
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0012_api_token_expiry"
down_revision = "0011_jobs_statistics"
branch_labels = None
depends_on = None

LIFETIME = timedelta(days=90)


def upgrade():
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    token = sa.table(
        "api_token",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(token.c.id, token.c.created_at)).all():
        connection.execute(
            sa.update(token).where(token.c.id == row.id).values(expires_at=row.created_at + LIFETIME)
        )
    with op.batch_alter_table("api_token") as batch:
        batch.alter_column("expires_at", nullable=False)


def downgrade():
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("expires_at")
