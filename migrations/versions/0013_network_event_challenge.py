"""A network's history entries name the challenge they are about (``network_event.challenge_id``), so a title is
shown only to those who may see the challenge. Entries written before this are matched to their challenge by
title (the network's linked challenge with that title first, else any challenge with it).

Revision ID: 0013_network_event_challenge
Revises: 0012_api_token_expiry
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_network_event_challenge"
down_revision = "0012_api_token_expiry"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("network_event") as batch:
        batch.add_column(sa.Column("challenge_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_network_event_challenge_id_challenge", "challenge", ["challenge_id"], ["id"], ondelete="SET NULL"
        )
    event = sa.table(
        "network_event",
        sa.column("id", sa.Integer),
        sa.column("network_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("detail", sa.String),
        sa.column("challenge_id", sa.Integer),
    )
    challenge = sa.table("challenge", sa.column("id", sa.Integer), sa.column("title", sa.String))
    linked = sa.table("network_challenge", sa.column("network_id", sa.Integer), sa.column("challenge_id", sa.Integer))
    connection = op.get_bind()
    entries = connection.execute(
        sa.select(event.c.id, event.c.network_id, event.c.detail).where(
            event.c.kind.in_(["challenge_linked", "challenge_unlinked"])
        )
    ).all()
    for entry in entries:
        same_title = sa.select(challenge.c.id).where(challenge.c.title == entry.detail)
        in_network = same_title.join(linked, linked.c.challenge_id == challenge.c.id).where(
            linked.c.network_id == entry.network_id
        )
        found = connection.scalar(in_network.limit(1)) or connection.scalar(same_title.order_by(challenge.c.id).limit(1))
        if found is not None:
            connection.execute(sa.update(event).where(event.c.id == entry.id).values(challenge_id=found))


def downgrade():
    with op.batch_alter_table("network_event") as batch:
        batch.drop_constraint("fk_network_event_challenge_id_challenge", type_="foreignkey")
        batch.drop_column("challenge_id")
