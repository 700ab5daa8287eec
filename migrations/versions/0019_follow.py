"""People follow challenges and networks (``follow``): changes on their start page and by e-mail.

Revision ID: 0019_follow
Revises: 0018_share_contact
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_follow"
down_revision = "0018_share_contact"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=10), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("object_type IN ('challenge', 'network')", name=op.f("ck_follow_object_type")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_follow_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "object_type", "object_id", name=op.f("pk_follow")),
    )
    op.create_index(op.f("ix_follow_object_id"), "follow", ["object_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_follow_object_id"), table_name="follow")
    op.drop_table("follow")
